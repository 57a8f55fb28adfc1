"""Every change to questionnaires, alerts and maintenance decisions: check permission, change, write
the audit row, in one transaction. E-mails go out after the commit and never carry the patient's
name or answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.notifications import care_team_notify
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import instruments, outcomes
from openkap.outcomes.models import (
    MaintenanceChoice,
    MaintenanceDecision,
    QuestionnaireAssignment,
    SuicideRiskAlert,
)
from openkap.outcomes.selectors import OPEN_AFTER, OPEN_AHEAD
from openkap.patients.models import Patient
from openkap.plans.models import OPEN_STATUSES, Appointment, AppointmentStatus, TreatmentPlan
from openkap.screening.models import QuestionnaireResponse

logger = logging.getLogger(__name__)

SUICIDE_RISK_FLAG = "suicide_risk"


class AlreadyCompleted(Exception):
    def __init__(self) -> None:
        super().__init__("This questionnaire was already completed. Nothing was saved twice.")


class AlreadyAcknowledged(Exception):
    def __init__(self, alert: SuicideRiskAlert) -> None:
        super().__init__("Someone else acknowledged this alert first. Nothing was saved.")
        self.alert = alert


def _base_url() -> str:
    return str(settings.OPENKAP_BASE_URL).rstrip("/")


def _check_actor(actor: User, patient: Patient) -> None:
    """The patient themself (through their portal account) or a clinician who records outcomes."""
    if actor.kind == User.Kind.PATIENT:
        account = getattr(actor, "portal_account", None)
        if account is None or account.patient_id != patient.pk or not actor.is_active:
            raise PermissionDenied
        return
    require_permission(actor, Permission.OUTCOMES_RECORD, patient.clinic_id)


# --- Scheduling ---------------------------------------------------------------------------------


@transaction.atomic
def assignments_schedule(
    *, actor: User | None, plan: TreatmentPlan
) -> list[QuestionnaireAssignment]:
    """Assign the questionnaires the plan calls for (knowledge/outcomes/schedule.toml). Running it
    again adds only what is new and withdraws what an appointment's move or cancellation made
    stale; nothing answered changes. ``actor`` None is the scheduler command."""
    if actor is not None:
        require_permission(actor, Permission.OUTCOMES_RECORD, plan.patient.clinic_id)
    return _schedule(actor=actor, plan=plan)


@transaction.atomic
def assignments_follow_appointments(
    *, actor: User, plan: TreatmentPlan
) -> list[QuestionnaireAssignment]:
    """The same, after someone who keeps the schedule moved or cancelled an appointment: the
    questionnaires tied to it follow it (front desk may move appointments without recording
    outcomes)."""
    require_permission(actor, Permission.SCHEDULE_EDIT, plan.patient.clinic_id)
    if plan.status != "active":
        return []
    return _schedule(actor=actor, plan=plan)


def _schedule(*, actor: User | None, plan: TreatmentPlan) -> list[QuestionnaireAssignment]:
    patient = plan.patient
    if plan.status != "active":
        raise ValidationError({"plan": "Only an active plan has a questionnaire schedule."})
    zone = ZoneInfo(patient.clinic.timezone)
    start = datetime.combine(plan.start_date, time(9, 0), tzinfo=zone)
    appointments = list(Appointment.objects.filter(plan=plan))
    open_visits = {a.pk for a in appointments if a.status in OPEN_STATUSES}
    cancelled = {a.pk for a in appointments if a.status == AppointmentStatus.CANCELLED}
    visits = [
        outcomes.Visit(kind=a.kind, starts_at=a.starts_at, id=a.pk)
        for a in appointments
        if a.pk in open_visits
    ]
    dues = outcomes.questionnaires_due(
        indication_code=plan.indication_code, start=start, appointments=visits
    )
    wanted = {(due.instrument, due.due_at) for due in dues}
    now = timezone.now()
    withdrawn: list[int] = []
    restored: list[int] = []
    for assignment in QuestionnaireAssignment.objects.select_for_update(of=("self",)).filter(
        plan=plan, response__isnull=True, appointment__isnull=False
    ):
        key = (assignment.instrument_id, assignment.due_at)
        if assignment.withdrawn_at is None:
            if assignment.appointment_id in cancelled:
                reason = "The appointment was cancelled."
            elif assignment.appointment_id in open_visits and key not in wanted:
                reason = "The appointment moved; the questionnaire is due at the new time."
            else:
                continue
            assignment.withdrawn_at, assignment.withdrawn_reason = now, reason
            withdrawn.append(assignment.pk)
        elif key in wanted:
            # Moved back to where it was: the same assignment is due again.
            assignment.withdrawn_at, assignment.withdrawn_reason = None, ""
            restored.append(assignment.pk)
        else:
            continue
        assignment.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    existing = set(
        QuestionnaireAssignment.objects.filter(patient=patient).values_list(
            "instrument_id", "due_at"
        )
    )
    created = [
        QuestionnaireAssignment.objects.create(
            patient=patient,
            plan=plan,
            appointment_id=due.appointment_id,
            instrument_id=due.instrument,
            due_at=due.due_at,
            reason=due.reason,
        )
        for due in dues
        if (due.instrument, due.due_at) not in existing
    ]
    audit_record(
        action=Action.CREATE,
        category=Category.OUTCOMES,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type="treatment_plan",
        object_id=plan.pk,
        detail={
            "assigned": len(created),
            "withdrawn": withdrawn,
            "restored": restored,
            "schedule": outcomes.schedule().version,
            "instruments": list(outcomes.instruments_for(plan.indication_code)),
        },
    )
    return created


# --- Completing a questionnaire -----------------------------------------------------------------


@transaction.atomic
def response_submit(
    *,
    actor: User,
    patient: Patient,
    instrument_id: str,
    answers: Sequence[int],
    assignment: QuestionnaireAssignment | None = None,
    completed_at: datetime | None = None,
    alert_link: str = "",
) -> tuple[QuestionnaireResponse, SuicideRiskAlert | None]:
    """Score the answers with the clinical core and store them as a QuestionnaireResponse; an
    answer flagged "suicide_risk" raises an alert for the care team at once."""
    _check_actor(actor, patient)
    if assignment is not None:
        assignment = QuestionnaireAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.patient_id != patient.pk or assignment.instrument_id != instrument_id:
            raise ValidationError({"instrument": "This questionnaire is not the one assigned."})
        if assignment.response_id is not None:
            raise AlreadyCompleted
    try:
        result = instruments.score(instrument_id, answers)
        inst = instruments.instrument(instrument_id)
    except instruments.AnswerError as error:
        raise ValidationError({error.field: str(error)}) from None
    now = timezone.now()
    if completed_at is not None and completed_at > now:
        raise ValidationError({"completed_at": "The time completed cannot be in the future."})
    response = QuestionnaireResponse.objects.create(
        patient=patient,
        instrument_id=inst.id,
        instrument_name=inst.name,
        answers=list(answers),
        total=result.total,
        severity=result.severity or "",
        flags=list(result.flags),
        score=result.to_json(),
        completed_at=completed_at or now,
        recorded_by=actor,
    )
    # This administration answers every open assignment of the instrument that is due now
    # (the one given, and any the patient missed in the last days or would get in the next ones).
    answered = QuestionnaireAssignment.objects.filter(
        patient=patient,
        instrument_id=inst.id,
        response__isnull=True,
        withdrawn_at__isnull=True,
        due_at__gte=now - OPEN_AFTER,
        due_at__lte=now + OPEN_AHEAD,
    )
    if assignment is not None:
        answered = answered | QuestionnaireAssignment.objects.filter(pk=assignment.pk)
    answered_ids = list(answered.values_list("pk", flat=True))
    QuestionnaireAssignment.objects.filter(pk__in=answered_ids).update(response=response)
    audit_record(
        action=Action.CREATE,
        category=Category.OUTCOMES,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type="questionnaire_response",
        object_id=response.pk,
        detail={
            "instrument": inst.id,
            "assignments": answered_ids,
            "by": "patient" if actor.kind == User.Kind.PATIENT else "clinician",
        },
    )
    alert = None
    if SUICIDE_RISK_FLAG in result.flags:
        alert = _alert_raise(actor=actor, response=response, link=alert_link)
    return response, alert


def _alert_raise(*, actor: User, response: QuestionnaireResponse, link: str) -> SuicideRiskAlert:
    patient = response.patient
    alert = SuicideRiskAlert.objects.create(
        clinic=patient.clinic, patient=patient, response=response, raised_at=timezone.now()
    )
    audit_record(
        action=Action.CREATE,
        category=Category.SUICIDE_RISK,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type="suicide_risk_alert",
        object_id=alert.pk,
        detail={"instrument": response.instrument_id, "response": response.pk},
    )
    clinic_id = patient.clinic_id
    url = link or f"{_base_url()}{reverse('outcomes:alerts')}"
    transaction.on_commit(functools.partial(alert_notify, clinic_id=clinic_id, link=url))
    return alert


def alert_notify(*, clinic_id: int, link: str) -> int:
    """E-mail the clinic's care team that an alert is waiting, and where (no name, no answers)."""
    from openkap.accounts.models import Clinic

    clinic = Clinic.objects.get(pk=clinic_id)
    return care_team_notify(
        clinic_id=clinic_id,
        subject=f"OpenKAP: suicide-risk alert at {clinic.name}",
        what=(
            f"A patient of {clinic.name} has just given a questionnaire answer that indicates "
            "suicide risk. Acknowledge the alert now."
        ),
        link=link,
    )


