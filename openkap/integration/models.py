"""Integration sessions: the chart note of an integration appointment (read by the care team), and,
apart from the chart, private psychotherapy notes (read by their author and whom they share with)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class IntegrationNote(models.Model):
    """The chart note of one integration appointment: themes, goals, follow-up. Written as a draft
    (version-checked edits), signed with the password, then immutable: corrections are addenda."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="integration_notes")
    appointment = models.OneToOneField(
        "plans.Appointment", on_delete=models.PROTECT, related_name="integration_note"
    )
    # The dosing session this integration follows, when the plan has one for the same dose.
    dosing_session = models.ForeignKey(
        "dosing.DosingSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="integration_notes",
    )
    themes = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    follow_up = models.TextField("follow-up", blank=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="integration_note_signed_has_signer",
            ),
        ]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"integration note {self.pk} ({self.status})"


class IntegrationAddendum(models.Model):
    """A correction or addition after signing, with its reason; the signed note stays as it was."""

    note = models.ForeignKey(IntegrationNote, on_delete=models.PROTECT, related_name="addenda")
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    text = models.TextField()

    class Meta:
        ordering = ["written_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="integration_addendum_has_reason"),
            models.CheckConstraint(condition=~Q(text=""), name="integration_addendum_has_text"),
        ]

    def __str__(self) -> str:
        return f"addendum {self.pk} to integration note {self.note_id}"


class PsychotherapyNote(models.Model):
    """A therapist's private process notes, kept apart from the chart (its own table, never on the
    timeline, the chart pages, exports, the portal or billing). Readable by its author alone unless
    the author shares it with a named colleague of the clinic; only the author edits it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    written_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="psychotherapy_note_has_text"),
        ]
        indexes = [models.Index(fields=["author", "written_at"])]

    def __str__(self) -> str:
        return f"psychotherapy note {self.pk}"


class PsychotherapyNoteShare(models.Model):
    """The author let one named colleague read the note; ended (not deleted) when unshared."""

    note = models.ForeignKey(PsychotherapyNote, on_delete=models.PROTECT, related_name="shares")
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["note", "colleague"],
                condition=Q(ended_at__isnull=True),
                name="psychotherapy_share_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"share of psychotherapy note {self.note_id}"
