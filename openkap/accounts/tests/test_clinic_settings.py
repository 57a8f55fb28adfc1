from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Clinic, Role

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db

URL = reverse("staff:clinic_settings")


def _post(client: Client, clinic: Clinic, **changes: object) -> _MonkeyPatchedWSGIResponse:
    data = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "idle_timeout_minutes": 15,
        "version": 1,
    }
    data.update(changes)
    return client.post(URL, data)


def test_it_saves_the_idle_timeout_and_audits_it(clinic, make_staff, client_for):
    client = client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))
    response = _post(client, clinic, idle_timeout_minutes=10, timezone="America/Chicago")
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.idle_timeout_minutes, clinic.timezone, clinic.version) == (
        10,
        "America/Chicago",
        2,
    )
    event = AuditEvent.objects.get(action=Action.UPDATE, category=Category.CLINIC_SETTINGS)
    assert event.detail == {"fields": ["idle_timeout_minutes", "timezone"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [("idle_timeout_minutes", 45), ("idle_timeout_minutes", 2), ("timezone", "Mars/Olympus_Mons")],
)
def test_it_rejects_a_bad_value_naming_the_field(clinic, make_staff, client_for, field, value):
    client = client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))
    response = _post(client, clinic, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Clinic.objects.get(pk=clinic.pk).version == 1


def test_it_refuses_a_save_based_on_an_older_version(clinic, make_staff, client_for):
    first = client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))
    second = client_for(make_staff("boss2", clinic, Role.CLINIC_ADMIN))
    assert _post(first, clinic, idle_timeout_minutes=20).status_code == 302
    response = _post(second, clinic, idle_timeout_minutes=5)
    assert response.status_code == 400
    assert b"Another administrator changed these settings" in response.content
    assert Clinic.objects.get(pk=clinic.pk).idle_timeout_minutes == 20


def test_a_nurse_cannot_change_clinic_settings(clinic, make_staff, client_for):
    client = client_for(make_staff("nurse", clinic, Role.NURSE))
    assert _post(client, clinic, idle_timeout_minutes=30).status_code == 403
    assert Clinic.objects.get(pk=clinic.pk).idle_timeout_minutes == 15
