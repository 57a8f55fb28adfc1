from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from openkap.accounts.models import Role, User
from openkap.accounts.services import staff_deactivate

pytestmark = pytest.mark.django_db


def _open_sessions(user: User) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def test_a_deactivated_user_loses_every_open_session_at_once(clinic, staff, client_for):
    nurse = staff[Role.NURSE]
    laptop, tablet = client_for(nurse), client_for(nurse)
    colleague = client_for(staff[Role.PRESCRIBER])
    assert laptop.get(reverse("web:home")).status_code == 200
    assert _open_sessions(nurse) == 2

    staff_deactivate(actor=staff[Role.CLINIC_ADMIN], user=nurse, clinic=clinic)

    assert _open_sessions(nurse) == 0
    for device in (laptop, tablet):
        response = device.get(reverse("patients:list"))
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("accounts:login")
    # Nobody else is signed out.
    assert _open_sessions(staff[Role.PRESCRIBER]) == 1
    assert colleague.get(reverse("web:home")).status_code == 200
