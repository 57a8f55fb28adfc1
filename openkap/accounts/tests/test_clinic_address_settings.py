"""The clinic administrator records the clinic's address and telephone on the settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Clinic, Role
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db

URL = reverse("staff:clinic_settings")
ADDRESS = {
    "address_line": "12  Harbor Street, Suite 3",
    "city": "Brookline",
    "state": "MA",
    "postal_code": "02446",
    "phone": "+1 (617) 555-0100",
}


def _data(clinic: Clinic, version: int = 1, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": clinic.name,
        "timezone": clinic.timezone,
        "idle_timeout_minutes": clinic.idle_timeout_minutes,
        "version": version,
        **ADDRESS,
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(clinic, make_staff, client_for):
    return client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))


def test_it_saves_the_address_and_audits_which_fields_changed(clinic, admin_client):
    assert admin_client.post(URL, _data(clinic)).status_code == 302
    clinic.refresh_from_db()
    assert clinic.postal_address == "12 Harbor Street, Suite 3, Brookline, MA 02446"
    assert clinic.phone == "+1 (617) 555-0100"
    assert clinic.version == 2
    event = AuditEvent.objects.get(action=Action.UPDATE, category=Category.CLINIC_SETTINGS)
    assert event.detail == {"fields": ["address_line", "city", "phone", "postal_code", "state"]}
    page = admin_client.get(URL).content.decode()
    assert 'value="12 Harbor Street, Suite 3"' in page


def test_it_rejects_a_telephone_that_is_not_a_number_naming_the_field(clinic, admin_client):
    response = admin_client.post(URL, _data(clinic, phone="call reception"))
    assert response.status_code == 400
    assert "Telephone: Write a telephone number" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.address_line == "" and clinic.version == 1


def test_it_rejects_an_address_too_long_naming_the_field(clinic, admin_client):
    response = admin_client.post(URL, _data(clinic, postal_code="1" * 21))
    assert response.status_code == 400
    assert "postal_code" in response.context["form"].errors
    assert Clinic.objects.get(pk=clinic.pk).postal_code == ""


def test_it_refuses_an_address_saved_over_a_newer_version(clinic, make_staff, client_for):
    first = client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))
    second = client_for(make_staff("boss2", clinic, Role.CLINIC_ADMIN))
    assert first.post(URL, _data(clinic, city="Boston")).status_code == 302
    response = second.post(URL, _data(clinic, city="Cambridge"))
    assert response.status_code == 400
    assert "Another administrator changed these settings" in response.content.decode()
    assert Clinic.objects.get(pk=clinic.pk).city == "Boston"


def test_only_the_clinic_administrator_edits_it(clinic, make_staff, client_for):
    nurse = client_for(make_staff("nurse", clinic, Role.NURSE))
    assert nurse.post(URL, _data(clinic)).status_code == 403
    assert Clinic.objects.get(pk=clinic.pk).address_line == ""
