"""Adverse events: in a session (linked to the side effect charted and to the dose) or reported
later by the patient or a clinician. The terms and severity grades are the session chart's
(openkap/clinical/knowledge/dosing/session.toml), so the safety report counts one vocabulary."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient


class EventSource(models.TextChoices):
    SESSION = "session", "Charted in the session"
    PATIENT = "patient", "Reported by the patient"
    CLINICIAN = "clinician", "Reported to a clinician later"


class EventOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    RESOLVING = "resolving", "Resolving"
    NOT_RESOLVED = "not_resolved", "Not resolved"
    RESOLVED_WITH_SEQUELAE = "sequelae", "Resolved with sequelae"
    FATAL = "fatal", "Fatal"
    UNKNOWN = "unknown", "Unknown"


class AdverseEvent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    # The session and its dose it followed (None: not linked to a session, e.g. between sessions).
    session = models.ForeignKey(
        "dosing.DosingSession",
        on_delete=models.PROTECT,
        related_name="adverse_events",
        null=True,
        blank=True,
    )
    # The side-effect entry of the chart it comes from, when charted in the session.
    chart_entry = models.OneToOneField(
        "dosing.ChartEntry",
        on_delete=models.PROTECT,
        related_name="adverse_event",
        null=True,
        blank=True,
    )
    source = models.CharField(max_length=12, choices=EventSource.choices)
    term = models.CharField(max_length=64, help_text="A side-effect term of the session data.")
    severity = models.CharField(max_length=16, help_text="A severity grade of the session data.")
    serious = models.BooleanField(default=False)
    serious_reason = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=12, choices=EventOutcome.choices, default=EventOutcome.UNKNOWN
    )
    onset_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    reported_at = models.DateTimeField()
    # Staff who recorded it; None when the patient reported it in the portal.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "onset_at"]),
            models.Index(fields=["session", "term"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(serious=True) | ~Q(serious_reason=""),
                name="adverse_event_serious_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(source="session") | Q(session__isnull=False),
                name="adverse_event_in_session_has_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.severity}) {self.onset_at:%Y-%m-%d}"

    @property
    def awaiting_review(self) -> bool:
        """Reported by the patient and not yet saved by a clinician (graded, coded)."""
        return self.source == EventSource.PATIENT and self.version == 1


# --- Long-term monitoring for repeated dosing ------------------------------------------------------
# The checks (bladder, liver, cognition) and their default cadence are knowledge data
# (openkap/clinical/knowledge/safety/monitoring.toml, read by openkap.clinical.monitoring).


class MonitoringCadence(models.Model):
    """A clinic's own interval for one check; without a row the knowledge file's default holds."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="monitoring_cadences"
    )
    check_id = models.CharField("check", max_length=32)
    interval_days = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "check_id"], name="cadence_one_per_check"),
        ]

    def __str__(self) -> str:
        return f"{self.check_id} every {self.interval_days} days"


class ScreenResult(models.TextChoices):
    NORMAL = "normal", "Normal / negative screen"
    ABNORMAL = "abnormal", "Abnormal / positive screen: clinician review"
    NOT_DONE = "not_done", "Not done (declined or could not be done)"


class MonitoringResult(models.Model):
    """One check done: when, its result, and what it was (a score, the lab values)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="monitoring_results"
    )
    check_id = models.CharField("check", max_length=32)
    performed_on = models.DateField()
    result = models.CharField(max_length=10, choices=ScreenResult.choices)
    value = models.CharField(
        max_length=200,
        blank=True,
        help_text="The score or values, e.g. 'BPIC-SS 6' or 'ALT 32 U/L'.",
    )
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "check_id", "performed_on"])]

    def __str__(self) -> str:
        return f"{self.check_id} {self.performed_on:%Y-%m-%d}: {self.result}"


class MonitoringReminder(models.Model):
    """A reminder sent for one due check (patient, check, due day): sent once, however often the
    reminder command runs."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    check_id = models.CharField(max_length=32)
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "check_id", "due_on"], name="reminder_once_per_due_check"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.check_id} due {self.due_on:%Y-%m-%d}"
