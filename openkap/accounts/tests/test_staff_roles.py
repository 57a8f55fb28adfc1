from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Membership, Role, User
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def _url(user: User) -> str:
    return reverse("staff:roles", kwargs={"user_id": user.pk})


def test_an_admin_changes_someones_roles(clinic, staff, client_for):
    admin, nurse = staff[Role.CLINIC_ADMIN], staff[Role.NURSE]
    response = client_for(admin).post(_url(nurse), {"roles": [Role.PRESCRIBER, Role.THERAPIST]})
    assert response.status_code == 302
    assert nurse.roles_in(clinic.pk) == {Role.PRESCRIBER, Role.THERAPIST}
    row = AuditEvent.objects.get(action=Action.UPDATE, category=Category.STAFF)
    assert (row.user, row.clinic, row.object_id) == (admin, clinic, str(nurse.pk))


def test_it_leaves_roles_in_other_clinics_alone(clinic, other_clinic, staff, client_for):
    nurse = staff[Role.NURSE]
    Membership.objects.create(user=nurse, clinic=other_clinic, role=Role.BILLING)
    client_for(staff[Role.CLINIC_ADMIN]).post(_url(nurse), {"roles": [Role.FRONT_DESK]})
    assert nurse.roles_in(clinic.pk) == {Role.FRONT_DESK}
    assert nurse.roles_in(other_clinic.pk) == {Role.BILLING}


def test_an_admin_cannot_remove_their_own_admin_role(clinic, staff, client_for):
    admin = staff[Role.CLINIC_ADMIN]
    response = client_for(admin).post(_url(admin), {"roles": [Role.PRESCRIBER]})
    assert response.status_code == 400
    assert "your own administrator role" in response.content.decode()
    assert admin.roles_in(clinic.pk) == {Role.CLINIC_ADMIN}
    assert not AuditEvent.objects.filter(category=Category.STAFF).exists()


def test_an_admin_may_add_a_role_to_themselves(clinic, staff, client_for):
    admin = staff[Role.CLINIC_ADMIN]
    response = client_for(admin).post(_url(admin), {"roles": [Role.CLINIC_ADMIN, Role.PRESCRIBER]})
    assert response.status_code == 302
    assert admin.roles_in(clinic.pk) == {Role.CLINIC_ADMIN, Role.PRESCRIBER}


def test_it_requires_at_least_one_role(clinic, staff, client_for):
    nurse = staff[Role.NURSE]
    # With every box unticked, a browser still sends the form's CSRF token field.
    unticked = {"csrfmiddlewaretoken": "from-the-page"}
    response = client_for(staff[Role.CLINIC_ADMIN]).post(_url(nurse), unticked)
    assert response.status_code == 400
    assert nurse.roles_in(clinic.pk) == {Role.NURSE}


def test_a_member_of_another_clinic_is_not_found(other_clinic, staff, make_staff, client_for):
    outsider = make_staff("outsider", other_clinic, Role.NURSE)
    response = client_for(staff[Role.CLINIC_ADMIN]).post(_url(outsider), {"roles": [Role.BILLING]})
    assert response.status_code == 404
    assert outsider.roles_in(other_clinic.pk) == {Role.NURSE}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.CLINIC_ADMIN])
def test_a_non_admin_cannot_change_roles(clinic, staff, client_for, role):
    nurse = staff[Role.NURSE]
    response = client_for(staff[role]).post(_url(nurse), {"roles": [Role.CLINIC_ADMIN]})
    assert response.status_code == 403
    assert nurse.roles_in(clinic.pk) == {Role.NURSE}
