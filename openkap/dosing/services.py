"""Writes of dosing sessions: record the BEFORE gate, and a prescriber's override of a soft stop.

Each checks permission, changes data and writes the audit row in one transaction. The gate's
decision is the clinical core's (openkap.clinical.gate): this module gathers its inputs from the
chart (consents, pregnancy status, medications, today's questionnaires) and the nurse's answers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
from openkap.clinical.gate import GateAnswers, GateResult, gate_evaluate
from openkap.clinical.protocols import protocol
from openkap.clinical.rulepack import load_rule_pack
from openkap.consent.selectors import consent_status
from openkap.dosing.models import DosingSession, GateOutcome, GateOverride, SessionStatus
from openkap.patients.models import Patient
from openkap.plans.models import OPEN_STATUSES, Appointment, AppointmentKind, PlanStatus
from openkap.screening.engine import pregnancy_relevant
from openkap.screening.models import Medication, ReproductiveStatus
from openkap.screening.selectors import latest_questionnaires


class DosingConflict(Exception):
    """Someone else changed the session after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "The dosing session was changed by someone else while you were looking at it. Nothing "
            "was saved: look at it as it is now and try again."
        )


@dataclass(frozen=True)
class NurseAnswers:
    """What the nurse enters at the gate (None: not answered)."""

    fasting: bool | None
    no_alcohol: bool | None
    escort_name: str
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    interacting_held: bool | None
    suicide_check: str  # "negative" | "positive" | "" (not done)
    rems_enrolled: bool | None
    eye_mask: bool
    music: bool
    agreed_signal: str


def _audit(
    actor: User, patient: Patient, action: Action, session: DosingSession, detail: dict[str, Any]
) -> None:
    audit_record(
        action=action,
        category=Category.DOSING,
        actor=actor,
        patient=patient,
        object_type="dosing_session",
        object_id=session.pk,
        detail=detail,
    )


def chart_answers(patient: Patient, *, setting: str, nurse: NurseAnswers) -> GateAnswers:
    """The gate's inputs: what the chart says, plus what the nurse entered."""
    pack = load_rule_pack()
    classes: set[str] = set()
    for medication in Medication.objects.filter(patient=patient):
        classes |= pack.drug_classes_of(medication.name) or set()
    reproductive = ReproductiveStatus.objects.filter(patient=patient).first()
    today = timezone.localdate()
    flagged_today = any(
        response.suicide_risk and timezone.localdate(response.completed_at) == today
        for response in latest_questionnaires(patient)
    )
    done = nurse.suicide_check in ("negative", "positive") or flagged_today
    return GateAnswers(
        setting=setting,
        consents={kind: str(status.state) for kind, status in consent_status(patient).items()},
        fasting=nurse.fasting,
        no_alcohol=nurse.no_alcohol,
        escort_name=nurse.escort_name,
        systolic=nurse.systolic,
        diastolic=nurse.diastolic,
        heart_rate=nurse.heart_rate,
        spo2=nurse.spo2,
        pregnancy_relevant=pregnancy_relevant(patient),
        pregnancy=reproductive.pregnancy if reproductive else "",
        drug_classes=frozenset(classes),
        interacting_held=nurse.interacting_held,
        suicide_check_done=done,
        # A questionnaire flagged today counts as positive whatever the nurse ticked.
        suicide_check_positive=(nurse.suicide_check == "positive" or flagged_today)
        if done
        else None,
        rems_enrolled=nurse.rems_enrolled,
    )


def _answers_json(answers: GateAnswers) -> dict[str, Any]:
    data = asdict(answers)
    data["consents"] = dict(answers.consents)
    data["drug_classes"] = sorted(answers.drug_classes)
    return data


def _items_json(result: GateResult) -> list[dict[str, str]]:
    return [asdict(item) for item in result.items]


