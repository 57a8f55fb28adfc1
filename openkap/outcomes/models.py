"""Questionnaires given to a patient (assignments), suicide-risk alerts raised by answers, and the
prescriber's maintenance decisions after a relapse. The completed questionnaires themselves are
``screening.QuestionnaireResponse`` rows, so everything that reads questionnaires sees them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient
from openkap.screening.models import QuestionnaireResponse


class Reason(models.TextChoices):
    BEFORE_DOSING = "before_dosing", "Before a dosing session"
    DAY_AFTER = "day_after", "The day after a dosing session"
    WEEKLY = "weekly", "Weekly check-in"
    REASSESSMENT = "reassessment", "Reassessment"
    CLINICIAN = "clinician", "Given by the clinic"


class QuestionnaireAssignment(models.Model):
    """One questionnaire the patient is asked to complete by a time."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_assignments"
    )
    plan = models.ForeignKey(
        "plans.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appointment = models.ForeignKey(
        "plans.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    instrument_id = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # The administration that answered it: one PHQ-9 answers every PHQ-9 open at that moment.
    response = models.ForeignKey(
        QuestionnaireResponse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Taken back, unanswered, because its appointment moved (a new one is due at the new time) or
    # was cancelled. Kept, not deleted: the patient may have been reminded of it.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Scheduling again from the same plan adds nothing twice.
            models.UniqueConstraint(
                fields=["patient", "instrument_id", "due_at"],
                name="assignment_one_per_instrument_and_time",
            ),
        ]
        indexes = [models.Index(fields=["patient", "due_at"])]
        ordering = ["due_at", "pk"]

    def __str__(self) -> str:
        return f"{self.instrument_id} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_done(self) -> bool:
        return self.response_id is not None

    @property
    def instrument_label(self) -> str:
        from openkap.clinical import instruments

        try:
            return instruments.instrument(self.instrument_id).abbreviation
        except instruments.AnswerError:
            return self.instrument_id


class SuicideRiskAlert(models.Model):
    """Raised the moment a completed questionnaire carries the "suicide_risk" flag; open until a
    clinician acknowledges it and records what was done."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="suicide_risk_alert"
    )
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | (
                    Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                    & ~Q(action_taken="")
                ),
                name="alert_acknowledged_with_action",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_open_by_clinic",
            )
        ]

    def __str__(self) -> str:
        return f"Suicide-risk alert {self.pk}"


class MaintenanceChoice(models.TextChoices):
    CONTINUE = "continue", "Continue the current maintenance schedule"
    INCREASE = "increase", "Increase the dosing frequency"
    REINDUCTION = "reinduction", "Restart with an induction course"
    STOP = "stop", "Stop ketamine treatment"
    OTHER = "other", "Other (described in the reason)"


class MaintenanceDecision(models.Model):
    """The prescriber's decision after a relapse was detected on one instrument. Appended, never
    changed; the latest one answers the prompt for the relapse it names."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    instrument_id = models.CharField(max_length=20)
    # The administration at which the relapse was detected.
    relapse_response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=MaintenanceChoice.choices)
    reason = models.TextField()
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="maintenance_has_reason"),
        ]
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"Maintenance decision {self.pk}"
