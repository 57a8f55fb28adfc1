"""Opening patient data, failing to sign in and changing a patient each leave an audit row."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from openkap.accounts.mfa import current_code
from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def nurse(clinic, make_staff):
    return make_staff("nina", clinic, Role.NURSE)


def new_rows(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=before).order_by("sequence"))


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def row_text(event: AuditEvent) -> str:
    """Everything stored in the row, as text, to look for values that must not be there."""
    return json.dumps(model_to_dict(event), default=str)


def test_it_audits_opening_a_patient_chart(client_for, nurse, patient):
    client = client_for(nurse)
    before = last_sequence()
    response = client.get(
        reverse("patients:chart", kwargs={"public_id": patient.public_id}), REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 200

    (row,) = new_rows(before)
    assert (row.action, row.category) == (Action.READ, Category.DEMOGRAPHICS)
    assert row.patient == patient
    assert row.user == nurse
    assert row.username == nurse.username
    assert row.clinic == patient.clinic
    assert row.request_id == response["X-Request-ID"]
    assert row.client_address == ADDRESS
    assert (row.object_type, row.object_id) == ("patient", str(patient.pk))
    for value in (patient.legal_family_name, patient.legal_given_name):
        assert value not in row_text(row)


def test_it_audits_opening_the_edit_form(client_for, nurse, patient):
    client = client_for(nurse)
    before = last_sequence()
    response = client.get(reverse("patients:edit", kwargs={"public_id": patient.public_id}))
    assert response.status_code == 200

    (row,) = new_rows(before)
    assert (row.action, row.category) == (Action.READ, Category.DEMOGRAPHICS)
    assert (row.patient, row.user, row.request_id) == (patient, nurse, response["X-Request-ID"])


def test_it_does_not_audit_a_read_that_was_refused(client_for, clinic, make_staff, patient):
    admin = make_staff("ada", clinic, Role.CLINIC_ADMIN)
    before = last_sequence()
    response = client_for(admin).get(
        reverse("patients:chart", kwargs={"public_id": patient.public_id})
    )
    assert response.status_code == 403
    assert not [row for row in new_rows(before) if row.action == Action.READ]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_it_audits_the_patient_list(client_for, nurse, clinic, make_patient, method):
    searched = make_patient(clinic, legal_family_name="Quillfeather")
    make_patient(clinic)
    client = client_for(nurse)
    before = last_sequence()
    url = reverse("patients:list")
    if method == "GET":
        response = client.get(url, REMOTE_ADDR=ADDRESS)
    else:
        response = client.post(url, {"query": "Quillfeather"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200

    (row,) = new_rows(before)
    assert (row.action, row.category) == (Action.READ, Category.PATIENT_LIST)
    assert (row.user, row.clinic, row.patient) == (nurse, clinic, None)
    assert row.request_id == response["X-Request-ID"]
    assert row.client_address == ADDRESS
    # The search words are patient data: the row says a search happened, never what was typed.
    assert searched.legal_family_name not in row_text(row)


def test_it_audits_a_failed_sign_in_without_the_password(clinic, nurse):
    client = Client()
    before = last_sequence()
    response = client.post(
        reverse("accounts:login"),
        {"username": "nina", "password": "wrong-password-4711"},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 400

    (row,) = new_rows(before)
    assert (row.action, row.category) == (Action.LOGIN_FAILED, Category.ACCOUNT)
    assert row.username == "nina"
    assert row.user is None
    assert row.request_id == response["X-Request-ID"]
    assert row.client_address == ADDRESS
    assert "wrong-password-4711" not in row_text(row)


def test_it_audits_a_wrong_second_factor_code(clinic, nurse):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "nina", "password": PASSWORD})
    good = current_code(TOTPDevice.objects.get(user=nurse))
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    before = last_sequence()
    response = client.post(reverse("accounts:mfa_verify"), {"token": wrong}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 400

    (row,) = new_rows(before)
    assert (row.action, row.user, row.client_address) == (Action.LOGIN_FAILED, nurse, ADDRESS)
    assert row.request_id == response["X-Request-ID"]


REGISTRATION = {
    "legal_given_name": "Perpetua",
    "legal_family_name": "Newcomer",
    "date_of_birth": "1990-02-03",
    "sex": "female",
    "country": "US",
    "phone": "555 010 7777",
}


def test_it_audits_registering_a_patient(client_for, nurse, clinic):
    client = client_for(nurse)
    before = last_sequence()
    response = client.post(reverse("patients:register"), REGISTRATION, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302

    registered = Patient.objects.get(legal_family_name="Newcomer")
    (row,) = new_rows(before)
    assert (row.action, row.category) == (Action.CREATE, Category.DEMOGRAPHICS)
    assert (row.patient, row.user, row.clinic) == (registered, nurse, clinic)
    assert row.request_id == response["X-Request-ID"]
    assert row.client_address == ADDRESS
    for value in ("Perpetua", "Newcomer", "555 010 7777"):
        assert value not in row_text(row)


def _audit_unavailable(monkeypatch, module: str) -> list[str]:
    calls: list[str] = []

    def refuse(**kwargs):
        calls.append(kwargs["action"])
        raise RuntimeError("the audit trail cannot be written")

    monkeypatch.setattr(f"{module}.audit_record", refuse)
    return calls


def test_it_rejects_registering_a_patient_when_the_audit_row_fails(monkeypatch, client_for, nurse):
    client = client_for(nurse)
    calls = _audit_unavailable(monkeypatch, "openkap.patients.services")
    patients_before = Patient.objects.count()

    with pytest.raises(RuntimeError, match="audit trail cannot be written"):
        client.post(reverse("patients:register"), REGISTRATION)

    assert calls == [Action.CREATE]  # the patient row was written before the audit row failed
    assert Patient.objects.count() == patients_before
    assert not Patient.objects.filter(legal_family_name="Newcomer").exists()


def test_it_rejects_editing_a_patient_when_the_audit_row_fails(
    monkeypatch, client_for, nurse, patient
):
    client = client_for(nurse)
    calls = _audit_unavailable(monkeypatch, "openkap.patients.services")
    data = {
        "legal_given_name": patient.legal_given_name,
        "legal_family_name": "Changedname",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "country": patient.country,
        "version": patient.version,
    }

    with pytest.raises(RuntimeError, match="audit trail cannot be written"):
        client.post(reverse("patients:edit", kwargs={"public_id": patient.public_id}), data)

    assert calls == [Action.UPDATE]
    saved = Patient.objects.get(pk=patient.pk)
    assert (saved.legal_family_name, saved.version) == (patient.legal_family_name, patient.version)
