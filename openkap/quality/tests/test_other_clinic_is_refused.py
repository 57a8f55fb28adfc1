"""Another clinic's records do not exist for you: its licences and drills answer 404 and its data
never enters your self-audit."""

from __future__ import annotations

import pytest

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent
from openkap.quality.models import StaffCredential
from openkap.quality.services import drill_record
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider_admin(other_clinic, make_staff):
    return make_staff("admin-south", other_clinic, Role.CLINIC_ADMIN)


def test_another_clinics_licence_is_not_found(outsider_admin, prescriber, add_licence, client_for):
    credential = add_licence(prescriber, number="SECRET-LIC-77")
    client = client_for(outsider_admin)
    assert client.get(f"/quality/licences/{credential.pk}/").status_code == 404
    response = client.post(
        f"/quality/licences/{credential.pk}/retire/", {"reason": "x", "version": 1}
    )
    assert response.status_code == 404
    assert StaffCredential.objects.get(pk=credential.pk).retired_at is None
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, user=outsider_admin, object_type="staff_credential"
    ).exists()
    assert "SECRET-LIC-77" not in client.get("/quality/licences/").content.decode()


def test_another_clinics_drill_is_not_found(admin, clinic, prescriber, outsider_admin, client_for):
    drill = drill_record(
        actor=admin,
        clinic=clinic,
        held_on=in_days(-1),
        scenario="airway",
        participants=[prescriber],
        findings="x",
    )
    assert client_for(outsider_admin).get(f"/quality/drills/{drill.pk}/").status_code == 404
    # A refused access, audited like any other.
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, user=outsider_admin, object_type="emergency_drill"
    ).exists()


def test_another_clinics_drill_does_not_count_for_yours(
    admin, clinic, prescriber, other_clinic, outsider_admin, client_for
):
    drill_record(
        actor=admin,
        clinic=clinic,
        held_on=in_days(-1),
        scenario="airway",
        participants=[prescriber],
        findings="x",
    )
    body = client_for(outsider_admin).get("/quality/").content.decode()
    assert "No emergency drill has been logged." in body
