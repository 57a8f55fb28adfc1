"""After the session the patient reports how it went; each side effect becomes an AdverseEvent
reported by the patient, and a grade that alerts the care team raises an at-home alert."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.athome import services
from openkap.athome.models import AtHomeAlert, SessionReport
from openkap.clinical.session import severity_grades
from openkap.patients.models import Patient
from openkap.plans.models import Appointment
from openkap.safety.models import AdverseEvent, EventSource

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def _dose(patient: Patient, portal_user: User, session: Appointment) -> None:
    services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    services.dose_taken_record(user=portal_user, patient=patient, appointment=session)


def test_a_report_needs_the_dose_first(patient, portal_user, session):
    with pytest.raises(ValidationError):
        services.report_submit(
            user=portal_user,
            patient=patient,
            appointment=session,
            how_it_went="well",
            journal="",
            side_effects=[],
        )


def test_side_effects_become_adverse_events_reported_by_the_patient(patient, portal_user, session):
    _dose(patient, portal_user, session)
    report = services.report_submit(
        user=portal_user,
        patient=patient,
        appointment=session,
        how_it_went="mixed",
        journal="Hard at first.",
        side_effects=[
            services.SideEffect("nausea", "mild"),
            services.SideEffect("headache", "moderate"),
        ],
    )
    events = AdverseEvent.objects.filter(patient=patient).order_by("term")
    assert [(e.term, e.severity, e.source) for e in events] == [
        ("headache", "moderate", EventSource.PATIENT),
        ("nausea", "mild", EventSource.PATIENT),
    ]
    assert set(report.adverse_events.all()) == set(events)
    assert SessionReport.objects.get().journal == "Hard at first."


def test_a_severe_side_effect_alerts_the_care_team(
    patient, portal_user, session, nurse, django_capture_on_commit_callbacks
):
    alerting = [g.id for g in severity_grades() if g.alerts_care_team]
    assert alerting, "the session data marks at least one grade that alerts the care team"
    _dose(patient, portal_user, session)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(
            user=portal_user,
            patient=patient,
            appointment=session,
            how_it_went="difficult",
            journal="",
            side_effects=[services.SideEffect("vomiting", alerting[0])],
        )
    alert = AtHomeAlert.objects.get()
    assert alert.kind == "severe_side_effect"
    # The safety app's e-mail (one), not a second one from the at-home programme.
    assert len(mail.outbox) == 1


def test_a_second_report_for_the_same_session_is_refused(patient, portal_user, session):
    _dose(patient, portal_user, session)
    for attempt in range(2):
        if attempt:
            with pytest.raises(ValidationError):
                services.report_submit(
                    user=portal_user,
                    patient=patient,
                    appointment=session,
                    how_it_went="well",
                    journal="",
                    side_effects=[],
                )
        else:
            services.report_submit(
                user=portal_user,
                patient=patient,
                appointment=session,
                how_it_went="well",
                journal="",
                side_effects=[],
            )
    assert SessionReport.objects.count() == 1
