"""Demo data for measurement-based care: questionnaire assignments from the active plans, and for
the first portal patient of the demo clinic a PHQ-9 history that responded and then relapsed (the
chart's maintenance prompt), plus a PHQ-9 to answer in the portal now."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.clinical import instruments
from openkap.outcomes.models import QuestionnaireAssignment, Reason
from openkap.outcomes.services import assignments_schedule
from openkap.plans.models import TreatmentPlan
from openkap.portal.models import PortalAccount
from openkap.screening.models import QuestionnaireResponse

DEMO_CLINIC = "Harbor Mind Brookline"
NURSE = "nurse.okafor"
# Totals a week apart: baseline 19, response, remission, then two weeks above half the baseline.
HISTORY = (19, 13, 9, 4, 11, 14)


def _answers(total: int) -> list[int]:
    answers = []
    for _ in range(8):
        answers.append(min(3, total))
        total -= answers[-1]
    return [*answers, 0]  # item 9 always "Not at all" in the history


@transaction.atomic
def load(*, clinic: Clinic, nurse: User) -> bool:
    if QuestionnaireAssignment.objects.filter(patient__clinic=clinic).exists():
        return False
    for plan in TreatmentPlan.objects.filter(patient__clinic=clinic, status="active"):
        assignments_schedule(actor=nurse, plan=plan)
    account = PortalAccount.objects.filter(patient__clinic=clinic).select_related("patient").first()
    if account is None:
        return True
    patient = account.patient
    now = timezone.now()
    inst = instruments.instrument("phq9")
    for week, total in enumerate(HISTORY):
        answers = _answers(total)
        score = instruments.score("phq9", answers)
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument_id="phq9",
            instrument_name=inst.name,
            answers=answers,
            total=score.total,
            severity=score.severity or "",
            flags=list(score.flags),
            score=score.to_json(),
            completed_at=now - timedelta(days=7 * (len(HISTORY) - week)),
            recorded_by=nurse,
        )
    QuestionnaireAssignment.objects.get_or_create(
        patient=patient,
        instrument_id="phq9",
        due_at=now.replace(second=0, microsecond=0) + timedelta(hours=2),
        defaults={"reason": Reason.WEEKLY},
    )
    return True


def load_for_demo(*, organisation_name: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    nurse = User.objects.filter(username=NURSE).first()
    if clinic is None or nurse is None:
        return False
    return load(clinic=clinic, nurse=nurse)
