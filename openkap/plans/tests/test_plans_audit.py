from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.audit.models import AuditEvent
from openkap.plans import services

pytestmark = pytest.mark.django_db


def test_creating_and_signing_a_plan_are_audited(eligible_patient, make_plan, prescriber):
    plan = make_plan(eligible_patient, activate=True)
    rows = AuditEvent.objects.filter(object_type="treatment_plan", object_id=str(plan.pk))
    plan_rows = rows.filter(category="plans")
    assert sorted(plan_rows.values_list("action", flat=True)) == ["create", "update"]
    # Signing also assigns the plan's questionnaires, audited under outcomes.
    assert set(rows.values_list("category", flat=True)) == {"plans", "outcomes"}
    assert set(rows.values_list("user", flat=True)) == {prescriber.pk}


def test_reading_the_patients_schedule_is_audited(eligible_patient, nurse, client_for):
    client_for(nurse).get(
        reverse("plans:patient", kwargs={"public_id": eligible_patient.public_id})
    )
    row = AuditEvent.objects.filter(action="read", category="plans").get()
    assert row.patient == eligible_patient and row.user == nurse


def test_reading_the_clinic_schedule_is_audited(nurse, client_for, clinic):
    client_for(nurse).get(reverse("plans:schedule"))
    row = AuditEvent.objects.filter(action="read", category="plans").get()
    assert row.clinic == clinic and row.object_type == "clinic_schedule"


def test_reading_a_feed_is_audited(eligible_patient, make_plan, prescriber):
    make_plan(eligible_patient, activate=True)
    feed, token = services.feed_issue_for_patient(actor=prescriber, patient=eligible_patient)
    Client().get(reverse("plans:ical", kwargs={"token": token}))
    row = AuditEvent.objects.filter(action="read", object_type="calendar_feed").get()
    assert row.patient == eligible_patient
    assert row.object_id == str(feed.pk)
    assert token not in str(row.detail)
