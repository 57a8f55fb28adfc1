from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role, User
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def _url(user: User) -> str:
    return reverse("staff:deactivate", kwargs={"user_id": user.pk})


def test_an_admin_deactivates_a_staff_member(clinic, staff, client_for):
    admin, billing = staff[Role.CLINIC_ADMIN], staff[Role.BILLING]
    response = client_for(admin).post(_url(billing), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:list")
    assert "signed out everywhere" in response.content.decode()
    billing.refresh_from_db()
    assert not billing.is_active
    row = AuditEvent.objects.get(action=Action.UPDATE, category=Category.STAFF)
    assert (row.user, row.clinic, row.object_id) == (admin, clinic, str(billing.pk))
    assert row.detail["is_active"] is False


def test_an_admin_cannot_deactivate_themselves(staff, client_for):
    admin = staff[Role.CLINIC_ADMIN]
    client = client_for(admin)
    response = client.post(_url(admin), follow=True)
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert not AuditEvent.objects.filter(category=Category.STAFF).exists()
    assert client.get(reverse("staff:list")).status_code == 200


def test_a_member_of_another_clinic_is_not_found(other_clinic, staff, make_staff, client_for):
    outsider = make_staff("outsider", other_clinic, Role.NURSE)
    assert client_for(staff[Role.CLINIC_ADMIN]).post(_url(outsider)).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.CLINIC_ADMIN])
def test_a_non_admin_cannot_deactivate_anyone(staff, client_for, role):
    target = staff[Role.NURSE] if role != Role.NURSE else staff[Role.BILLING]
    assert client_for(staff[role]).post(_url(target)).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert not AuditEvent.objects.filter(category=Category.STAFF).exists()


def test_deactivation_must_be_a_post(staff, client_for):
    nurse = staff[Role.NURSE]
    assert client_for(staff[Role.CLINIC_ADMIN]).get(_url(nurse)).status_code == 405
    nurse.refresh_from_db()
    assert nurse.is_active
