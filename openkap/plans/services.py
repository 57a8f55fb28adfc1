"""Every change to plans, appointments and calendar feeds: check permission, change, write the audit
row, in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, require_permission, user_can
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.outcomes.services import assignments_follow_appointments, assignments_schedule
from openkap.patients.models import Patient
from openkap.plans import policy, protocols
from openkap.plans.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CalendarFeed,
    FeedOwner,
    Format,
    PlanStatus,
    Psychotherapy,
    TreatmentPlan,
)
from openkap.portal.models import PortalAccount
from openkap.screening import codes
from openkap.screening.models import Decision, Route, Screening, Setting
from openkap.screening.selectors import screenings_signed

ESKETAMINE = Route.INTRANASAL_ESKETAMINE
ESKETAMINE_IN_OFFICE = (
    "Esketamine is given in office only (REMS: administered and monitored in a certified "
    "healthcare setting)."
)


def indication_error(text: str) -> str | None:
    code = codes.normalise(text or "")
    if not code or not codes.is_valid(code):
        return f"{text.strip()!r} is not an ICD-10-CM code."
    return None


class PlanConflict(Exception):
    """Someone else changed the plan or the appointment after this page was loaded."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(
            f"The {what} was changed by someone else while you were looking at it. Nothing was "
            "saved: look at it as it is now and try again."
        )


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
        category=Category.PLANS,
        actor=actor,
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def eligible_screening(patient: Patient) -> Screening | None:
    """The signed screening in force, if its final decision is eligible."""
    screening = screenings_signed(patient).first()
    if screening is None or screening.final_decision != Decision.ELIGIBLE:
        return None
    return screening


def _check_screening(patient: Patient, route: str, setting: str) -> Screening:
    screening = screenings_signed(patient).first()
    if screening is None:
        raise ValidationError(
            {
                "__all__": "A treatment plan needs a signed screening whose decision is eligible; "
                "this patient has no signed screening."
            }
        )
    if screening.final_decision != Decision.ELIGIBLE:
        raise ValidationError(
            {
                "__all__": "A treatment plan needs a signed screening whose decision is eligible; "
                f"the screening in force is {screening.get_final_decision_display().lower()}."
            }
        )
    # The eligibility was decided for a route and setting: a plan for another needs a new screening.
    if screening.route and route and screening.route != route:
        raise ValidationError(
            {
                "route": f"The signed screening was for {screening.get_route_display()}; "
                "screen again for another route."
            }
        )
    if screening.setting and setting and screening.setting != setting:
        raise ValidationError(
            {
                "setting": f"The signed screening was for {screening.get_setting_display()}; "
                "screen again for another setting."
            }
        )
    return screening


@transaction.atomic
def plan_create(
    *,
    actor: User,
    patient: Patient,
    indication_code: str,
    route: str,
    setting: str,
    psychotherapy: str,
    format: str,
    protocol_id: str,
    start_date: date,
    sessions: int | None = None,
) -> TreatmentPlan:
    require_permission(actor, Permission.PLAN_EDIT, patient.clinic_id)
    errors: dict[str, str] = {}
    code = codes.normalise(indication_code or "")
    if (message := indication_error(indication_code)) is not None:
        errors["indication_code"] = message
    if route not in Route.values:
        errors["route"] = "Choose a route."
    if setting not in Setting.values:
        errors["setting"] = "Choose in office or at home."
    elif route == ESKETAMINE and setting != Setting.IN_OFFICE:
        errors["setting"] = ESKETAMINE_IN_OFFICE
    if psychotherapy not in Psychotherapy.values:
        errors["psychotherapy"] = "Choose a psychotherapy modality (or none)."
    if format not in Format.values:
        errors["format"] = "Choose individual or group."
    if start_date < timezone.localdate():
        errors["start_date"] = "The start date cannot be in the past."
    if sessions is not None and sessions < 1:
        errors["sessions"] = "At least one session."
    protocol_name = ""
    try:
        choice = protocols.protocol_choice(protocol_id)
    except protocols.ProtocolUnavailable:
        errors["protocol_id"] = "Choose a protocol from the list."
    else:
        protocol_name = choice.name
        if choice.route and route in Route.values and choice.route != route:
            errors["protocol_id"] = f"{choice.name} is not a protocol for this route."
        elif choice.settings and setting in Setting.values and setting not in choice.settings:
            errors["protocol_id"] = f"{choice.name} is not a protocol for this setting."
    if errors:
        raise ValidationError(errors)
    screening = _check_screening(patient, route, setting)
    if TreatmentPlan.objects.filter(
        patient=patient, status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]
    ).exists():
        raise ValidationError(
            {"__all__": "This patient already has an open plan: complete or stop it first."}
        )
    plan = TreatmentPlan(
        patient=patient,
        screening=screening,
        indication_code=code,
        route=route,
        setting=setting,
        psychotherapy=psychotherapy,
        format=format,
        protocol_id=protocol_id,
        protocol_name=protocol_name,
        sessions=sessions,
        start_date=start_date,
        created_by=actor,
    )
    plan.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "treatment_plan", plan.pk, {"protocol": protocol_id})
    return plan