@transaction.atomic
def alert_acknowledge(
    *, actor: User, alert: SuicideRiskAlert, action_taken: str
) -> SuicideRiskAlert:
    require_permission(actor, Permission.OUTCOMES_RECORD, alert.clinic_id)
    text = action_taken.strip()
    if not text:
        raise ValidationError(
            {"action_taken": "Say what was done (for example: called the patient, safety plan)."}
        )
    current = SuicideRiskAlert.objects.select_for_update().get(pk=alert.pk)
    if current.acknowledged_at is not None:
        raise AlreadyAcknowledged(current)
    current.acknowledged_at = timezone.now()
    current.acknowledged_by = actor
    current.action_taken = text
    current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    audit_record(
        action=Action.UPDATE,
        category=Category.SUICIDE_RISK,
        actor=actor,
        clinic=current.clinic,
        patient=current.patient,
        object_type="suicide_risk_alert",
        object_id=current.pk,
        detail={"acknowledged": True},
    )
    return current


# --- Maintenance decision after a relapse -----------------------------------------------------------


@transaction.atomic
def maintenance_decision_record(
    *,
    actor: User,
    patient: Patient,
    relapse_response: QuestionnaireResponse,
    decision: str,
    reason: str,
) -> MaintenanceDecision:
    """The prescriber (PLAN_EDIT) decides what to do about a detected relapse, with a reason."""
    require_permission(actor, Permission.PLAN_EDIT, patient.clinic_id)
    errors: dict[str, str] = {}
    if decision not in MaintenanceChoice.values:
        errors["decision"] = "Choose one of the listed decisions."
    if not reason.strip():
        errors["reason"] = "Give the reason for the decision."
    if relapse_response.patient_id != patient.pk:
        errors["relapse"] = "That relapse is not this patient's."
    if errors:
        raise ValidationError(errors)
    made = MaintenanceDecision.objects.create(
        patient=patient,
        instrument_id=relapse_response.instrument_id,
        relapse_response=relapse_response,
        decision=decision,
        reason=reason.strip(),
        decided_at=timezone.now(),
        decided_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.OUTCOMES,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type="maintenance_decision",
        object_id=made.pk,
        detail={"decision": decision, "instrument": relapse_response.instrument_id},
    )
    return made


