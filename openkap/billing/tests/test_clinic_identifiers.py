"""The clinic's NPI (with its check digit) and Tax ID, printed on superbills, set by a command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from openkap.billing.charge_services import npi_is_valid
from openkap.billing.models import ClinicBilling

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("npi", "valid"), [("1234567893", True), ("1234567890", False), ("12345", False)]
)
def test_it_checks_the_npi_check_digit(npi: str, valid: bool) -> None:
    # 1234567893 is CMS's published example of a valid NPI.
    assert npi_is_valid(npi) is valid


def test_the_command_saves_valid_identifiers(clinic):
    call_command(
        "billing",
        "identifiers",
        "--clinic",
        str(clinic.pk),
        "--npi",
        "1234567893",
        "--tax-id",
        "12-3456789",
    )
    saved = ClinicBilling.objects.get(clinic=clinic)
    assert (saved.npi, saved.tax_id) == ("1234567893", "12-3456789")


def test_the_command_refuses_a_bad_npi(clinic):
    with pytest.raises(CommandError, match="npi"):
        call_command("billing", "identifiers", "--clinic", str(clinic.pk), "--npi", "1234567890")
    assert not ClinicBilling.objects.exists()
