"""Reads of dosing sessions, scoped to the user's clinic."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, AppointmentStatus


def dosing_appointments_on(*, clinic: Clinic, day: date) -> QuerySet[Appointment]:
    """The clinic's dosing appointments on a day (the clinic's local day), except cancelled ones:
    a session done today stays on the list until its chart is signed and after."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return (
        Appointment.objects.filter(
            patient__clinic=clinic,
            kind=AppointmentKind.DOSING,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("patient", "clinician", "plan", "dosing_session")
        .order_by("starts_at", "pk")
    )


def dosing_appointment_of(patient: Patient, appointment_id: int | None) -> Appointment | None:
    if appointment_id is None:
        return None
    return (
        Appointment.objects.filter(patient=patient, pk=appointment_id, kind=AppointmentKind.DOSING)
        .select_related("plan")
        .first()
    )


def dosing_session_of(appointment: Appointment) -> DosingSession | None:
    return (
        DosingSession.objects.filter(appointment=appointment).prefetch_related("overrides").first()
    )
