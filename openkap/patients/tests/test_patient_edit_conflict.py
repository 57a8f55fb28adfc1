from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent
from openkap.patients.models import Patient
from openkap.patients.services import PatientEditConflict, patient_update

pytestmark = pytest.mark.django_db


def _open_form(client: Client, patient: Patient) -> dict[str, str]:
    """GET the edit page and return the values its form would submit."""
    response = client.get(reverse("patients:edit", kwargs={"public_id": patient.public_id}))
    assert response.status_code == 200
    form = response.context["form"]
    values = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _version_on_page(html: str) -> int:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match is not None, "the edit form carries no version"
    return int(match.group(1))


def test_the_second_of_two_editors_is_told_what_the_first_changed(staff, client_for, patient):
    url = reverse("patients:edit", kwargs={"public_id": patient.public_id})
    first, second = client_for(staff[Role.FRONT_DESK]), client_for(staff[Role.NURSE])
    first_form, second_form = _open_form(first, patient), _open_form(second, patient)
    assert first_form["version"] == second_form["version"] == "1"

    saved = first.post(url, {**first_form, "phone": "(555) 010-7777"})
    assert saved.status_code == 302

    response = second.post(url, {**second_form, "email": "robin.second@example.com"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved changes" in html
    # The conflict names the field the first editor changed, and only that one.
    assert [label for label, *_ in response.context["changed_by_other"]] == ["Phone"]
    assert "(555) 010-7777" in html
    # The first editor's change is intact; the second's is not saved yet.
    patient.refresh_from_db()
    assert patient.phone == "(555) 010-7777"
    assert patient.email == ""
    assert patient.version == 2
    # What the second editor typed is still in the form, which now carries the new version.
    assert 'value="robin.second@example.com"' in html
    assert _version_on_page(html) == 2

    # Having seen the change, the second editor keeps it and saves again.
    resubmit = {**response.context["form"].data.dict(), "phone": "(555) 010-7777"}
    again = second.post(url, resubmit)
    assert again.status_code == 302
    patient.refresh_from_db()
    assert (patient.phone, patient.email) == ("(555) 010-7777", "robin.second@example.com")
    assert patient.version == 3


def test_a_conflict_on_the_same_field_shows_both_values(staff, client_for, patient):
    url = reverse("patients:edit", kwargs={"public_id": patient.public_id})
    first, second = client_for(staff[Role.FRONT_DESK]), client_for(staff[Role.BILLING])
    first_form, second_form = _open_form(first, patient), _open_form(second, patient)
    first.post(url, {**first_form, "insurance_payer": "Aetna"})
    response = second.post(url, {**second_form, "insurance_payer": "Cigna"})
    assert response.status_code == 409
    rows = response.context["changed_by_other"]
    assert [label for label, *_ in rows] == ["Insurance payer"]
    assert "Aetna" in rows[0]
    patient.refresh_from_db()
    assert patient.insurance_payer == "Aetna"
    assert 'value="Cigna"' in response.content.decode()


def test_the_service_refuses_a_stale_version_and_changes_nothing(staff, patient):
    desk, nurse = staff[Role.FRONT_DESK], staff[Role.NURSE]
    patient_update(actor=desk, patient=patient, expected_version=1, data={"city": "Salem"})
    updates_before = AuditEvent.objects.filter(action=Action.UPDATE).count()

    with pytest.raises(PatientEditConflict) as caught:
        patient_update(
            actor=nurse,
            patient=patient,
            expected_version=1,
            data={"city": "Lowell", "pronouns": "they/them"},
        )

    assert caught.value.current.version == 2
    assert caught.value.current.city == "Salem"
    patient.refresh_from_db()
    assert (patient.city, patient.pronouns, patient.version) == ("Salem", "", 2)
    assert AuditEvent.objects.filter(action=Action.UPDATE).count() == updates_before


def test_the_service_saves_from_the_current_version_and_audits_it(staff, patient):
    desk = staff[Role.FRONT_DESK]
    saved = patient_update(actor=desk, patient=patient, expected_version=1, data={"city": "Salem"})
    assert (saved.city, saved.version) == ("Salem", 2)
    row = AuditEvent.objects.get(action=Action.UPDATE, patient=patient)
    assert row.user == desk
    assert row.detail["fields"] == ["city"]
