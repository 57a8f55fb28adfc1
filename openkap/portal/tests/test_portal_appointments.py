"""The signed-in patient sees their own upcoming appointments: time, kind and place, nothing
clinical, nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.portal.tests.calendar_records import active_plan, appointment

pytestmark = pytest.mark.django_db

URL = reverse("portal:appointments")


@pytest.fixture
def prescriber(clinic, make_staff):
    return make_staff("dr.portal", clinic, Role.PRESCRIBER)


@pytest.fixture
def addressed(clinic):
    clinic.address_line = "12 Harbor Street"
    clinic.city = "Brookline"
    clinic.state = "MA"
    clinic.postal_code = "02446"
    clinic.phone = "617 555 0100"
    clinic.save()
    return clinic


def test_it_shows_upcoming_appointments_with_time_kind_and_place(
    addressed, patient, prescriber, portal_client
):
    plan = active_plan(patient, prescriber)
    appointment(plan, "preparation", timezone.now() + timedelta(days=1))
    appointment(plan, "dosing", timezone.now() + timedelta(days=3))
    response = portal_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preparation session" in body and "Dosing session" in body
    assert "12 Harbor Street, Brookline, MA 02446" in body
    assert "617 555 0100" in body
    # No clinical detail: neither the protocol, nor the route, nor the dose in the labels.
    for clinical in ("Secret protocol name", "0.5 mg/kg", "IV", "F33.1"):
        assert clinical not in body, clinical


def test_it_leaves_out_past_and_closed_appointments(patient, prescriber, portal_client):
    plan = active_plan(patient, prescriber)
    appointment(plan, "preparation", timezone.now() - timedelta(days=2))
    appointment(plan, "integration", timezone.now() + timedelta(days=2), status="cancelled")
    appointment(plan, "reassessment", timezone.now() + timedelta(days=9))
    body = portal_client.get(URL).content.decode()
    assert body.count("<tr data-kind=") == 1
    assert 'data-kind="reassessment"' in body


def test_it_shows_only_the_patients_own_appointments(
    clinic, patient, prescriber, make_patient, portal_client
):
    other = make_patient(clinic, legal_given_name="Otherperson")
    appointment(active_plan(other, prescriber), "dosing")
    body = portal_client.get(URL).content.decode()
    assert "<tr data-kind=" not in body
    assert "no appointments coming up" in body


def test_at_home_dosing_is_shown_at_home(patient, prescriber, portal_client):
    plan = active_plan(patient, prescriber, setting="at_home")
    appointment(plan, "dosing")
    body = portal_client.get(URL).content.decode()
    assert "<td>At home</td>" in body


def test_the_read_is_audited_with_the_patient_as_actor(patient, portal_user, portal_client):
    portal_client.get(URL)
    row = AuditEvent.objects.get(action=Action.READ, category=Category.PLANS)
    assert row.user == portal_user and row.patient == patient


def test_staff_are_refused(prescriber, client_for):
    assert client_for(prescriber).get(URL).status_code == 403
