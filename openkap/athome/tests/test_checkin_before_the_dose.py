"""A check-in is kept (a new row each time) and audited; a blocked one alerts the care team once,
by an e-mail without the patient's name; only a passed one today unlocks "I took my dose"."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.athome import services
from openkap.athome.models import AtHomeAlert, CheckIn, DoseTaken
from openkap.audit.models import AuditEvent, Category

from .conftest import good_answers

pytestmark = pytest.mark.django_db


def test_a_blocked_check_in_is_kept_and_alerts_the_care_team_once(
    patient, portal_user, session, nurse, prescriber, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin = services.checkin_submit(
            user=portal_user,
            patient=patient,
            appointment=session,
            answers=good_answers(patient, alcohol_today=True),
        )
    assert checkin.outcome == "blocked"
    assert [item["id"] for item in checkin.failed_items] == ["no_alcohol"]
    alert = AtHomeAlert.objects.get()
    assert (alert.kind, alert.ref, alert.patient) == ("blocked_checkin", str(checkin.pk), patient)
    [message] = mail.outbox
    assert set(message.to) == {"nina@clinic.test", "paul@clinic.test"}
    assert patient.legal_family_name not in f"{message.subject} {message.body}"
    # Running the escalation afterwards does not raise it again.
    assert services.escalate() == 0
    assert AtHomeAlert.objects.count() == 1


def test_every_check_in_is_a_new_row_and_is_audited(patient, portal_user, session):
    services.checkin_submit(
        user=portal_user,
        patient=patient,
        appointment=session,
        answers=good_answers(patient, monitor_name=""),
    )
    services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    assert list(CheckIn.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "blocked",
        "pass",
    ]
    assert (
        AuditEvent.objects.filter(category=Category.AT_HOME, object_type="home_checkin").count()
        == 2
    )


def test_the_dose_is_refused_until_a_check_in_passes(patient, portal_user, session):
    with pytest.raises(ValidationError):
        services.dose_taken_record(user=portal_user, patient=patient, appointment=session)
    services.checkin_submit(
        user=portal_user,
        patient=patient,
        appointment=session,
        answers=good_answers(patient, driving_planned=True),
    )
    with pytest.raises(ValidationError):
        services.dose_taken_record(user=portal_user, patient=patient, appointment=session)
    passed = services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    dose = services.dose_taken_record(user=portal_user, patient=patient, appointment=session)
    assert dose.checkin == passed
    with pytest.raises(ValidationError):
        services.dose_taken_record(user=portal_user, patient=patient, appointment=session)
    assert DoseTaken.objects.count() == 1


def test_a_blocked_check_in_after_a_passed_one_locks_the_dose_again(patient, portal_user, session):
    services.checkin_submit(
        user=portal_user, patient=patient, appointment=session, answers=good_answers(patient)
    )
    services.checkin_submit(
        user=portal_user,
        patient=patient,
        appointment=session,
        answers=good_answers(patient, safe_place=False),
    )
    with pytest.raises(ValidationError):
        services.dose_taken_record(user=portal_user, patient=patient, appointment=session)


def test_another_patient_cannot_check_in_for_this_one(patient, session, make_patient, clinic):
    from openkap.portal.tests.fixtures import create_portal_account

    stranger = create_portal_account(make_patient(clinic, legal_given_name="Other"))
    with pytest.raises(PermissionDenied):
        services.checkin_submit(
            user=stranger, patient=patient, appointment=session, answers=good_answers(patient)
        )
    assert not CheckIn.objects.exists()


def test_a_check_in_is_refused_on_another_day_than_the_sessions(patient, portal_user, plan):
    next_week = plan.appointments.filter(kind="dosing").order_by("starts_at").last()
    with pytest.raises(ValidationError):
        services.checkin_submit(
            user=portal_user, patient=patient, appointment=next_week, answers=good_answers(patient)
        )
    assert not CheckIn.objects.exists()
