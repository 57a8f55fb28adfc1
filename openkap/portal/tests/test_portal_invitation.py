"""Portal invitations: a one-time, expiring link; only its hash is stored; never the patient's id."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Role, User
from openkap.audit.models import Action, AuditEvent, Category
from openkap.portal.models import PortalAccount, PortalInvitation

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-orchard-velvet-42"


def _invite(client_for, staff, patient) -> str:
    response = client_for(staff[Role.FRONT_DESK]).post(
        reverse("portal:invite", kwargs={"public_id": patient.public_id})
    )
    assert response.status_code == 200
    link = str(response.context["link"])
    return link.split("://", 1)[1].split("/", 1)[1]  # the path


def _accept(path: str, username: str = "robin.t", password: str = NEW_PASSWORD) -> Client:
    client = Client()
    response = client.get("/" + path)
    assert response.status_code == 302, response.status_code
    client.post(
        reverse("portal:accept"),
        {"username": username, "password": password, "password_again": password},
    )
    return client


def test_it_shows_a_link_that_names_neither_the_patient_nor_their_id(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    assert str(patient.public_id) not in path
    assert str(patient.pk) not in path.split("/")
    assert patient.mrn not in path


def test_it_stores_only_the_hash_of_the_token(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    token = path.rstrip("/").split("/")[-1]
    invitation = PortalInvitation.objects.get()
    assert invitation.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_sha256


def test_it_e_mails_the_link_to_the_address_on_file(client_for, staff, make_patient, clinic):
    patient = make_patient(clinic, email="robin@example.com")
    path = _invite(client_for, staff, patient)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@example.com"]
    assert path.rstrip("/").split("/")[-1] in mail.outbox[0].body


def test_the_patient_sets_a_password_and_signs_in(client_for, staff, patient):
    _accept(_invite(client_for, staff, patient))
    account = PortalAccount.objects.get(patient=patient)
    assert account.user.kind == User.Kind.PATIENT
    assert account.user.username == "robin.t"
    client = Client()
    client.post(reverse("portal:login"), {"username": "robin.t", "password": NEW_PASSWORD})
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEvent.objects.filter(
        category=Category.PORTAL_ACCOUNT, action=Action.UPDATE, user=account.user
    ).exists()


def test_it_refuses_a_link_used_once_already(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    _accept(path)
    assert Client().get("/" + path).status_code == 404


def test_it_refuses_an_expired_link(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    PortalInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/" + path).status_code == 404
    assert not PortalAccount.objects.exists()


def test_a_new_invitation_makes_the_earlier_link_stop_working(client_for, staff, patient):
    first = _invite(client_for, staff, patient)
    second = _invite(client_for, staff, patient)
    assert Client().get("/" + first).status_code == 404
    assert Client().get("/" + second).status_code == 302


def test_it_refuses_a_weak_password_with_an_error_on_the_field(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    client = Client()
    client.get("/" + path)
    response = client.post(
        reverse("portal:accept"),
        {"username": "robin.t", "password": "short", "password_again": "short"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert not PortalAccount.objects.exists()
    assert PortalInvitation.objects.get().used_at is None


def test_it_refuses_a_username_someone_has(client_for, staff, patient):
    path = _invite(client_for, staff, patient)
    client = Client()
    client.get("/" + path)
    response = client.post(
        reverse("portal:accept"),
        {
            "username": staff[Role.NURSE].username,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"]


def test_a_second_invitation_resets_the_password_of_the_existing_account(
    client_for, staff, patient
):
    _accept(_invite(client_for, staff, patient))
    _accept(
        _invite(client_for, staff, patient), username="ignored", password="second-" + NEW_PASSWORD
    )
    assert PortalAccount.objects.count() == 1
    client = Client()
    client.post(
        reverse("portal:login"), {"username": "robin.t", "password": "second-" + NEW_PASSWORD}
    )
    assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.CLINIC_ADMIN])
def test_it_refuses_an_invitation_from_staff_without_patient_edit(client_for, staff, patient, role):
    response = client_for(staff[role]).post(
        reverse("portal:invite", kwargs={"public_id": patient.public_id})
    )
    assert response.status_code == 403
    assert not PortalInvitation.objects.exists()
