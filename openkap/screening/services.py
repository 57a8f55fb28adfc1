"""Every change to intake and screening: check permission, change, write the audit row, in one
transaction. A signed screening is never changed here (and the database refuses it too)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, require_permission
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.knowledge.selectors import clinic_rule_pack
from openkap.patients.models import Patient
from openkap.screening import codes, engine
from openkap.screening.models import (
    Allergy,
    Decision,
    Measurement,
    Medication,
    PregnancyStatus,
    Problem,
    ProblemStatus,
    QuestionnaireResponse,
    ReproductiveStatus,
    Screening,
    ScreeningAddendum,
    ScreeningStatus,
    SubstanceUse,
)

# The decisions a prescriber may sign: a screening that needs review is reviewed into one of these.
SIGNABLE_DECISIONS = (Decision.ELIGIBLE, Decision.INELIGIBLE)


class ScreeningConflict(Exception):
    """Someone else changed the draft (or signed it) after this page was loaded."""

    def __init__(self, current: Screening | None) -> None:
        super().__init__(
            "The screening was changed by someone else while you were looking at it. "
            "Nothing was saved: read the screening as it is now and decide again."
        )
        self.current = current


class ScreeningSigned(Exception):
    """A signed screening is immutable: corrections are addenda, re-evaluation is a new draft."""

    def __init__(self) -> None:
        super().__init__(
            "This screening is signed and cannot be changed. Add an addendum, or evaluate again "
            "for a new screening."
        )


class EvaluationOutdated(Exception):
    """The intake changed after the engine ran: the decision would rest on old data."""

    def __init__(self, changed: list[str]) -> None:
        names = ", ".join(engine.INPUT_LABELS.get(name, name) for name in changed)
        super().__init__(
            f"The intake changed after this evaluation ({names}). Evaluate again before signing."
        )
        self.changed = changed


class ReproductiveStatusConflict(Exception):
    def __init__(self, current: ReproductiveStatus) -> None:
        super().__init__(
            "Someone else saved the pregnancy status while you were editing. Nothing was saved: "
            "check what they recorded and save again."
        )
        self.current = current


def _audit(
    actor: User,
    patient: Patient,
    action: Action,
    object_type: str,
    object_id: int,
    detail: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action,
        category=Category.SCREENING,
        actor=actor,
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


# --- Intake ------------------------------------------------------------------------------------


@transaction.atomic
def problem_add(
    *,
    actor: User,
    patient: Patient,
    code: str,
    description: str = "",
    onset: date | None = None,
    status: str = ProblemStatus.ACTIVE,
) -> Problem:
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    normalised = codes.normalise(code)
    if not codes.is_valid(normalised):
        raise ValidationError({"code": f"{code.strip()!r} is not an ICD-10-CM code."})
    if onset is not None and onset > timezone.localdate():
        raise ValidationError({"onset": "The onset cannot be in the future."})
    problem = Problem(
        patient=patient,
        code=normalised,
        description=description.strip() or codes.describe(normalised),
        onset=onset,
        status=status,
        created_by=actor,
    )
    problem.full_clean()
    problem.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "problem", problem.pk)
    return problem


@transaction.atomic
def problem_status_set(*, actor: User, problem: Problem, status: str) -> Problem:
    require_permission(actor, Permission.INTAKE_EDIT, problem.patient.clinic_id)
    if status not in ProblemStatus.values:
        raise ValidationError({"status": "Choose active or resolved."})
    Problem.objects.filter(pk=problem.pk).update(status=status)
    _audit(actor, problem.patient, Action.UPDATE, "problem", problem.pk, {"fields": ["status"]})
    problem.refresh_from_db()
    return problem


@transaction.atomic
def problem_remove(*, actor: User, problem: Problem) -> None:
    """Take a problem entered in error off the list (a past screening keeps its own copy)."""
    patient = problem.patient
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    problem_id = problem.pk
    problem.delete()
    _audit(actor, patient, Action.DELETE, "problem", problem_id)


@transaction.atomic
def medication_add(
    *, actor: User, patient: Patient, name: str, dose: str = "", frequency: str = ""
) -> Medication:
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    medication = Medication(
        patient=patient,
        name=" ".join(name.split()).lower(),
        dose=dose.strip(),
        frequency=frequency.strip(),
        created_by=actor,
    )
    medication.full_clean()
    medication.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "medication", medication.pk)
    return medication


@transaction.atomic
def medication_remove(*, actor: User, medication: Medication) -> None:
    patient = medication.patient
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    medication_id = medication.pk
    medication.delete()
    _audit(actor, patient, Action.DELETE, "medication", medication_id)


@transaction.atomic
def allergy_add(*, actor: User, patient: Patient, substance: str, reaction: str = "") -> Allergy:
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    allergy = Allergy(
        patient=patient,
        substance=" ".join(substance.split()).lower(),
        reaction=reaction.strip(),
        created_by=actor,
    )
    allergy.full_clean()
    allergy.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "allergy", allergy.pk)
    return allergy


@transaction.atomic
def allergy_remove(*, actor: User, allergy: Allergy) -> None:
    patient = allergy.patient
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    allergy_id = allergy.pk
    allergy.delete()
    _audit(actor, patient, Action.DELETE, "allergy", allergy_id)


MEASURED_FIELDS = ("weight_kg", "height_cm", "systolic", "diastolic", "heart_rate", "spo2")


@transaction.atomic
def measurement_add(
    *,
    actor: User,
    patient: Patient,
    taken_at: datetime | None = None,
    weight_kg: Decimal | None = None,
    height_cm: Decimal | None = None,
    systolic: int | None = None,
    diastolic: int | None = None,
    heart_rate: int | None = None,
    spo2: int | None = None,
) -> Measurement:
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    values = {
        "weight_kg": weight_kg,
        "height_cm": height_cm,
        "systolic": systolic,
        "diastolic": diastolic,
        "heart_rate": heart_rate,
        "spo2": spo2,
    }
    given = sorted(name for name, value in values.items() if value is not None)
    if not given:
        raise ValidationError("Enter at least one measurement.")
    if (systolic is None) != (diastolic is None):
        missing = "diastolic" if diastolic is None else "systolic"
        raise ValidationError({missing: "Enter both blood pressure values, or neither."})
    measurement = Measurement(
        patient=patient, taken_at=taken_at or timezone.now(), created_by=actor, **values
    )
    measurement.full_clean()
    measurement.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "measurement", measurement.pk, {"fields": given})
    return measurement


@transaction.atomic
def substance_use_set(
    *,
    actor: User,
    patient: Patient,
    substance: str,
    frequency: str,
    last_use: date | None = None,
    notes: str = "",
) -> SubstanceUse:
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    if last_use is not None and last_use > timezone.localdate():
        raise ValidationError({"last_use": "The last use cannot be in the future."})
    use = SubstanceUse.objects.filter(patient=patient, substance=substance).first()
    action = Action.UPDATE if use is not None else Action.CREATE
    if use is None:
        use = SubstanceUse(patient=patient, substance=substance)
    use.frequency = frequency
    use.last_use = last_use
    use.notes = notes.strip()
    use.updated_by = actor
    use.full_clean()
    use.save()
    _audit(actor, patient, action, "substance_use", use.pk, {"substance": substance})
    return use


@transaction.atomic
def reproductive_status_set(
    *,
    actor: User,
    patient: Patient,
    expected_version: int,
    pregnancy: str,
    breastfeeding: bool,
) -> ReproductiveStatus:
    """Save the pregnancy status seen at `expected_version` (0: none recorded yet)."""
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    if pregnancy not in PregnancyStatus.values or not pregnancy:
        raise ValidationError({"pregnancy": "Choose the pregnancy status."})
    current = ReproductiveStatus.objects.select_for_update().filter(patient=patient).first()
    if (current.version if current else 0) != expected_version:
        assert current is not None
        raise ReproductiveStatusConflict(current)
    if current is None:
        current = ReproductiveStatus(patient=patient, updated_by=actor)
        action = Action.CREATE
    else:
        current.version = F("version") + 1
        action = Action.UPDATE
    current.pregnancy = pregnancy
    current.breastfeeding = breastfeeding
    current.updated_by = actor
    current.save()
    current.refresh_from_db()
    _audit(
        actor,
        patient,
        action,
        "reproductive_status",
        current.pk,
        {"fields": ["pregnancy", "breastfeeding"], "version": current.version},
    )
    return current


@transaction.atomic
def questionnaire_record(
    *, actor: User, patient: Patient, instrument_id: str, answers: Sequence[int]
) -> QuestionnaireResponse:
    """Score the answers with the clinical core and keep both. Raises engine.AnswersRefused."""
    require_permission(actor, Permission.INTAKE_EDIT, patient.clinic_id)
    if instrument_id not in engine.intake_instrument_ids():
        raise ValidationError({"instrument": "That is not a questionnaire of intake."})
    scored = engine.score(instrument_id, answers)
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instrument_id=instrument_id,
        instrument_name=str(engine.instrument(instrument_id).name),
        answers=list(answers),
        total=scored.total,
        severity=scored.severity,
        flags=scored.flags,
        score=scored.result,
        completed_at=timezone.now(),
        recorded_by=actor,
    )
    _audit(
        actor,
        patient,
        Action.CREATE,
        "questionnaire_response",
        response.pk,
        {"instrument": instrument_id},
    )
    return response


# --- Screening ---------------------------------------------------------------------------------


def _draft_of(patient: Patient) -> Screening | None:
    return (
        Screening.objects.select_for_update()
        .filter(patient=patient, status=ScreeningStatus.DRAFT)
        .first()
    )


@transaction.atomic
def screening_evaluate(
    *,
    actor: User,
    patient: Patient,
    expected_version: int | None,
    route: str = "",
    setting: str = "",
) -> Screening:
    """Run the engine on the intake as it stands now. Refreshes the patient's draft (seen at
    `expected_version`), or starts a new draft when there is none (`expected_version` None); a
    signed screening is never touched. Raises IntakeIncomplete, EngineRefused, ScreeningConflict."""
    require_permission(actor, Permission.SCREENING_EVALUATE, patient.clinic_id)
    # Lock the patient row: two evaluations at once must not both start a draft.
    Patient.objects.select_for_update(no_key=True).filter(pk=patient.pk).first()
    draft = _draft_of(patient)
    if (draft.version if draft else None) != expected_version:
        raise ScreeningConflict(draft)
    data = engine.build_input(
        patient=patient, route=route, setting=setting, today=timezone.localdate()
    )
    # The clinic's local rules (stricter only) are in force for its patients.
    result = engine.evaluate(data, pack=clinic_rule_pack(clinic=patient.clinic))
    now = timezone.now()
    fields: dict[str, Any] = {
        "route": route,
        "setting": setting,
        "engine_input": data,
        "engine_output": result.output,
        "engine_decision": result.decision,
        "findings": result.findings,
        "rule_pack": result.rule_pack,
        "evaluated_at": now,
        "evaluated_by": actor,
    }
    if draft is None:
        draft = Screening(patient=patient, created_by=actor, **fields)
        draft.full_clean()
        draft.save(force_insert=True)
        action = Action.CREATE
    else:
        updated = Screening.objects.filter(
            pk=draft.pk, version=draft.version, status=ScreeningStatus.DRAFT
        ).update(**fields, version=F("version") + 1)
        if updated == 0:
            raise ScreeningConflict(draft)
        draft.refresh_from_db()
        action = Action.UPDATE
    _audit(
        actor,
        patient,
        action,
        "screening",
        draft.pk,
        {"evaluated": True, "rule_pack": result.rule_pack, "version": draft.version},
    )
    return draft


def decision_errors(
    *, engine_decision: str, finding_levels: Sequence[str], final_decision: str, reason: str
) -> dict[str, str]:
    """What is wrong with a prescriber's decision, by form field; empty when it may be signed.

    The decision is eligible or ineligible. An absolute finding (a hard stop), or an engine decision
    of ineligible, can never be signed as eligible. Deciding differently from the engine (an
    override, including a soft stop reviewed into eligible) needs a reason."""
    if final_decision not in SIGNABLE_DECISIONS:
        return {"final_decision": "Sign the screening as eligible or ineligible."}
    blocked = "absolute" in finding_levels or engine_decision == Decision.INELIGIBLE
    if final_decision == Decision.ELIGIBLE and blocked:
        return {
            "final_decision": "A hard stop (absolute contraindication) cannot be overridden: "
            "this patient cannot be signed as eligible."
        }
    if final_decision != engine_decision and not reason.strip():
        return {"reason": "Give the reason for deciding differently from the engine."}
    return {}


def has_absolute_finding(screening: Screening) -> bool:
    return any(finding.get("level") == "absolute" for finding in screening.findings)


def _reauthenticate(request: HttpRequest, actor: User, password: str) -> None:
    if not user_reauthenticate(request=request, user=actor, password=password):
        raise ValidationError({"password": "The password is not right. Nothing was signed."})


def _check_signable(
    current: Screening | None, *, expected_version: int, final_decision: str, reason: str
) -> Screening:
    if current is None:
        raise ScreeningConflict(None)
    if current.is_signed:
        raise ScreeningSigned
    if current.version != expected_version:
        raise ScreeningConflict(current)
    errors = decision_errors(
        engine_decision=current.engine_decision,
        finding_levels=[str(finding.get("level", "")) for finding in current.findings],
        final_decision=final_decision,
        reason=reason,
    )
    if errors:
        raise ValidationError(errors)
    now_input = engine.build_input(
        patient=current.patient,
        route=current.route,
        setting=current.setting,
        today=timezone.localdate(),
    )
    changed = evaluation_changes(current, now_input)
    if changed:
        raise EvaluationOutdated(changed)
    return current


def evaluation_changes(screening: Screening, current_input: dict[str, Any]) -> list[str]:
    """Names of the engine's input fields that differ between the evaluation and the intake now."""
    stored = screening.engine_input
    return sorted(
        key for key in set(stored) | set(current_input) if stored.get(key) != current_input.get(key)
    )


