"""`openkap outcomes remind`: one e-mail per assignment due soon, never twice, with no clinical
detail in it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from openkap.outcomes.models import QuestionnaireAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed_patient(patient, portal_user):
    patient.email = "pat@example.test"
    patient.save()
    return patient


def remind() -> str:
    out = StringIO()
    call_command("outcomes", "remind", stdout=out)
    return out.getvalue()


def test_it_reminds_once_per_assignment_due_within_a_day(emailed_patient, assign):
    soon = assign("phq9", due_in_hours=3)
    later = assign("gad7", due_in_hours=72)
    remind()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.test"]
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.reminded_at is not None and later.reminded_at is None


def test_running_it_again_sends_nothing_twice(emailed_patient, assign):
    assign("phq9", due_in_hours=3)
    remind()
    remind()
    assert len(mail.outbox) == 1


def test_a_completed_questionnaire_is_not_reminded(emailed_patient, assign, nurse):
    from openkap.outcomes.services import response_submit

    assignment = assign("phq9", due_in_hours=3)
    response_submit(
        actor=nurse,
        patient=emailed_patient,
        instrument_id="phq9",
        answers=[0] * 9,
        assignment=assignment,
    )
    remind()
    assert mail.outbox == []


def test_the_reminder_names_no_instrument_and_points_to_988(emailed_patient, assign):
    assign("pcl5", due_in_hours=3)
    remind()
    body = f"{mail.outbox[0].subject} {mail.outbox[0].body}"
    assert "PCL" not in body and "PTSD" not in body
    assert "988" in body


def test_it_assigns_from_active_plans_first(emailed_patient, active_plan):
    output = remind()
    assert QuestionnaireAssignment.objects.filter(plan=active_plan).exists()
    assert "Assigned" in output


def test_two_questionnaires_due_together_make_one_e_mail(emailed_patient, assign):
    assign("phq9", due_in_hours=3)
    assign("gad7", due_in_hours=4)
    remind()
    assert len(mail.outbox) == 1
    assert QuestionnaireAssignment.objects.filter(reminded_at__isnull=False).count() == 2


def test_a_patient_without_a_portal_account_gets_no_e_mail(patient, assign):
    patient.email = "noportal@example.test"
    patient.save()
    assign("phq9", due_in_hours=3)
    remind()
    assert mail.outbox == []
