"""`openkap athome escalate`: a session with no check-in N minutes after its start (N in the data)
alerts the care team once; a suicide-risk alert of an at-home patient is listed too."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from openkap.athome import services
from openkap.athome.models import AtHomeAlert
from openkap.clinical.athome import load_checkin
from openkap.outcomes.models import SuicideRiskAlert
from openkap.screening.models import QuestionnaireResponse

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def test_a_missed_check_in_alerts_once_after_the_delay_in_the_data(session, nurse):
    minutes = load_checkin().missed_checkin_minutes
    start = session.starts_at
    assert services.escalate(now=start + timedelta(minutes=minutes - 1)) == 0
    assert services.escalate(now=start + timedelta(minutes=minutes + 1)) == 1
    assert services.escalate(now=start + timedelta(minutes=minutes + 5)) == 0
    alert = AtHomeAlert.objects.get()
    assert (alert.kind, alert.ref) == ("missed_checkin", str(session.pk))


def test_a_session_with_a_check_in_is_not_missed(session, patient, portal_user):
    services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    minutes = load_checkin().missed_checkin_minutes
    assert services.escalate(now=session.starts_at + timedelta(minutes=minutes + 1)) == 0


def test_the_command_raises_and_e_mails(session, nurse, django_capture_on_commit_callbacks):
    session.starts_at = timezone.now() - timedelta(
        minutes=load_checkin().missed_checkin_minutes + 5
    )
    session.save()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("athome", "escalate", stdout=out)
    assert "Raised 1" in out.getvalue()
    assert len(mail.outbox) == 1
    assert "missed check-in" in mail.outbox[0].subject


def test_a_suicide_risk_alert_of_an_at_home_patient_is_listed(plan, patient, clinic, nurse):
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instrument_id="phq9",
        instrument_name="PHQ-9",
        answers={},
        flags=["suicide_risk"],
        score={},
        completed_at=timezone.now(),
        recorded_by=nurse,
    )
    SuicideRiskAlert.objects.create(
        clinic=clinic, patient=patient, response=response, raised_at=timezone.now()
    )
    services.escalate()
    services.escalate()
    assert AtHomeAlert.objects.filter(kind="suicide_risk").count() == 1


def test_a_session_the_clinic_cancelled_is_not_chased(session):
    session.status = "cancelled"
    session.save()
    minutes = load_checkin().missed_checkin_minutes
    assert services.escalate(now=session.starts_at + timedelta(minutes=minutes + 1)) == 0
