from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role, User
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-unusual-passphrase-91"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "jordan.lee",
        "first_name": "Jordan",
        "last_name": "Lee",
        "email": "jordan.lee@example.com",
        "credentials": "RN",
        "roles": [Role.NURSE, Role.THERAPIST],
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_staff_member_with_roles(clinic, staff, client_for):
    admin = staff[Role.CLINIC_ADMIN]
    response = client_for(admin).post(reverse("staff:add"), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:list")
    user = User.objects.get(username="jordan.lee")
    assert user.roles_in(clinic.pk) == {Role.NURSE, Role.THERAPIST}
    assert user.check_password(NEW_PASSWORD)
    assert user.is_active and user.kind == User.Kind.STAFF
    row = AuditEvent.objects.get(action=Action.CREATE, category=Category.STAFF)
    assert (row.user, row.clinic, row.object_id) == (admin, clinic, str(user.pk))
    # The new person signs in with the password and is then asked to set up the second factor.
    first = Client().post(
        reverse("accounts:login"), {"username": "jordan.lee", "password": NEW_PASSWORD}
    )
    assert first["Location"] == reverse("accounts:mfa_setup")


@pytest.mark.parametrize("username", ["Jordan.Lee", "jordan lee", "jo", "jordan!lee", ""])
def test_it_rejects_a_badly_formed_username(staff, client_for, username):
    response = client_for(staff[Role.CLINIC_ADMIN]).post(
        reverse("staff:add"), _form(username=username)
    )
    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    assert not User.objects.filter(first_name="Jordan").exists()
    assert not AuditEvent.objects.exists()


def test_it_rejects_a_username_that_is_taken(staff, client_for):
    taken = staff[Role.NURSE].username
    response = client_for(staff[Role.CLINIC_ADMIN]).post(
        reverse("staff:add"), _form(username=taken)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == ["That username is taken."]
    assert User.objects.filter(username=taken).count() == 1
    assert not User.objects.filter(first_name="Jordan").exists()


@pytest.mark.parametrize("password", ["short-pw1", "password1234", "jordan.lee.jordan"])
def test_it_rejects_a_weak_password_and_names_the_field(staff, client_for, password):
    response = client_for(staff[Role.CLINIC_ADMIN]).post(
        reverse("staff:add"), _form(password=password)
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["password"]
    assert "First password:" in response.content.decode()
    assert not User.objects.filter(username="jordan.lee").exists()
    assert not AuditEvent.objects.exists()


def test_it_requires_at_least_one_role(staff, client_for):
    response = client_for(staff[Role.CLINIC_ADMIN]).post(reverse("staff:add"), _form(roles=[]))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["roles"]
    assert not User.objects.filter(username="jordan.lee").exists()


def test_it_rejects_an_unknown_role(staff, client_for):
    response = client_for(staff[Role.CLINIC_ADMIN]).post(
        reverse("staff:add"), _form(roles=["superuser"])
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="jordan.lee").exists()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.CLINIC_ADMIN])
def test_a_non_admin_cannot_manage_staff(staff, client_for, role):
    client = client_for(staff[role])
    assert client.get(reverse("staff:list")).status_code == 403
    assert client.get(reverse("staff:add")).status_code == 403
    assert client.post(reverse("staff:add"), _form()).status_code == 403
    assert not User.objects.filter(username="jordan.lee").exists()
    assert not AuditEvent.objects.filter(category=Category.STAFF).exists()


def test_the_staff_list_shows_the_clinics_people_only(
    clinic, other_clinic, staff, make_staff, client_for
):
    make_staff("elsewhere", other_clinic, Role.NURSE)
    response = client_for(staff[Role.CLINIC_ADMIN]).get(reverse("staff:list"))
    assert response.status_code == 200
    listed = {member.username for member, _ in response.context["rows"]}
    assert listed == {user.username for user in staff.values()}
