"""Dosing sessions: one per dosing appointment, from the BEFORE gate (the checks before the dose,
their result and any prescriber override) through the dose, the monitored session (vitals, ratings,
side effects, interventions, pauses, notes), discharge and the signature that locks the chart.

Chart entries are append-only rows, one per observation, so two clinicians charting at once add to
the session without ever overwriting each other; each carries the client's id for the entry, so a
save retried after a lost answer is recorded once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient


class SessionStatus(models.TextChoices):
    GATE = "gate", "Before the dose: gate"
    READY = "ready", "Ready to dose"
    IN_PROGRESS = "in_progress", "In progress"
    DISCHARGED = "discharged", "Discharged: to sign"
    SIGNED = "signed", "Signed"


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
    # The dose the prescriber confirmed: the calculation as the core returned it (rule, source,
    # inputs, result), the reason when it differs from the last session's, and the lot drawn from.
    dose_mg = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    dose_calculation = models.JSONField(default=dict, blank=True)
    dose_change_rationale = models.TextField(blank=True)
    dose_confirmed_at = models.DateTimeField(null=True, blank=True)
    dose_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lot = models.ForeignKey(
        "inventory.Lot", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ledger_entry = models.OneToOneField(
        "inventory.LedgerEntry",
        on_delete=models.PROTECT,
        related_name="dosing_session",
        null=True,
        blank=True,
    )
    # When dosing started (infusion start, first device, tablet given) and ended.
    dose_started_at = models.DateTimeField(null=True, blank=True)
    dose_ended_at = models.DateTimeField(null=True, blank=True)
    # AFTER: each discharge criterion with its answer, the aftercare given, and when the patient left.
    discharge_items = models.JSONField(default=list, blank=True)
    aftercare_given = models.BooleanField(default=False)
    escort_present = models.CharField(max_length=200, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
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
            # A signed chart names who signed it and when.
            models.CheckConstraint(
                condition=~Q(status="signed")
                | (Q(signed_at__isnull=False) & Q(signed_by__isnull=False)),
                name="dosing_signed_has_signer",
            ),
        ]
        indexes = [
            # The dosed sessions with what the safety report groups and filters them by, so it
            # reads them from the index alone, in id order (openkap/reports/selectors.py).
            models.Index(
                fields=["id", "plan", "protocol_id", "dose_started_at", "patient"],
                condition=Q(dose_started_at__isnull=False),
                name="dosing_session_dosed_idx",
            )
        ]

    def __str__(self) -> str:
        return f"dosing session {self.pk} ({self.status})"

    @property
    def is_signed(self) -> bool:
        return self.status == SessionStatus.SIGNED

    @property
    def session_ref(self) -> str:
        """How the controlled-substance ledger names this session."""
        return f"dosing-session-{self.pk}"


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


class ChartEntry(models.Model):
    """One observation or act during the session. Append-only: a wrong entry is corrected by a
    later entry (or, once signed, an addendum), never edited."""

    class Kind(models.TextChoices):
        VITALS = "vitals", "Vital signs"
        SEDATION = "sedation", "Sedation (MOAA/S)"
        DISSOCIATION = "dissociation", "Dissociation rating"
        SIDE_EFFECT = "side_effect", "Side effect"
        INTERVENTION = "intervention", "Intervention"
        DOSE_START = "dose_start", "Dosing started"
        DOSE_END = "dose_end", "Dosing completed"
        PAUSE = "pause", "Infusion paused"
        RESUME = "resume", "Infusion resumed"
        STOP = "stop", "Dosing stopped early"
        NOTE = "note", "Note"

    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The clinical time of the observation (may be a little before it was typed in).
    observed_at = models.DateTimeField()
    # Vital signs (any may be missing from a set, not all together).
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    # A rating (MOAA/S 0-5, dissociation 0-4), a side effect's term and severity.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    term = models.CharField(max_length=64, blank=True)
    severity = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    # The limits this entry crossed, as the core reported them when it was saved.
    alerts = models.JSONField(default=list, blank=True)
    entered_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The id the browser gave the entry: a retried save is recognised and recorded once.
    client_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["observed_at", "pk"]
        indexes = [models.Index(fields=["session", "observed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.observed_at:%H:%M}"

    @property
    def has_alert(self) -> bool:
        return bool(self.alerts)


class SessionAddendum(models.Model):
    """A correction or addition after signing, with its reason; the signed chart stays as it was."""

    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT, related_name="addenda")
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    text = models.TextField()

    class Meta:
        ordering = ["written_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="session_addendum_has_reason"),
            models.CheckConstraint(condition=~Q(text=""), name="session_addendum_has_text"),
        ]

    def __str__(self) -> str:
        return f"addendum {self.pk} to session {self.session_id}"
