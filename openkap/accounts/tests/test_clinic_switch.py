from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Clinic, Membership, Role
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db

PATIENT = {
    "legal_given_name": "Avery",
    "legal_family_name": "Quill",
    "date_of_birth": "1979-06-30",
    "sex": "female",
    "country": "US",
}


@pytest.fixture
def roaming(clinic, other_clinic, make_staff):
    user = make_staff("roaming", clinic, Role.FRONT_DESK)
    Membership.objects.create(user=user, clinic=other_clinic, role=Role.FRONT_DESK)
    return user


def test_a_user_with_two_clinics_switches_and_works_in_the_other(
    clinic, other_clinic, roaming, client_for
):
    client = client_for(roaming)
    assert client.get(reverse("web:home")).context["clinic"] == clinic
    response = client.post(reverse("accounts:clinic_switch"), {"clinic": other_clinic.pk})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).context["clinic"] == other_clinic
    client.post(reverse("patients:register"), PATIENT)
    patient = Patient.objects.get()
    assert patient.clinic == other_clinic
    assert patient.mrn.startswith(f"{other_clinic.mrn_prefix}-")


def test_it_can_switch_back(clinic, other_clinic, roaming, client_for):
    client = client_for(roaming)
    client.post(reverse("accounts:clinic_switch"), {"clinic": other_clinic.pk})
    client.post(reverse("accounts:clinic_switch"), {"clinic": clinic.pk})
    client.post(reverse("patients:register"), PATIENT)
    assert Patient.objects.get().mrn.startswith(f"{clinic.mrn_prefix}-")


def test_a_clinic_without_a_role_cannot_be_chosen(organisation, clinic, roaming, client_for):
    east = Clinic.objects.create(organisation=organisation, name="East", mrn_prefix="EA")
    client = client_for(roaming)
    client.post(reverse("accounts:clinic_switch"), {"clinic": east.pk})
    assert client.get(reverse("web:home")).context["clinic"] == clinic
    client.post(reverse("patients:register"), PATIENT)
    assert Patient.objects.get().clinic == clinic
    assert not Patient.objects.filter(clinic=east).exists()


def test_the_permissions_are_those_held_in_the_chosen_clinic(
    clinic, other_clinic, make_staff, client_for
):
    user = make_staff("mixed", clinic, Role.FRONT_DESK)
    Membership.objects.create(user=user, clinic=other_clinic, role=Role.THERAPIST)
    client = client_for(user)
    client.post(reverse("accounts:clinic_switch"), {"clinic": other_clinic.pk})
    assert client.post(reverse("patients:register"), PATIENT).status_code == 403
    assert not Patient.objects.exists()