def _bump(plan: TreatmentPlan, expected_version: int, **changes: Any) -> None:
    updated = TreatmentPlan.objects.filter(pk=plan.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise PlanConflict("plan")
    plan.refresh_from_db()


def schedule_appointments(
    plan: TreatmentPlan,
    events: list[protocols.PlannedEventLike],
    clinic_timezone: str,
    *,
    monitoring_minutes: int | None = None,
) -> list[Appointment]:
    """Appointments for the protocol's events: day N after the start date, from the clinic's day
    start, one after another on the same day (see policy)."""
    zone = ZoneInfo(clinic_timezone)
    next_free: dict[int, datetime] = {}
    appointments = []
    for event in events:
        if event.kind not in AppointmentKind.values:
            raise ValueError(f"Unknown event kind {event.kind!r} in the protocol's schedule.")
        day = plan.start_date + timedelta(days=event.day)
        starts = next_free.get(event.day) or datetime.combine(day, policy.DAY_START, tzinfo=zone)
        minutes = policy.SLOT_MINUTES[event.kind]
        if event.kind == AppointmentKind.DOSING and monitoring_minutes:
            # The slot is never shorter than the protocol's minimum monitoring time.
            minutes = max(minutes, monitoring_minutes)
        next_free[event.day] = starts + timedelta(minutes=minutes)
        appointments.append(
            Appointment(
                plan=plan,
                patient=plan.patient,
                kind=event.kind,
                label=event.label,
                dose_number=event.dose_number,
                protocol_day=event.day,
                starts_at=starts,
                duration_minutes=minutes,
            )
        )
    return appointments


def _check_activatable(plan: TreatmentPlan, expected_version: int) -> None:
    if plan.version != expected_version:
        raise PlanConflict("plan")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"__all__": "Only a draft plan can be signed and activated."})


def plan_activate(
    *,
    request: HttpRequest,
    actor: User,
    plan: TreatmentPlan,
    expected_version: int,
    password: str,
    schedule: protocols.ScheduleSource | None = None,
) -> TreatmentPlan:
    """The prescriber signs the plan, giving their password again: it becomes active and its
    appointments are generated.

    The password is checked outside the transaction that signs, so a refused attempt is counted
    (towards the lockout) and audited even though nothing is signed."""
    require_permission(actor, Permission.PLAN_EDIT, plan.patient.clinic_id)
    _check_activatable(plan, expected_version)
    if not user_reauthenticate(request=request, user=actor, password=password):
        _audit(
            actor,
            plan.patient,
            Action.ACCESS_DENIED,
            "treatment_plan",
            plan.pk,
            {"step": "sign", "reason": "password refused"},
        )
        raise ValidationError({"password": "The password is not right. Nothing was signed."})
    with transaction.atomic():
        current = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        _check_activatable(current, expected_version)
        _activate(actor, plan, expected_version, schedule)
        # The plan's questionnaires are assigned as it starts (before each dose, after it, weekly,
        # at reassessment); the nightly `openkap outcomes remind` keeps them up to date.
        assignments_schedule(actor=actor, plan=TreatmentPlan.objects.get(pk=plan.pk))
    return plan


