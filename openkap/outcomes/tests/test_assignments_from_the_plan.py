from __future__ import annotations

import pytest

from openkap.audit.models import AuditEvent, Category
from openkap.outcomes.models import QuestionnaireAssignment
from openkap.outcomes.services import assignments_schedule

pytestmark = pytest.mark.django_db


def test_it_assigns_each_instrument_before_and_after_each_dosing_and_at_reassessment(
    active_plan, nurse
):
    created = assignments_schedule(actor=nurse, plan=active_plan)
    reasons = sorted((a.instrument_id, a.reason) for a in created if a.reason != "weekly")
    # Anxiety (F41.1): GAD-7, and the PHQ-9 always; two dosing sessions and one reassessment.
    expected = sorted(
        [(i, r) for i in ("phq9", "gad7") for r in ("before_dosing", "day_after") * 2]
        + [("phq9", "reassessment"), ("gad7", "reassessment")]
    )
    assert reasons == expected
    assert all(a.patient_id == active_plan.patient_id for a in created)


def test_scheduling_again_assigns_nothing_twice(active_plan, nurse):
    first = assignments_schedule(actor=nurse, plan=active_plan)
    again = assignments_schedule(actor=nurse, plan=active_plan)
    assert again == []
    assert QuestionnaireAssignment.objects.count() == len(first)


def test_scheduling_is_audited(active_plan, nurse):
    assignments_schedule(actor=nurse, plan=active_plan)
    assert AuditEvent.objects.filter(
        category=Category.OUTCOMES, object_type="treatment_plan"
    ).exists()


def test_it_refuses_a_therapist_of_another_clinic(active_plan, other_clinic, make_staff):
    from django.core.exceptions import PermissionDenied

    outsider = make_staff("far.away", other_clinic, "therapist")
    with pytest.raises(PermissionDenied):
        assignments_schedule(actor=outsider, plan=active_plan)
    assert QuestionnaireAssignment.objects.count() == 0
