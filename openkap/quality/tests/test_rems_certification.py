"""The clinic's REMS healthcare-setting certification: a certified setting has a number and a date;
edits are version-checked and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent, Category
from openkap.quality.models import RemsCertification
from openkap.quality.services import EditConflict, rems_certification_set
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def test_it_records_the_certification_with_an_audit_row(admin, clinic):
    row = rems_certification_set(
        actor=admin,
        clinic=clinic,
        expected_version=0,
        certified=True,
        number="HCS-1",
        certified_on=in_days(-30),
    )
    assert row.certified and row.version == 1
    assert AuditEvent.objects.filter(
        category=Category.QUALITY, object_type="rems_certification"
    ).exists()


def test_it_rejects_certified_without_number_or_date(admin, clinic):
    with pytest.raises(ValidationError) as error:
        rems_certification_set(actor=admin, clinic=clinic, expected_version=0, certified=True)
    assert {"number", "certified_on"} <= set(error.value.message_dict)
    assert not RemsCertification.objects.exists()


def test_it_rejects_a_stale_form(admin, clinic):
    rems_certification_set(actor=admin, clinic=clinic, expected_version=0, certified=False)
    with pytest.raises(EditConflict):
        rems_certification_set(
            actor=admin,
            clinic=clinic,
            expected_version=0,
            certified=True,
            number="HCS-2",
            certified_on=in_days(-1),
        )
    assert RemsCertification.objects.get().certified is False


def test_the_form_saves_and_returns_to_the_audit(admin, client_for):
    response = client_for(admin).post(
        "/quality/rems/",
        {
            "certified": "on",
            "number": "HCS-9",
            "certified_on": in_days(-2).isoformat(),
            "version": 0,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/quality/"
    assert RemsCertification.objects.get().number == "HCS-9"
