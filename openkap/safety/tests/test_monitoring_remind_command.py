"""`openkap monitoring remind`: one e-mail per clinic naming no patient, each due check once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from openkap.dosing.models import DosingSession
from openkap.safety.models import MonitoringReminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def dosed(started_session, nurse) -> DosingSession:
    nurse.email = "nurse@clinic.example"
    nurse.save()
    session: DosingSession = started_session
    return session


def _remind(*args: str) -> str:
    out = StringIO()
    call_command("monitoring", "remind", *args, stdout=out)
    return out.getvalue()


def test_it_emails_the_clinicians_once_per_due_check(dosed):
    first = _remind()
    second = _remind()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nurse@clinic.example"]
    assert "3 long-term safety check(s)" in message.body
    assert dosed.patient.legal_family_name not in message.body
    assert dosed.patient.mrn not in str(message.body) + str(message.subject)
    assert "Reminded of 3 due check(s) in 1 e-mail(s)." in first
    assert "Reminded of 0 due check(s) in 0 e-mail(s)." in second
    assert MonitoringReminder.objects.count() == 3


def test_a_check_due_again_later_is_reminded_again(dosed, nurse):
    from openkap.safety.services import clinic_today, monitoring_result_record

    today = clinic_today(dosed.patient.clinic)
    monitoring_result_record(
        actor=nurse, patient=dosed.patient, check_id="bladder", performed_on=today, result="normal"
    )
    _remind()
    assert "2 long-term safety check(s)" in mail.outbox[0].body

    later = (today + timedelta(days=30)).isoformat()  # the bladder screen's default interval
    _remind("--date", later)

    assert len(mail.outbox) == 2
    assert "1 long-term safety check(s)" in mail.outbox[1].body
    assert "Bladder and urinary symptom screen: 1" in mail.outbox[1].body


def test_nothing_is_sent_before_anyone_is_dosed(patient, nurse):
    _remind()
    assert mail.outbox == []
