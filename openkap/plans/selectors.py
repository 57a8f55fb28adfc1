"""Reads of plans, appointments and feeds, scoped to what the user may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.patients.models import Patient
from openkap.plans import ical
from openkap.plans.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CalendarFeed,
    FeedOwner,
    PlanStatus,
    TreatmentPlan,
)
from openkap.plans.services import token_hash
from openkap.screening.models import Setting

# How far back a feed reaches (recent history stays visible in the calendar).
FEED_PAST_DAYS = 30


def plans_for(patient: Patient) -> QuerySet[TreatmentPlan]:
    return (
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("created_by", "signed_by", "screening")
        .order_by("-created_at", "-pk")
    )


def plan_open(patient: Patient) -> TreatmentPlan | None:
    return plans_for(patient).filter(status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]).first()


def appointments_for(patient: Patient) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient)
        .select_related("clinician", "plan")
        .order_by("starts_at", "pk")
    )


def clinic_schedule(
    *, user: User, clinic: Clinic, first_day: date, days: int
) -> QuerySet[Appointment]:
    """The clinic's appointments from first_day (local) for the given number of days."""
    if not user_can(user, Permission.SCHEDULE_VIEW, clinic.pk):
        return Appointment.objects.none()
    zone = ZoneInfo(clinic.timezone)
    start = datetime.combine(first_day, time(0, 0), tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), time(0, 0), tzinfo=zone)
    return (
        Appointment.objects.filter(patient__clinic=clinic, starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "clinician")
        .order_by("starts_at", "pk")
    )


def feed_live(token: str) -> CalendarFeed | None:
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("clinic", "patient", "user", "created_by")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def clinician_feed(user: User, clinic: Clinic) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        owner=FeedOwner.CLINICIAN, user=user, clinic=clinic, revoked_at__isnull=True
    ).first()


def patient_feed(patient: Patient) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        owner=FeedOwner.PATIENT, patient=patient, revoked_at__isnull=True
    ).first()


def initials(patient: Patient) -> str:
    given = (patient.preferred_name or patient.legal_given_name or "?")[:1]
    family = (patient.legal_family_name or "?")[:1]
    return f"{given}.{family}.".upper()


def _uid(appointment: Appointment) -> str:
    # Stable across moves, feed regenerations and the host name the feed is fetched by.
    return f"appointment-{appointment.pk}@openkap"


AT_HOME = "At home"


def is_at_home(appointment: Appointment) -> bool:
    """The dosing sessions of an at-home plan happen at home; everything else at the clinic."""
    return (
        appointment.kind == AppointmentKind.DOSING and appointment.plan.setting == Setting.AT_HOME
    )


def clinic_place(clinic: Clinic) -> str:
    return ", ".join(part for part in (clinic.name, clinic.postal_address) if part)


def appointment_place(appointment: Appointment, clinic: Clinic) -> str:
    """Where the appointment happens, as the patient is told in the portal."""
    return AT_HOME if is_at_home(appointment) else clinic_place(clinic)


def upcoming_for_patient(patient: Patient) -> list[Appointment]:
    """The patient's own appointments still to come (for the portal: no clinical detail is shown
    from them, only time, kind and place)."""
    return list(
        Appointment.objects.filter(
            patient=patient,
            status__in=OPEN_STATUSES,
            starts_at__gte=timezone.now() - timedelta(hours=2),
        )
        .select_related("plan")
        .order_by("starts_at", "pk")
    )


def feed_events(feed: CalendarFeed) -> list[ical.FeedEvent]:
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    appointments = Appointment.objects.filter(
        patient__clinic=feed.clinic,
        starts_at__gte=since,
        status__in=[*OPEN_STATUSES, AppointmentStatus.CANCELLED],
    ).select_related("patient", "plan")
    if feed.owner == FeedOwner.CLINICIAN:
        appointments = appointments.filter(clinician=feed.user)
    else:
        appointments = appointments.filter(patient=feed.patient)
    events = []
    for appointment in appointments.order_by("starts_at", "pk"):
        kind = appointment.get_kind_display()
        if feed.owner == FeedOwner.CLINICIAN:
            summary = f"{kind} — {initials(appointment.patient)} {appointment.patient.mrn}"
        else:
            summary = kind
        events.append(
            ical.FeedEvent(
                uid=_uid(appointment),
                starts_at=appointment.starts_at,
                duration_minutes=appointment.duration_minutes,
                summary=summary,
                # In-office events give the clinic's address; an at-home one gives no place (the
                # setting is clinical detail on a third-party calendar server).
                location="" if is_at_home(appointment) else clinic_place(feed.clinic),
                cancelled=appointment.status == AppointmentStatus.CANCELLED,
            )
        )
    return events