def _activate(
    actor: User,
    plan: TreatmentPlan,
    expected_version: int,
    schedule: protocols.ScheduleSource | None,
) -> None:
    # The screening could have been superseded since the draft was written.
    _check_screening(plan.patient, plan.route, plan.setting)
    source = schedule or protocols.real_schedule
    try:
        events = list(source(plan.protocol_id, plan.sessions))
    except (protocols.ProtocolUnavailable, KeyError, ValueError) as error:
        raise ValidationError(
            {"__all__": f"The protocol's schedule could not be read: {error}"}
        ) from error
    if not events:
        raise ValidationError({"__all__": "The protocol's schedule has no events."})
    _bump(
        plan,
        expected_version,
        status=PlanStatus.ACTIVE,
        signed_at=timezone.now(),
        signed_by=actor,
    )
    try:
        monitoring = protocols.protocol_choice(plan.protocol_id).minimum_monitoring_minutes
    except protocols.ProtocolUnavailable:
        monitoring = None
    appointments = schedule_appointments(
        plan, events, plan.patient.clinic.timezone, monitoring_minutes=monitoring
    )
    Appointment.objects.bulk_create(appointments)
    _audit(
        actor,
        plan.patient,
        Action.UPDATE,
        "treatment_plan",
        plan.pk,
        {"status": "active", "appointments": len(appointments)},
    )


@transaction.atomic
def plan_stop(
    *, actor: User, plan: TreatmentPlan, expected_version: int, reason: str
) -> TreatmentPlan:
    """Stop a plan (draft or active) with a reason; its open appointments are cancelled."""
    require_permission(actor, Permission.PLAN_EDIT, plan.patient.clinic_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the plan is stopped."})
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE):
        raise ValidationError({"__all__": "This plan is already closed."})
    _bump(
        plan,
        expected_version,
        status=PlanStatus.STOPPED,
        stop_reason=reason,
        ended_at=timezone.now(),
    )
    cancelled = Appointment.objects.filter(plan=plan, status__in=OPEN_STATUSES).update(
        status=AppointmentStatus.CANCELLED,
        status_reason="Plan stopped",
        version=F("version") + 1,
    )
    _audit(
        actor,
        plan.patient,
        Action.UPDATE,
        "treatment_plan",
        plan.pk,
        {"status": "stopped", "appointments_cancelled": cancelled},
    )
    return plan


@transaction.atomic
def plan_complete(*, actor: User, plan: TreatmentPlan, expected_version: int) -> TreatmentPlan:
    require_permission(actor, Permission.PLAN_EDIT, plan.patient.clinic_id)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"__all__": "Only an active plan can be completed."})
    _bump(plan, expected_version, status=PlanStatus.COMPLETED, ended_at=timezone.now())
    _audit(actor, plan.patient, Action.UPDATE, "treatment_plan", plan.pk, {"status": "completed"})
    return plan


def _open_for_change(appointment: Appointment, expected_version: int) -> None:
    if appointment.version != expected_version:
        raise PlanConflict("appointment")
    if appointment.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "__all__": f"This appointment is already {appointment.get_status_display().lower()}"
                ": it can no longer be changed."
            }
        )


def _update_appointment(appointment: Appointment, expected_version: int, **changes: Any) -> None:
    updated = Appointment.objects.filter(
        pk=appointment.pk, version=expected_version, status__in=OPEN_STATUSES
    ).update(version=F("version") + 1, **changes)
    if not updated:
        raise PlanConflict("appointment")
    appointment.refresh_from_db()


@transaction.atomic
def appointment_move(
    *,
    actor: User,
    appointment: Appointment,
    expected_version: int,
    starts_at: datetime,
    reason: str,
) -> list[Appointment]:
    """Move an appointment (see policy for the rule on a dosing session's integration sessions).
    Returns every appointment that moved."""
    require_permission(actor, Permission.SCHEDULE_EDIT, appointment.patient.clinic_id)
    _open_for_change(appointment, expected_version)
    errors: dict[str, str] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Say why the appointment is moved."
    if timezone.is_naive(starts_at):
        errors["starts_at"] = "The new time needs a time zone."
    elif starts_at < timezone.now():
        errors["starts_at"] = "The new time is in the past."
    if not errors and appointment.kind == AppointmentKind.INTEGRATION:
        dosing = Appointment.objects.filter(
            plan=appointment.plan_id,
            kind=AppointmentKind.DOSING,
            dose_number=appointment.dose_number,
            status__in=[*OPEN_STATUSES, AppointmentStatus.DONE],
        ).first()
        if dosing is not None:
            dose_ends = dosing.starts_at + timedelta(minutes=dosing.duration_minutes)
            if starts_at < dose_ends:
                local_end = timezone.localtime(
                    dose_ends, ZoneInfo(appointment.patient.clinic.timezone)
                )
                errors["starts_at"] = (
                    "An integration session comes after its dosing session "
                    f"(dose {dosing.dose_number} ends {local_end:%Y-%m-%d %H:%M})."
                )
    if errors:
        raise ValidationError(errors)
    delta = starts_at - appointment.starts_at
    followers: list[Appointment] = []
    if appointment.kind == AppointmentKind.DOSING and appointment.dose_number is not None:
        followers = list(
            Appointment.objects.select_for_update().filter(
                plan=appointment.plan_id,
                kind=AppointmentKind.INTEGRATION,
                dose_number=appointment.dose_number,
                status__in=OPEN_STATUSES,
            )
        )
    _update_appointment(
        appointment,
        expected_version,
        starts_at=starts_at,
        status=AppointmentStatus.MOVED,
        status_reason=reason,
    )
    moved = [appointment]
    for follower in followers:
        _update_appointment(
            follower,
            follower.version,
            starts_at=follower.starts_at + delta,
            status=AppointmentStatus.MOVED,
            status_reason=f"Follows dosing session {appointment.dose_number}: {reason}",
        )
        moved.append(follower)
    _audit(
        actor,
        appointment.patient,
        Action.UPDATE,
        "appointment",
        appointment.pk,
        {"fields": ["starts_at"], "moved": [item.pk for item in moved]},
    )
    # The questionnaires due before and after these appointments follow them.
    assignments_follow_appointments(
        actor=actor, plan=TreatmentPlan.objects.get(pk=appointment.plan_id)
    )
    return moved


