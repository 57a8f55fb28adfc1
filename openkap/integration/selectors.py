"""Reads of integration notes (scoped to the user's clinics and role) and of psychotherapy notes
(scoped to their author and the colleagues they were shared with: never by role)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.integration.models import IntegrationNote, PsychotherapyNote
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind


def integration_note_get_for_user(*, user: User, public_id: uuid.UUID) -> IntegrationNote:
    """The note, if its patient is of one of the user's clinics (else DoesNotExist) and the user may
    read integration notes there (else PermissionDenied)."""
    note = IntegrationNote.objects.select_related(
        "patient", "patient__clinic", "appointment", "created_by", "signed_by", "dosing_session"
    ).get(public_id=public_id)
    if note.patient.clinic_id not in user.clinic_ids():
        raise IntegrationNote.DoesNotExist
    if not user_can(user, Permission.INTEGRATION_VIEW, note.patient.clinic_id):
        raise PermissionDenied
    return note


def integration_appointments_of(patient: Patient) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient, kind=AppointmentKind.INTEGRATION)
        .select_related("integration_note", "clinician")
        .order_by("starts_at", "pk")
    )


def integration_appointment_of(patient: Patient, appointment_id: int) -> Appointment | None:
    return integration_appointments_of(patient).filter(pk=appointment_id).first()


def integration_notes_of(patient: Patient) -> QuerySet[IntegrationNote]:
    return (
        IntegrationNote.objects.filter(patient=patient)
        .select_related("appointment", "created_by", "signed_by")
        .prefetch_related("addenda")
        .order_by("appointment__starts_at", "pk")
    )


def _readable(user: User) -> Q:
    shared = Q(shares__colleague=user, shares__ended_at__isnull=True)
    return (Q(author=user) | shared) & Q(patient__clinic_id__in=user.clinic_ids())


def psychotherapy_notes_for_user(user: User) -> QuerySet[PsychotherapyNote]:
    """The notes the user wrote or that were shared with them (and not unshared)."""
    return (
        PsychotherapyNote.objects.filter(_readable(user))
        .select_related("patient", "author")
        .distinct()
        .order_by("-written_at", "-pk")
    )


def psychotherapy_note_get_for_user(*, user: User, public_id: uuid.UUID) -> PsychotherapyNote:
    """The note, to its author or a colleague it is shared with; DoesNotExist for anyone else, so
    whether it exists is not revealed."""
    return psychotherapy_notes_for_user(user).get(public_id=public_id)