# --- Reminders ------------------------------------------------------------------------------------


def reminders_send(*, now: datetime | None = None, hours_ahead: int = 24) -> int:
    """E-mail each patient with a portal account once about their open assignments due within
    ``hours_ahead`` (or overdue by less than a week): one e-mail per patient per run, and an
    assignment reminded is never reminded again. Returns the number of e-mails sent."""
    now = now or timezone.now()
    window_end = now + timedelta(hours=hours_ahead)
    window_start = now - OPEN_AFTER
    patient_ids = sorted(
        set(
            QuestionnaireAssignment.objects.filter(
                response__isnull=True,
                withdrawn_at__isnull=True,
                reminded_at__isnull=True,
                due_at__lte=window_end,
                due_at__gte=window_start,
                patient__portal_account__isnull=False,
            )
            .exclude(patient__email="")
            .values_list("patient_id", flat=True)
        )
    )
    sent = 0
    for patient_id in patient_ids:
        with transaction.atomic():
            due = list(
                QuestionnaireAssignment.objects.select_for_update()
                .select_related("patient", "patient__clinic")
                .filter(
                    patient_id=patient_id,
                    response__isnull=True,
                    withdrawn_at__isnull=True,
                    reminded_at__isnull=True,
                    due_at__lte=window_end,
                    due_at__gte=window_start,
                )
            )
            if not due:
                continue
            for assignment in due:
                assignment.reminded_at = now
                assignment.save(update_fields=["reminded_at"])
            patient = due[0].patient
            audit_record(
                action=Action.UPDATE,
                category=Category.OUTCOMES,
                actor=None,
                clinic=patient.clinic,
                patient=patient,
                object_type="questionnaire_assignment",
                object_id=due[0].pk,
                detail={"reminded": [a.pk for a in due]},
            )
        # Sent after the commit: a reminder marked sent is sent, and never twice.
        _send_reminder(
            email=patient.email,
            clinic=patient.clinic.name,
            link=f"{_base_url()}{reverse('portal:questionnaires')}",
        )
        sent += 1
    return sent


def _send_reminder(*, email: str, clinic: str, link: str) -> None:
    try:
        send_mail(
            subject=f"A questionnaire from {clinic}",
            message=(
                f"{clinic} asks you to answer a short questionnaire in your patient portal:\n"
                f"{link}\n\nIt takes a few minutes. If you are in crisis, call or text 988 "
                "(Suicide & Crisis Lifeline, US) or call 911: the clinic may not read your answers "
                "right away."
            ),
            from_email=None,
            recipient_list=[email],
        )
    except (OSError, SMTPException):
        logger.warning("questionnaire reminder e-mail could not be sent", exc_info=True)


def schedule_active_plans() -> int:
    """Bring every active plan's assignments up to date (the command's first step)."""
    count = 0
    for plan in TreatmentPlan.objects.filter(status="active").select_related(
        "patient", "patient__clinic"
    ):
        count += len(assignments_schedule(actor=None, plan=plan))
    return count
