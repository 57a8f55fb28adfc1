"""Break-glass: a prescriber or nurse reads a patient of another clinic of the organisation, with a
reason and their password, for one hour; audited, and the patient's clinic administrators are told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Organisation, Role, User
from openkap.audit.models import Action, AuditEvent
from openkap.patients.models import EmergencyAccess, Patient

pytestmark = pytest.mark.django_db

URL = reverse("patients:emergency")
REASON = "Patient collapsed in our waiting room; need allergies and history now."


def _chart(patient: Patient) -> str:
    return reverse("patients:chart", kwargs={"public_id": patient.public_id})


def _ask(client: Client, patient: Patient, **changes: str) -> Any:
    data = {
        "mrn": patient.mrn,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "reason": REASON,
        "password": PASSWORD,
    }
    data.update(changes)
    return client.post(URL, data)


@pytest.fixture
def elsewhere(other_clinic, make_patient, make_staff):
    admin = make_staff("south.admin", other_clinic, Role.CLINIC_ADMIN)
    User.objects.filter(pk=admin.pk).update(email="south.admin@example.com")
    return make_patient(other_clinic, legal_family_name="Faraway")


def test_it_opens_the_chart_for_an_hour_and_tells_the_clinic(
    clinic, make_staff, client_for, elsewhere, django_capture_on_commit_callbacks
):
    nurse = make_staff("nurse", clinic, Role.NURSE)
    client = client_for(nurse)
    assert client.get(_chart(elsewhere)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, elsewhere)
    assert response.status_code == 302 and response["Location"] == _chart(elsewhere)
    page = client.get(_chart(elsewhere))
    assert page.status_code == 200
    assert b"Emergency access" in page.content and b"Faraway" in page.content
    grant = EmergencyAccess.objects.get(user=nurse, patient=elsewhere)
    assert timedelta(minutes=59) < grant.expires_at - grant.granted_at <= timedelta(minutes=60)
    event = AuditEvent.objects.get(action=Action.EMERGENCY_ACCESS)
    assert (event.user, event.patient, event.clinic) == (nurse, elsewhere, elsewhere.clinic)
    read = AuditEvent.objects.filter(action=Action.READ, patient=elsewhere, user=nurse).last()
    assert read is not None and read.detail["emergency_access"] == grant.pk
    assert [m.to for m in mail.outbox] == [["south.admin@example.com"]]
    assert elsewhere.mrn in mail.outbox[0].body
    assert "Faraway" not in mail.outbox[0].body  # e-mail leaves the system: no name, no reason


def test_it_is_read_only(clinic, make_staff, client_for, elsewhere):
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    _ask(client, elsewhere)
    edit = reverse("patients:edit", kwargs={"public_id": elsewhere.public_id})
    assert client.get(edit).status_code == 404


def test_it_ends_when_the_grant_expires(clinic, make_staff, client_for, elsewhere):
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    _ask(client, elsewhere)
    EmergencyAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(_chart(elsewhere)).status_code == 404


def test_it_needs_the_exact_date_of_birth(clinic, make_staff, client_for, elsewhere):
    client = client_for(make_staff("doc", clinic, Role.PRESCRIBER))
    wrong = (elsewhere.date_of_birth + timedelta(days=1)).isoformat()
    response = _ask(client, elsewhere, date_of_birth=wrong)
    assert response.status_code == 400
    assert not EmergencyAccess.objects.exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, object_type="emergency_access"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"), [("reason", "need it"), ("password", "not-my-password")]
)
def test_it_refuses_a_short_reason_or_a_wrong_password_naming_the_field(
    clinic, make_staff, client_for, elsewhere, field, value
):
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    response = _ask(client, elsewhere, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not EmergencyAccess.objects.exists()


def test_a_wrong_password_still_counts_as_a_failed_sign_in(
    clinic, make_staff, client_for, elsewhere
):
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    _ask(client, elsewhere, password="not-my-password")
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, username="nurse").exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK, Role.BILLING, Role.CLINIC_ADMIN])
def test_other_roles_cannot_break_the_glass(clinic, make_staff, client_for, elsewhere, role):
    client = client_for(make_staff("someone", clinic, role))
    assert client.get(URL).status_code == 403
    assert _ask(client, elsewhere).status_code == 403
    assert not EmergencyAccess.objects.exists()


def test_it_never_reaches_another_organisation(clinic, make_staff, make_patient, client_for):
    stranger_clinic = Clinic.objects.create(
        organisation=Organisation.objects.create(name="Elsewhere Health"),
        name="Far",
        mrn_prefix="FAR",
    )
    stranger = make_patient(stranger_clinic)
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    assert _ask(client, stranger).status_code == 400
    assert client.get(_chart(stranger)).status_code == 404
