"""The feeds give the clinic's address as the place of in-office appointments."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.plans import services
from openkap.plans.tests.factories import sign_screening
from openkap.plans.tests.test_ical_feed import check_rfc5545
from openkap.screening.models import Setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def addressed_clinic(clinic):
    clinic.address_line = "12 Harbor Street, Suite 3"
    clinic.city = "Brookline"
    clinic.state = "MA"
    clinic.postal_code = "02446"
    clinic.save()
    return clinic


def _locations(patient, prescriber) -> list[str]:
    _feed, token = services.feed_issue_for_patient(actor=prescriber, patient=patient)
    body = Client().get(reverse("plans:ical", kwargs={"token": token})).content.decode()
    lines = check_rfc5545(body)
    return [line for line in lines if line.startswith("LOCATION:")]


def test_in_office_appointments_give_the_clinic_address(
    addressed_clinic, eligible_patient, make_plan, prescriber
):
    make_plan(eligible_patient, activate=True)
    locations = _locations(eligible_patient, prescriber)
    # Commas are escaped in iCalendar text (RFC 5545 §3.3.11).
    expected = (
        f"LOCATION:{addressed_clinic.name}\\, 12 Harbor Street\\, Suite 3\\, Brookline\\, MA 02446"
    )
    assert len(locations) == 6
    assert set(locations) == {expected}


def test_at_home_dosing_sessions_give_no_place(addressed_clinic, patient, prescriber, make_plan):
    sign_screening(patient, prescriber, route="sublingual", setting=Setting.AT_HOME)
    plan = make_plan(
        patient, activate=True, route="sublingual", setting="at_home", protocol_id="fake-home"
    )
    _feed, token = services.feed_issue_for_patient(actor=prescriber, patient=patient)
    body = Client().get(reverse("plans:ical", kwargs={"token": token})).content.decode()
    events = body.replace("\r\n ", "").split("BEGIN:VEVENT")[1:]
    kinds = list(plan.appointments.order_by("starts_at", "pk").values_list("kind", flat=True))
    assert len(events) == len(kinds)
    for kind, event in zip(kinds, events, strict=True):
        if kind == "dosing":
            assert "LOCATION" not in event
            assert "home" not in event.lower()
        else:
            assert "Brookline" in event