def screening_sign(
    *,
    actor: User,
    screening: Screening,
    expected_version: int,
    final_decision: str,
    reason: str,
    password: str,
    request: HttpRequest,
) -> Screening:
    """The prescriber's decision: confirm the engine's, or override it with a reason; then sign.

    An absolute finding can never become eligible; an override needs a reason; the evaluation must
    still match the intake; signing asks for the password again. Raises ValidationError (naming the
    field), ScreeningSigned, ScreeningConflict, EvaluationOutdated, IntakeIncomplete.

    The password is checked outside the transaction that signs, so a failed attempt is counted
    (towards the lockout) and audited even though nothing is signed."""
    require_permission(actor, Permission.SCREENING_SIGN, screening.patient.clinic_id)
    reason = reason.strip()

    def check(current: Screening | None) -> Screening:
        return _check_signable(
            current, expected_version=expected_version, final_decision=final_decision, reason=reason
        )

    check(Screening.objects.filter(pk=screening.pk).first())
    _reauthenticate(request, actor, password)
    with transaction.atomic():
        # Checked again under the row lock: someone may have signed or re-evaluated meanwhile.
        current = check(Screening.objects.select_for_update().filter(pk=screening.pk).first())
        overridden = final_decision != current.engine_decision
        updated = Screening.objects.filter(
            pk=current.pk, version=expected_version, status=ScreeningStatus.DRAFT
        ).update(
            status=ScreeningStatus.SIGNED,
            final_decision=final_decision,
            overridden=overridden,
            override_reason=reason if overridden else "",
            signed_at=timezone.now(),
            signed_by=actor,
            version=F("version") + 1,
        )
        if updated == 0:
            raise ScreeningConflict(current)
        _audit(
            actor,
            current.patient,
            Action.UPDATE,
            "screening",
            current.pk,
            {"signed": True, "overridden": overridden, "rule_pack": current.rule_pack},
        )
        current.refresh_from_db()
        return current


def screening_addendum_add(
    *,
    actor: User,
    screening: Screening,
    text: str,
    reason: str,
    password: str,
    request: HttpRequest,
) -> ScreeningAddendum:
    """Append a signed correction or addition to a signed screening (password asked again)."""
    patient = screening.patient
    require_permission(actor, Permission.SCREENING_SIGN, patient.clinic_id)
    if not Screening.objects.filter(pk=screening.pk, status=ScreeningStatus.SIGNED).exists():
        raise ValidationError(
            "Addenda are for signed screenings; a draft changes by evaluating again."
        )
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Write the addendum."
    if not reason.strip():
        errors["reason"] = "Give the reason for the addendum."
    if errors:
        raise ValidationError(errors)
    _reauthenticate(request, actor, password)
    with transaction.atomic():
        addendum = ScreeningAddendum(
            screening=screening,
            text=text.strip(),
            reason=reason.strip(),
            signed_at=timezone.now(),
            signed_by=actor,
        )
        addendum.full_clean()
        addendum.save(force_insert=True)
        _audit(
            actor,
            patient,
            Action.CREATE,
            "screening_addendum",
            addendum.pk,
            {"screening": screening.pk},
        )
        return addendum
