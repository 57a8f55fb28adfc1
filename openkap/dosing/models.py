"""Dosing sessions: one per dosing appointment. This slice holds the BEFORE gate (the checks before
the dose, their result and any prescriber override); the session itself follows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient


class SessionStatus(models.TextChoices):
    GATE = "gate", "Before the dose: gate"
    READY = "ready", "Ready to dose"
    IN_PROGRESS = "in_progress", "In progress"


class GateOutcome(models.TextChoices):
    PASS = "pass", "Pass"
    SOFT_STOP = "soft_stop", "Soft stop: prescriber review"
    HARD_STOP = "hard_stop", "Hard stop: do not dose"


class DosingSession(models.Model):
    appointment = models.OneToOneField(
        "plans.Appointment", on_delete=models.PROTECT, related_name="dosing_session"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", on_delete=models.PROTECT, related_name="dosing_sessions"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dosing_sessions")
    protocol_id = models.CharField("protocol", max_length=64)
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.GATE
    )
    # What the nurse entered and what the chart said, as the gate read it.
    gate_answers = models.JSONField(default=dict)
    # The gate's items (id, label, status, detail, source) and outcome, as the core returned them.
    gate_items = models.JSONField(default=list)
    gate_outcome = models.CharField(max_length=10, choices=GateOutcome.choices)
    gate_data_version = models.CharField(max_length=32)
    # The setting as prepared for the session.
    eye_mask = models.BooleanField(default=False)
    music = models.BooleanField(default=False)
    agreed_signal = models.CharField(max_length=200, blank=True)
    gate_recorded_at = models.DateTimeField()
    gate_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Only a passed gate, or a soft stop a prescriber overrode, is ready to dose.
            models.CheckConstraint(
                condition=Q(status="gate") | ~Q(gate_outcome="hard_stop"),
                name="dosing_hard_stop_never_ready",
            ),
        ]

    def __str__(self) -> str:
        return f"dosing session {self.pk} ({self.status})"


class GateOverride(models.Model):
    """A prescriber's decision to dose despite soft stops: who, when, why, and which items."""

    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="overrides")
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField()
    reason = models.TextField()
    items = models.JSONField(help_text="The ids of the soft-stop items overridden.")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="gate_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"gate override {self.pk}"
