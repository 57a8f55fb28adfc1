from __future__ import annotations

import re

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient, SupportPerson
from openkap.patients.services import support_person_add

pytestmark = pytest.mark.django_db

ESCORT = {
    "name": "Jules Marlow",
    "relationship": "Partner",
    "phone": "(555) 010-4567",
    "is_escort": "on",
    "notes": "Drives a blue van",
}


def _add_url(patient: Patient) -> str:
    return reverse("patients:support_add", kwargs={"public_id": patient.public_id})


def _remove_url(person: SupportPerson) -> str:
    return reverse(
        "patients:support_remove",
        kwargs={"public_id": person.patient.public_id, "person_id": person.pk},
    )


def _error_messages(html: str) -> list[str]:
    return re.findall(r'<p class="notice notice-error" role="status">(.*?)</p>', html, re.S)


def test_it_adds_a_support_person_and_audits_it(staff, client_for, patient):
    nurse = staff[Role.NURSE]
    response = client_for(nurse).post(_add_url(patient), ESCORT, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "patients:chart", kwargs={"public_id": patient.public_id}
    )
    person = SupportPerson.objects.get(patient=patient)
    assert (person.name, person.phone, person.is_escort, person.is_home_support) == (
        "Jules Marlow",
        "(555) 010-4567",
        True,
        False,
    )
    assert "Jules Marlow" in response.content.decode()
    row = AuditEvent.objects.get(action=Action.CREATE, category=Category.SUPPORT_PERSONS)
    assert (row.user, row.patient, row.object_id) == (nurse, patient, str(person.pk))


def test_it_rejects_a_bad_phone_and_says_which_field(staff, client_for, patient):
    response = client_for(staff[Role.FRONT_DESK]).post(
        _add_url(patient), {**ESCORT, "phone": "ask at desk"}, follow=True
    )
    errors = _error_messages(response.content.decode())
    assert len(errors) == 1
    assert "Phone:" in errors[0]
    assert not SupportPerson.objects.exists()
    assert not AuditEvent.objects.filter(category=Category.SUPPORT_PERSONS).exists()


def test_it_removes_a_support_person_and_audits_it(staff, client_for, patient):
    desk = staff[Role.FRONT_DESK]
    person = support_person_add(
        actor=desk,
        patient=patient,
        data={"name": "Ida Lowe", "relationship": "Sister", "phone": "(555) 010-1111"},
    )
    response = client_for(staff[Role.BILLING]).post(_remove_url(person))
    assert response.status_code == 302
    assert not SupportPerson.objects.filter(pk=person.pk).exists()
    row = AuditEvent.objects.get(action=Action.DELETE, category=Category.SUPPORT_PERSONS)
    assert (row.user, row.patient, row.object_id) == (staff[Role.BILLING], patient, str(person.pk))


def test_a_user_of_another_clinic_gets_404(other_clinic, staff, make_staff, client_for, patient):
    person = support_person_add(
        actor=staff[Role.NURSE],
        patient=patient,
        data={"name": "Ida Lowe", "relationship": "Sister", "phone": "(555) 010-1111"},
    )
    outsider = client_for(make_staff("outsider", other_clinic, Role.NURSE))
    assert outsider.post(_add_url(patient), ESCORT).status_code == 404
    assert outsider.post(_remove_url(person)).status_code == 404
    assert list(SupportPerson.objects.values_list("name", flat=True)) == ["Ida Lowe"]


def test_a_role_that_may_only_view_cannot_change_support_persons(staff, client_for, patient):
    person = support_person_add(
        actor=staff[Role.NURSE],
        patient=patient,
        data={"name": "Ida Lowe", "relationship": "Sister", "phone": "(555) 010-1111"},
    )
    therapist = client_for(staff[Role.THERAPIST])
    assert therapist.post(_add_url(patient), ESCORT).status_code == 403
    assert therapist.post(_remove_url(person)).status_code == 403
    assert list(SupportPerson.objects.values_list("name", flat=True)) == ["Ida Lowe"]
