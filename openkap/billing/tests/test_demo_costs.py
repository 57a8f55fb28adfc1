"""`openkap demo` loads each clinic's price list (with a package and an upcoming price), its payers
(self-pay among them, every payer's source saying it is demo data), gives the portal patients with
a plan an estimate, and prints the MRN of a patient whose plan `openkap estimate` can price."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.billing.models import Payer, PayerKind, PriceItem, SavedEstimate

pytestmark = pytest.mark.django_db


def test_the_demo_has_prices_payers_and_a_patient_to_estimate():
    out = StringIO()
    call_command("demo", stdout=out)
    for clinic in Clinic.objects.all():
        items = PriceItem.objects.filter(clinic=clinic)
        assert items.filter(package_sessions__isnull=False).exists()
        assert items.filter(prices__effective_from__gt=timezone.localdate()).exists()
        payers = Payer.objects.filter(clinic=clinic)
        assert payers.filter(kind=PayerKind.SELF_PAY).exists()
        for payer in payers.exclude(kind=PayerKind.SELF_PAY):
            assert "DEMO DATA" in payer.information_source
    assert SavedEstimate.objects.filter(patient__portal_account__isnull=False).exists()

    found = re.search(r"Patient with a plan for `openkap estimate`: MRN (\S+)", out.getvalue())
    assert found is not None
    printed = StringIO()
    call_command("estimate", "--mrn", found.group(1), "--format", "json", stdout=printed)
    assert json.loads(printed.getvalue())["lines"]
