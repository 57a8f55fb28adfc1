"""The patient's pages: a blocked check-in tells them plainly not to dose and whom to call; a
passed one unlocks "I took my dose"; the report form; the screening steps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.athome.models import CheckIn, DoseTaken, SessionReport

from .conftest import GOOD_FORM

pytestmark = pytest.mark.django_db


def test_a_blocked_check_in_says_do_not_take_the_dose(portal_client, session, clinic):
    clinic.phone = "(617) 555-0100"
    clinic.save()
    response = portal_client.post(
        reverse("athome:checkin", args=[session.pk]),
        GOOD_FORM | {"alcohol_today": "yes"},
        follow=True,
    )
    page = response.content.decode()
    assert "Do not take your dose now" in page
    assert "tel:911" in page and "tel:988" in page and "(617) 555-0100" in page
    assert "I took my dose" not in page
    assert CheckIn.objects.get().outcome == "blocked"


def test_a_passed_check_in_unlocks_the_dose_and_then_the_report(portal_client, session):
    response = portal_client.post(
        reverse("athome:checkin", args=[session.pk]), GOOD_FORM, follow=True
    )
    assert "Check-in passed" in response.content.decode()
    response = portal_client.post(reverse("athome:dose", args=[session.pk]), follow=True)
    assert DoseTaken.objects.filter(appointment=session).exists()
    assert "not watched in real time" in response.content.decode()
    response = portal_client.post(
        reverse("athome:report", args=[session.pk]),
        {"how_it_went": "well", "journal": "Calm.", "term_1": "nausea", "severity_1": "mild"},
    )
    assert response.status_code == 302
    assert SessionReport.objects.get().adverse_events.count() == 1


def test_an_incomplete_check_in_names_the_field_and_saves_nothing(portal_client, session):
    form = dict(GOOD_FORM)
    del form["substances"]
    response = portal_client.post(reverse("athome:checkin", args=[session.pk]), form)
    assert response.status_code == 400
    assert "None of these" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_programme_page_shows_the_screening_steps(portal_client, plan):
    page = portal_client.get(reverse("athome:me")).content.decode()
    assert "Screening reviewed and signed by a prescriber" in page
    assert "Consent: " in page


def test_someone_elses_session_is_not_found(portal_client, make_patient, clinic, plan):

    other = make_patient(clinic, legal_given_name="Other")
    other_session = plan.appointments.filter(kind="dosing").first()
    other_session.patient = other
    other_session.save()
    response = portal_client.get(reverse("athome:checkin", args=[other_session.pk]))
    assert response.status_code == 404
