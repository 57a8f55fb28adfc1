"""Every change to integration notes and psychotherapy notes: check permission, change, audit, in one
transaction.

Integration notes are chart notes (Category.INTEGRATION): drafts change with a version check, signing
asks for the password again (checked outside the signing transaction, so a failed attempt is counted
and audited although nothing is signed), a signed note is immutable and corrected by addenda.

Psychotherapy notes are not chart notes (Category.PSYCHOTHERAPY_NOTES): their author alone writes,
edits and shares them. No audit row ever carries their text: only ids.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, require_permission, user_can
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.dosing.models import DosingSession
from openkap.integration.models import (
    IntegrationAddendum,
    IntegrationNote,
    NoteStatus,
    PsychotherapyNote,
    PsychotherapyNoteShare,
)
from openkap.patients.models import Patient
from openkap.plans.models import OPEN_STATUSES, Appointment, AppointmentKind, AppointmentStatus
from openkap.plans.services import appointment_complete

NOTE_FIELDS = ("themes", "goals", "follow_up")
FIELD_LABELS = {"themes": "Themes", "goals": "Goals", "follow_up": "Follow-up"}


class NoteConflict(Exception):
    """Someone else changed the draft (or signed it) after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "The note was changed by someone else while you were editing it. Nothing was saved: "
            "read the note as it is now and write your change again."
        )


class NoteSigned(Exception):
    def __init__(self) -> None:
        super().__init__(
            "This note is signed and cannot be changed. Add an addendum with the reason instead."
        )