@transaction.atomic
def dosing_gate_record(
    *,
    actor: User,
    appointment: Appointment,
    nurse: NurseAnswers,
    expected_version: int | None,
) -> DosingSession:
    """Record (or record again, while the dose has not been cleared) the BEFORE gate of a dosing
    appointment. A pass makes the session ready to dose; a stop leaves it at the gate."""
    patient = appointment.patient
    require_permission(actor, Permission.DOSING_GATE, patient.clinic_id)
    appointment = (
        Appointment.objects.select_for_update(of=("self",), no_key=True)
        .select_related("plan")
        .get(pk=appointment.pk)
    )
    if appointment.kind != AppointmentKind.DOSING:
        raise ValidationError({"__all__": "This appointment is not a dosing session."})
    if appointment.status not in OPEN_STATUSES:
        raise ValidationError(
            {"__all__": "This appointment is closed (done, cancelled or missed)."}
        )
    plan = appointment.plan
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"__all__": "The treatment plan is not active."})
    answers = chart_answers(patient, setting=plan.setting, nurse=nurse)
    result = gate_evaluate(protocol(plan.protocol_id), answers)
    now = timezone.now()
    fields: dict[str, Any] = {
        "gate_answers": _answers_json(answers),
        "gate_items": _items_json(result),
        "gate_outcome": result.outcome,
        "gate_data_version": result.version,
        "eye_mask": nurse.eye_mask,
        "music": nurse.music,
        "agreed_signal": nurse.agreed_signal.strip(),
        "gate_recorded_at": now,
        "gate_recorded_by": actor,
        "status": SessionStatus.READY if result.outcome == "pass" else SessionStatus.GATE,
    }
    existing = DosingSession.objects.filter(appointment=appointment).first()
    if existing is None:
        if expected_version not in (None, 0):
            raise DosingConflict
        session = DosingSession.objects.create(
            appointment=appointment,
            plan=plan,
            patient=patient,
            protocol_id=plan.protocol_id,
            **fields,
        )
        action = Action.CREATE
    else:
        if expected_version is None:
            raise DosingConflict
        if existing.status != SessionStatus.GATE:
            raise ValidationError(
                {"__all__": "The gate was already cleared for this session; it is not redone."}
            )
        updated = DosingSession.objects.filter(pk=existing.pk, version=expected_version).update(
            version=F("version") + 1, **fields
        )
        if not updated:
            raise DosingConflict
        session = DosingSession.objects.get(pk=existing.pk)
        action = Action.UPDATE
    _audit(
        actor,
        patient,
        action,
        session,
        {
            "step": "gate",
            "outcome": result.outcome,
            "stops": [i.id for i in result.items if i.status != "pass"],
            "gate_data_version": result.version,
        },
    )
    return session


def dosing_gate_override(
    *,
    request: HttpRequest,
    actor: User,
    session: DosingSession,
    reason: str,
    password: str,
    expected_version: int,
) -> GateOverride:
    """A prescriber clears a soft stop: with a reason and their password. A hard stop or an
    unanswered item cannot be overridden.

    The password is checked outside the transaction that clears the gate, so a failed attempt is
    counted (towards the lockout) and audited even though nothing is overridden."""
    patient = session.patient
    require_permission(actor, Permission.DOSING_OVERRIDE, patient.clinic_id)
    _check_overridable(DosingSession.objects.get(pk=session.pk), expected_version)
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why the dose goes ahead despite the soft stop."
    if not user_reauthenticate(request=request, user=actor, password=password):
        errors["password"] = "The password is not correct."  # noqa: S105
        _audit(actor, patient, Action.ACCESS_DENIED, session, {"reason": "password refused"})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Checked again under the row lock: someone may have changed the gate meanwhile.
        session = DosingSession.objects.select_for_update(no_key=True).get(pk=session.pk)
        _check_overridable(session, expected_version)
        items = [item["id"] for item in session.gate_items if item["status"] == "soft_stop"]
        override = GateOverride.objects.create(
            session=session,
            overridden_by=actor,
            overridden_at=timezone.now(),
            reason=reason.strip(),
            items=items,
        )
        DosingSession.objects.filter(pk=session.pk).update(
            status=SessionStatus.READY, version=F("version") + 1
        )
        _audit(actor, patient, Action.UPDATE, session, {"step": "gate_override", "items": items})
    return override


def _check_overridable(session: DosingSession, expected_version: int) -> None:
    if session.version != expected_version:
        raise DosingConflict
    if session.status != SessionStatus.GATE:
        raise ValidationError({"__all__": "This session's gate is already cleared."})
    if session.gate_outcome == GateOutcome.HARD_STOP:
        raise ValidationError(
            {"__all__": "A hard stop (or an unanswered item) cannot be overridden: do not dose."}
        )
    if session.gate_outcome != GateOutcome.SOFT_STOP:
        raise ValidationError({"__all__": "There is no soft stop to override."})
