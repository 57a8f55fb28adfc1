from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from openkap.plans import services
from openkap.plans.models import Appointment, CalendarFeed

pytestmark = pytest.mark.django_db


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def check_rfc5545(body: str) -> list[str]:
    """What a strict reader checks: CRLF line ends, lines of at most 75 octets, balanced blocks,
    required properties."""
    assert body.endswith("\r\n")
    raw_lines = body[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in raw_lines)
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    lines = unfold(body)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
    for line in lines:
        assert re.match(r"^[A-Z][A-Z0-9-]*[:;]", line), line
    events = body.count("BEGIN:VEVENT")
    for name in ("UID", "DTSTAMP", "DTSTART"):
        assert sum(line.startswith(f"{name}:") for line in lines) == events
    return lines


@pytest.fixture
def plan(eligible_patient, make_plan, prescriber):
    plan = make_plan(eligible_patient, activate=True)
    Appointment.objects.filter(plan=plan).update(clinician=prescriber)
    return plan


def fetch(token: str):
    return Client().get(reverse("plans:ical", kwargs={"token": token}))


def test_a_clinician_feed_shows_initials_and_mrn_but_no_name(plan, prescriber):
    _feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    response = fetch(token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    lines = check_rfc5545(body)
    patient = plan.patient
    assert patient.legal_given_name not in body
    assert patient.legal_family_name not in body
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    assert len(summaries) == Appointment.objects.filter(plan=plan).count()
    initials = f"{patient.legal_given_name[0]}.{patient.legal_family_name[0]}.".upper()
    assert all(initials in line and patient.mrn in line for line in summaries)


def test_times_are_in_utc(plan, prescriber):
    _feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    lines = unfold(fetch(token).content.decode())
    starts = [line for line in lines if line.startswith("DTSTART")]
    assert starts and all(re.fullmatch(r"DTSTART:\d{8}T\d{6}Z", line) for line in starts)
    first = Appointment.objects.filter(plan=plan).order_by("starts_at")[0]
    expected = first.starts_at.astimezone(UTC)
    assert f"DTSTART:{expected:%Y%m%dT%H%M%SZ}" in starts


def test_a_uid_is_stable_when_the_appointment_moves(plan, prescriber):
    _feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    before = [line for line in unfold(fetch(token).content.decode()) if line.startswith("UID:")]
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    services.appointment_move(
        actor=prescriber,
        appointment=dose,
        expected_version=dose.version,
        starts_at=dose.starts_at + timedelta(hours=2),
        reason="Later",
    )
    after = [line for line in unfold(fetch(token).content.decode()) if line.startswith("UID:")]
    assert sorted(before) == sorted(after)
    assert len(set(after)) == len(after)


def test_the_patient_feed_has_only_their_own_appointments(
    plan, prescriber, make_patient, make_plan
):
    from openkap.plans.tests.factories import sign_screening

    other = make_patient(plan.patient.clinic, legal_given_name="Otto", legal_family_name="Other")
    sign_screening(other, prescriber)
    make_plan(other, activate=True)
    _feed, token = services.feed_issue_for_patient(actor=prescriber, patient=plan.patient)
    body = fetch(token).content.decode()
    check_rfc5545(body)
    assert body.count("BEGIN:VEVENT") == Appointment.objects.filter(plan=plan).count()
    assert plan.patient.clinic.name in body
    assert other.mrn not in body


def test_only_the_hash_of_the_token_is_stored(plan, prescriber):
    feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert token not in [str(value) for value in stored.values()]


def test_regenerating_revokes_the_old_link(plan, prescriber):
    _feed, old = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    _feed, new = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_a_revoked_or_unknown_token_opens_nothing(plan, prescriber):
    feed, token = services.feed_issue_for_patient(actor=prescriber, patient=plan.patient)
    services.feed_revoke(actor=prescriber, feed=feed)
    assert fetch(token).status_code == 404
    assert fetch("guessed-token-" + "g" * 30).status_code == 404


def test_a_deactivated_clinicians_feed_stops(plan, prescriber):
    _feed, token = services.feed_issue_for_clinician(actor=prescriber, clinic=plan.patient.clinic)
    prescriber.is_active = False
    prescriber.save(update_fields=["is_active"])
    assert fetch(token).status_code == 403