def _audit(
    actor: User,
    patient: Patient,
    action: Action,
    object_type: str,
    object_id: int,
    detail: dict[str, Any] | None = None,
    *,
    category: Category = Category.INTEGRATION,
) -> None:
    audit_record(
        action=action,
        category=category,
        actor=actor,
        patient=patient,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


# --- Integration notes (the chart) ----------------------------------------------------------------


def integrated_session(appointment: Appointment) -> DosingSession | None:
    """The dosing session an integration appointment follows: the plan's dosing appointment of the
    same dose, when it has a session."""
    if appointment.dose_number is None:
        return None
    return (
        DosingSession.objects.filter(
            plan_id=appointment.plan_id,
            appointment__kind=AppointmentKind.DOSING,
            appointment__dose_number=appointment.dose_number,
        )
        .order_by("pk")
        .first()
    )


def _texts(themes: str, goals: str, follow_up: str) -> dict[str, str]:
    return {"themes": themes.strip(), "goals": goals.strip(), "follow_up": follow_up.strip()}


@transaction.atomic
def integration_note_create(
    *, actor: User, appointment: Appointment, themes: str, goals: str, follow_up: str
) -> IntegrationNote:
    """Start the chart note of an integration appointment (a draft). One note per appointment."""
    patient = appointment.patient
    require_permission(actor, Permission.INTEGRATION_WRITE, patient.clinic_id)
    if appointment.kind != AppointmentKind.INTEGRATION:
        raise ValidationError({"appointment": "This appointment is not an integration session."})
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError({"appointment": "This integration session was cancelled."})
    if IntegrationNote.objects.filter(appointment=appointment).exists():
        raise ValidationError(
            {"appointment": "This integration session already has a note: open it to edit it."}
        )
    texts = _texts(themes, goals, follow_up)
    if not any(texts.values()):
        raise ValidationError({"themes": "Write at least the themes, goals or follow-up."})
    note = IntegrationNote(
        patient=patient,
        appointment=appointment,
        dosing_session=integrated_session(appointment),
        created_by=actor,
        **texts,
    )
    note.full_clean()
    note.save(force_insert=True)
    _audit(actor, patient, Action.CREATE, "integration_note", note.pk)
    return note


@transaction.atomic
def integration_note_update(
    *,
    actor: User,
    note: IntegrationNote,
    expected_version: int,
    themes: str,
    goals: str,
    follow_up: str,
) -> IntegrationNote:
    """Change a draft. Refused if it was signed or changed since the page was drawn."""
    require_permission(actor, Permission.INTEGRATION_WRITE, note.patient.clinic_id)
    texts = _texts(themes, goals, follow_up)
    if not any(texts.values()):
        raise ValidationError({"themes": "Write at least the themes, goals or follow-up."})
    current = IntegrationNote.objects.select_for_update().get(pk=note.pk)
    if current.status == NoteStatus.SIGNED:
        raise NoteSigned
    if current.version != expected_version:
        raise NoteConflict
    changed = [name for name in NOTE_FIELDS if getattr(current, name) != texts[name]]
    IntegrationNote.objects.filter(pk=note.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **texts
    )
    _audit(actor, note.patient, Action.UPDATE, "integration_note", note.pk, {"fields": changed})
    current.refresh_from_db()
    return current


def _check_signable(current: IntegrationNote, expected_version: int) -> None:
    if current.status == NoteStatus.SIGNED:
        raise NoteSigned
    if current.version != expected_version:
        raise NoteConflict
    missing = {
        name: f"Write the {FIELD_LABELS[name].lower()} before signing."
        for name in NOTE_FIELDS
        if not getattr(current, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    if current.appointment.starts_at > timezone.now():
        raise ValidationError(
            {"__all__": "This integration session has not started yet: sign the note after it."}
        )


def integration_note_sign(
    *,
    actor: User,
    note: IntegrationNote,
    expected_version: int,
    password: str,
    request: HttpRequest,
) -> IntegrationNote:
    """Sign the note (password asked again); it is immutable afterwards. The integration
    appointment is marked done with it when it is still open and the signer may record that."""
    patient = note.patient
    require_permission(actor, Permission.INTEGRATION_WRITE, patient.clinic_id)
    _check_signable(
        IntegrationNote.objects.select_related("appointment").get(pk=note.pk), expected_version
    )
    if not user_reauthenticate(request=request, user=actor, password=password):
        raise ValidationError({"password": "The password is not right. Nothing was signed."})
    with transaction.atomic():
        current = (
            IntegrationNote.objects.select_for_update()
            .select_related("appointment")
            .get(pk=note.pk)
        )
        _check_signable(current, expected_version)
        updated = IntegrationNote.objects.filter(
            pk=current.pk, version=expected_version, status=NoteStatus.DRAFT
        ).update(
            status=NoteStatus.SIGNED,
            signed_at=timezone.now(),
            signed_by=actor,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if updated == 0:
            raise NoteConflict
        _audit(actor, patient, Action.UPDATE, "integration_note", current.pk, {"signed": True})
        appointment = Appointment.objects.select_for_update().get(pk=current.appointment_id)
        if (
            appointment.status in OPEN_STATUSES
            and appointment.starts_at <= timezone.now()
            and user_can(actor, Permission.SCHEDULE_EDIT, patient.clinic_id)
        ):
            appointment_complete(
                actor=actor,
                appointment=appointment,
                expected_version=appointment.version,
                note="Integration note signed",
            )
        current.refresh_from_db()
        return current


def integration_addendum_add(
    *,
    actor: User,
    note: IntegrationNote,
    text: str,
    reason: str,
    password: str,
    request: HttpRequest,
) -> IntegrationAddendum:
    """A signed correction or addition to a signed note, with its reason (password asked again)."""
    patient = note.patient
    require_permission(actor, Permission.INTEGRATION_WRITE, patient.clinic_id)
    if not IntegrationNote.objects.filter(pk=note.pk, status=NoteStatus.SIGNED).exists():
        raise ValidationError({"__all__": "Addenda are for signed notes; edit the draft instead."})
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Write the addendum."
    if not reason.strip():
        errors["reason"] = "Give the reason for the addendum."
    if errors:
        raise ValidationError(errors)
    if not user_reauthenticate(request=request, user=actor, password=password):
        raise ValidationError({"password": "The password is not right. Nothing was added."})
    with transaction.atomic():
        addendum = IntegrationAddendum(
            note=note,
            text=text.strip(),
            reason=reason.strip(),
            written_at=timezone.now(),
            written_by=actor,
        )
        addendum.full_clean()
        addendum.save(force_insert=True)
        _audit(
            actor,
            patient,
            Action.CREATE,
            "integration_addendum",
            addendum.pk,
            {"note": note.pk},
        )
        return addendum


# --- Psychotherapy notes (apart from the chart) ---------------------------------------------------


def _psychotherapy_audit(
    actor: User, note: PsychotherapyNote, action: Action, detail: dict[str, Any] | None = None
) -> None:
    # Ids only: the note's text never goes into the audit trail.
    _audit(
        actor,
        note.patient,
        action,
        "psychotherapy_note",
        note.pk,
        detail,
        category=Category.PSYCHOTHERAPY_NOTES,
    )


def _require_author(actor: User, note: PsychotherapyNote) -> None:
    # Not the author: the note does not exist for them (its existence is not revealed).
    if note.author_id != actor.pk:
        raise PsychotherapyNote.DoesNotExist


@transaction.atomic
def psychotherapy_note_write(*, actor: User, patient: Patient, text: str) -> PsychotherapyNote:
    require_permission(actor, Permission.PSYCHOTHERAPY_NOTE_WRITE, patient.clinic_id)
    if not text.strip():
        raise ValidationError({"text": "Write the note."})
    note = PsychotherapyNote(patient=patient, author=actor, text=text.strip())
    note.full_clean()
    note.save(force_insert=True)
    _psychotherapy_audit(actor, note, Action.CREATE)
    return note


@transaction.atomic
def psychotherapy_note_update(
    *, actor: User, note: PsychotherapyNote, expected_version: int, text: str
) -> PsychotherapyNote:
    """The author alone edits; a change made elsewhere meanwhile is not overwritten."""
    _require_author(actor, note)
    require_permission(actor, Permission.PSYCHOTHERAPY_NOTE_WRITE, note.patient.clinic_id)
    if not text.strip():
        raise ValidationError({"text": "Write the note."})
    updated = PsychotherapyNote.objects.filter(
        pk=note.pk, author=actor, version=expected_version
    ).update(text=text.strip(), version=F("version") + 1, updated_at=timezone.now())
    if updated == 0:
        raise NoteConflict
    _psychotherapy_audit(actor, note, Action.UPDATE)
    note.refresh_from_db()
    return note


def share_candidates(note: PsychotherapyNote) -> list[User]:
    """Colleagues the author may share with: active staff of the patient's clinic."""
    return list(
        User.objects.filter(
            is_active=True, kind=User.Kind.STAFF, memberships__clinic_id=note.patient.clinic_id
        )
        .exclude(pk=note.author_id)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def psychotherapy_note_share(
    *, actor: User, note: PsychotherapyNote, colleague: User
) -> PsychotherapyNoteShare:
    _require_author(actor, note)
    if colleague.pk not in {user.pk for user in share_candidates(note)}:
        raise ValidationError({"colleague": "Choose a colleague of this patient's clinic."})
    share = PsychotherapyNoteShare.objects.filter(
        note=note, colleague=colleague, ended_at__isnull=True
    ).first()
    if share is not None:
        return share
    share = PsychotherapyNoteShare.objects.create(
        note=note, colleague=colleague, shared_at=timezone.now()
    )
    _psychotherapy_audit(actor, note, Action.UPDATE, {"shared_with": colleague.pk})
    return share


@transaction.atomic
def psychotherapy_note_unshare(*, actor: User, note: PsychotherapyNote, colleague: User) -> None:
    _require_author(actor, note)
    ended = PsychotherapyNoteShare.objects.filter(
        note=note, colleague=colleague, ended_at__isnull=True
    ).update(ended_at=timezone.now())
    if ended:
        _psychotherapy_audit(actor, note, Action.UPDATE, {"unshared_with": colleague.pk})
