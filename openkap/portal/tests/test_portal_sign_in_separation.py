"""Patients sign in at the portal and only there; staff sign in at the staff pages and only there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from openkap.accounts.models import Role, User
from openkap.portal.tests.fixtures import portal_sign_in

pytestmark = pytest.mark.django_db


def test_a_patient_signs_in_at_the_portal(portal_user):
    client = Client()
    response = client.post(
        reverse("portal:login"), {"username": portal_user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_it_refuses_a_staff_account_at_the_portal_sign_in_like_a_wrong_password(make_staff, clinic):
    nurse = make_staff("nurse.x", clinic, Role.NURSE)
    client = Client()
    staff = client.post(reverse("portal:login"), {"username": nurse.username, "password": PASSWORD})
    wrong = Client().post(
        reverse("portal:login"), {"username": "nobody", "password": "not-the-password"}
    )
    assert staff.status_code == wrong.status_code == 400
    assert "do not match a patient portal account" in staff.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_patient_account_at_the_staff_sign_in(portal_user):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": portal_user.username, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["web:home", "patients:list", "patients:register", "audit:report"])
def test_it_refuses_a_signed_in_patient_on_staff_pages(portal_client, name):
    assert portal_client.get(reverse(name)).status_code == 403


def test_it_refuses_a_signed_in_patient_on_another_patients_chart(
    portal_client, make_patient, clinic
):
    other = make_patient(clinic, legal_given_name="Quillon")
    response = portal_client.get(reverse("patients:chart", kwargs={"public_id": other.public_id}))
    assert response.status_code == 403
    assert "Quillon" not in response.content.decode()


@pytest.mark.parametrize("name", ["portal:home", "consent:mine"])
def test_it_refuses_staff_on_the_patients_own_pages(client_for, staff, name):
    assert client_for(staff[Role.FRONT_DESK]).get(reverse(name)).status_code == 403


def test_it_refuses_a_patient_account_not_linked_to_a_patient(db):
    user = User.objects.create_user(username="loose", password=PASSWORD, kind=User.Kind.PATIENT)
    client = Client()
    response = client.post(reverse("portal:login"), {"username": "loose", "password": PASSWORD})
    assert response.status_code == 400
    portal_sign_in(client, user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_it_sends_an_anonymous_visitor_to_the_portal_sign_in(db):
    response = Client().get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
