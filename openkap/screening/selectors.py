"""Reads of intake and screening, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.clinical.rulepack import load_rule_pack
from openkap.patients.models import Patient, SupportPerson
from openkap.screening import engine
from openkap.screening.models import (
    Allergy,
    Measurement,
    Medication,
    Problem,
    QuestionnaireResponse,
    ReproductiveStatus,
    Screening,
    ScreeningStatus,
    SubstanceUse,
)


@dataclass(frozen=True)
class MedicationEntry:
    medication: Medication
    known: bool  # in the rule pack's drug list
    classes: list[str]  # the names of its drug classes


def medication_entries(patient: Patient) -> list[MedicationEntry]:
    """Each current medication with the drug classes the rule pack puts it in (None: unknown)."""
    pack = load_rule_pack()
    entries = []
    for medication in Medication.objects.filter(patient=patient).order_by("name"):
        class_ids = pack.drug_classes_of(medication.name)
        entries.append(
            MedicationEntry(
                medication=medication,
                known=class_ids is not None,
                classes=sorted(pack.drug_classes[c].name for c in class_ids or ()),
            )
        )
    return entries


@dataclass
class Intake:
    problems: list[Problem]
    medications: list[MedicationEntry]
    allergies: list[Allergy]
    measurements: list[Measurement]
    latest: dict[str, Measurement | None]
    substance_uses: list[SubstanceUse]
    reproductive: ReproductiveStatus | None
    pregnancy_relevant: bool
    questionnaires: list[QuestionnaireResponse]
    latest_questionnaires: list[QuestionnaireResponse]
    support_persons: list[SupportPerson]
    suicide_alerts: list[QuestionnaireResponse] = field(default_factory=list)


def latest_questionnaires(patient: Patient) -> list[QuestionnaireResponse]:
    """The newest response of each instrument."""
    seen: set[str] = set()
    newest: list[QuestionnaireResponse] = []
    for response in QuestionnaireResponse.objects.filter(patient=patient).order_by(
        "-completed_at", "-pk"
    ):
        if response.instrument_id not in seen:
            seen.add(response.instrument_id)
            newest.append(response)
    return newest


def suicide_alerts(patient: Patient) -> list[QuestionnaireResponse]:
    """Newest responses (one per instrument) whose score carries the suicide-risk flag."""
    return [response for response in latest_questionnaires(patient) if response.suicide_risk]


def intake_for(patient: Patient) -> Intake:
    measurements = list(
        Measurement.objects.filter(patient=patient).order_by("-taken_at", "-pk")[:20]
    )
    latest_by_field: dict[str, Measurement | None] = {
        name: engine.latest_measurement(patient, name)
        for name in ("weight_kg", "height_cm", "systolic", "heart_rate", "spo2")
    }
    newest = latest_questionnaires(patient)
    return Intake(
        problems=list(Problem.objects.filter(patient=patient).order_by("status", "code")),
        medications=medication_entries(patient),
        allergies=list(Allergy.objects.filter(patient=patient).order_by("substance")),
        measurements=measurements,
        latest=latest_by_field,
        substance_uses=list(SubstanceUse.objects.filter(patient=patient).order_by("substance")),
        reproductive=ReproductiveStatus.objects.filter(patient=patient).first(),
        pregnancy_relevant=engine.pregnancy_relevant(patient),
        questionnaires=list(
            QuestionnaireResponse.objects.filter(patient=patient).order_by("-completed_at", "-pk")
        ),
        latest_questionnaires=newest,
        support_persons=list(patient.support_persons.order_by("name")),
        suicide_alerts=[response for response in newest if response.suicide_risk],
    )


def screening_draft(patient: Patient) -> Screening | None:
    return (
        Screening.objects.filter(patient=patient, status=ScreeningStatus.DRAFT)
        .select_related("evaluated_by", "created_by")
        .first()
    )


def screenings_signed(patient: Patient) -> QuerySet[Screening]:
    """Signed screenings, newest first; the first is the one in force."""
    return (
        Screening.objects.filter(patient=patient, status=ScreeningStatus.SIGNED)
        .select_related("signed_by", "evaluated_by")
        .prefetch_related("addenda__signed_by")
        .order_by("-signed_at", "-pk")
    )


def screening_latest(patient: Patient) -> Screening | None:
    """The draft if there is one, else the newest signed screening."""
    return screening_draft(patient) or screenings_signed(patient).first()


def drafts_awaiting(*, user: User, clinic: Clinic) -> QuerySet[Screening]:
    """Draft screenings of the clinic, oldest first: the prescriber's queue."""
    if not user_can(user, Permission.SCREENING_EVALUATE, clinic.pk):
        return Screening.objects.none()
    return (
        Screening.objects.filter(patient__clinic=clinic, status=ScreeningStatus.DRAFT)
        .select_related("patient", "evaluated_by")
        .order_by("evaluated_at")
    )


def findings_by_level(screening: Screening) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in screening.findings:
        level = str(finding.get("level", ""))
        counts[level] = counts.get(level, 0) + 1
    return counts