@transaction.atomic
def appointment_cancel(
    *, actor: User, appointment: Appointment, expected_version: int, reason: str
) -> Appointment:
    require_permission(actor, Permission.SCHEDULE_EDIT, appointment.patient.clinic_id)
    _open_for_change(appointment, expected_version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    _update_appointment(
        appointment, expected_version, status=AppointmentStatus.CANCELLED, status_reason=reason
    )
    _audit(
        actor,
        appointment.patient,
        Action.UPDATE,
        "appointment",
        appointment.pk,
        {"fields": ["status"], "status": "cancelled"},
    )
    assignments_follow_appointments(
        actor=actor, plan=TreatmentPlan.objects.get(pk=appointment.plan_id)
    )
    return appointment


DOSING_DONE_BY_SESSION = (
    "A dosing appointment is marked done by its dosing session when the session is signed, not "
    "here. Mark it missed or cancel it if the dose was not given."
)


def _check_outcome(appointment: Appointment, expected_version: int) -> None:
    """An outcome is recorded once, on an open appointment whose time has come."""
    if appointment.status not in OPEN_STATUSES:
        raise ValidationError(
            {
                "__all__": f"This appointment is already {appointment.get_status_display().lower()}"
                ": its outcome is recorded and cannot be changed here."
            }
        )
    if appointment.version != expected_version:
        raise PlanConflict("appointment")
    if appointment.starts_at > timezone.now():
        raise ValidationError(
            {"__all__": "This appointment has not started yet: move or cancel it instead."}
        )


def _record_outcome(
    actor: User,
    appointment: Appointment,
    expected_version: int,
    status: AppointmentStatus,
    reason: str,
) -> Appointment:
    _update_appointment(appointment, expected_version, status=status, status_reason=reason)
    _audit(
        actor,
        appointment.patient,
        Action.UPDATE,
        "appointment",
        appointment.pk,
        {"fields": ["status"], "status": status.value},
    )
    return appointment


@transaction.atomic
def appointment_complete(
    *, actor: User, appointment: Appointment, expected_version: int, note: str = ""
) -> Appointment:
    """The preparation, integration or reassessment session took place. A dosing session is not
    completed here: its chart does that when it is signed."""
    require_permission(actor, Permission.SCHEDULE_EDIT, appointment.patient.clinic_id)
    if appointment.kind == AppointmentKind.DOSING and appointment.status in OPEN_STATUSES:
        raise ValidationError({"__all__": DOSING_DONE_BY_SESSION})
    _check_outcome(appointment, expected_version)
    return _record_outcome(
        actor, appointment, expected_version, AppointmentStatus.DONE, note.strip()
    )


@transaction.atomic
def appointment_mark_missed(
    *, actor: User, appointment: Appointment, expected_version: int, reason: str = ""
) -> Appointment:
    """The patient did not come (no-show). The appointment stays on the plan, marked missed."""
    require_permission(actor, Permission.SCHEDULE_EDIT, appointment.patient.clinic_id)
    _check_outcome(appointment, expected_version)
    return _record_outcome(
        actor,
        appointment,
        expected_version,
        AppointmentStatus.MISSED,
        reason.strip() or "Did not attend",
    )


# Who may be booked for an appointment: those who deliver care.
CLINICIAN_ROLES = frozenset({"prescriber", "nurse", "therapist"})


def clinicians_of(clinic_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            kind=User.Kind.STAFF,
            memberships__clinic_id=clinic_id,
            memberships__role__in=CLINICIAN_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def appointment_assign(
    *, actor: User, appointment: Appointment, expected_version: int, clinician: User | None
) -> Appointment:
    """Book a clinician for the appointment (or none); it then shows in their calendar feed."""
    require_permission(actor, Permission.SCHEDULE_EDIT, appointment.patient.clinic_id)
    _open_for_change(appointment, expected_version)
    if clinician is not None and clinician.pk not in {
        user.pk for user in clinicians_of(appointment.patient.clinic_id)
    }:
        raise ValidationError({"clinician": "Choose a clinician of this clinic."})
    _update_appointment(appointment, expected_version, clinician=clinician)
    _audit(
        actor,
        appointment.patient,
        Action.UPDATE,
        "appointment",
        appointment.pk,
        {"fields": ["clinician"]},
    )
    return appointment


# --- Calendar feeds -------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def feed_issue_for_clinician(*, actor: User, clinic: Clinic) -> tuple[CalendarFeed, str]:
    """A new feed of the actor's own appointments in this clinic; the previous one stops working.
    Returns the feed and the token, which is shown once and never stored."""
    if not user_can(actor, Permission.SCHEDULE_VIEW, clinic.pk):
        raise PermissionDenied
    now = timezone.now()
    CalendarFeed.objects.filter(
        owner=FeedOwner.CLINICIAN, user=actor, clinic=clinic, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = _new_token()
    feed = CalendarFeed.objects.create(
        owner=FeedOwner.CLINICIAN,
        user=actor,
        clinic=clinic,
        token_hash=token_hash(token),
        created_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.PLANS,
        actor=actor,
        clinic=clinic,
        object_type="calendar_feed",
        object_id=feed.pk,
        detail={"owner": "clinician"},
    )
    return feed, token


def _issue_patient_feed(actor: User, patient: Patient, by: str) -> tuple[CalendarFeed, str]:
    CalendarFeed.objects.filter(
        owner=FeedOwner.PATIENT, patient=patient, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    token = _new_token()
    feed = CalendarFeed.objects.create(
        owner=FeedOwner.PATIENT,
        patient=patient,
        clinic=patient.clinic,
        token_hash=token_hash(token),
        created_by=actor,
    )
    _audit(actor, patient, Action.CREATE, "calendar_feed", feed.pk, {"owner": "patient", "by": by})
    return feed, token


@transaction.atomic
def feed_issue_for_patient(*, actor: User, patient: Patient) -> tuple[CalendarFeed, str]:
    """Staff make (or remake) the patient's feed link to give to them."""
    require_permission(actor, Permission.SCHEDULE_EDIT, patient.clinic_id)
    return _issue_patient_feed(actor, patient, "staff")


def is_own_portal_patient(actor: User, patient: Patient) -> bool:
    """The actor is the patient, signed in with their own active portal account."""
    return (
        actor.is_active
        and actor.kind == User.Kind.PATIENT
        and PortalAccount.objects.filter(user=actor, patient=patient).exists()
    )


@transaction.atomic
def feed_issue_by_patient(*, actor: User, patient: Patient) -> tuple[CalendarFeed, str]:
    """The patient makes (or remakes) their own feed link in the portal; the previous one stops
    working. Returns the feed and the token, which is shown once and never stored."""
    if not is_own_portal_patient(actor, patient):
        raise PermissionDenied
    return _issue_patient_feed(actor, patient, "patient")


@transaction.atomic
def feed_revoke(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    if feed.owner == FeedOwner.CLINICIAN:
        if feed.user_id != actor.pk:
            raise PermissionDenied
    else:
        assert feed.patient is not None
        # The patient's own feed: the patient in the portal, or the clinic's scheduling staff.
        if not is_own_portal_patient(actor, feed.patient):
            require_permission(actor, Permission.SCHEDULE_EDIT, feed.patient.clinic_id)
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    feed.refresh_from_db()
    audit_record(
        action=Action.DELETE,
        category=Category.PLANS,
        actor=actor,
        clinic=feed.clinic,
        patient=feed.patient,
        object_type="calendar_feed",
        object_id=feed.pk,
        detail={"owner": feed.owner},
    )
    return feed
