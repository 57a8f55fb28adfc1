"""Treatment plans, their appointments, and the secret-token calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient
from openkap.screening.models import Route, Setting


class Psychotherapy(models.TextChoices):
    # The modalities the seeds name.
    CBT = "cbt", "Cognitive behavioural therapy (CBT)"
    MINDFULNESS = "mindfulness", "Mindfulness-based"
    MOTIVATIONAL = "motivational", "Motivational enhancement"
    EXPOSURE = "exposure", "Exposure"
    EXISTENTIAL = "existential", "Existential"
    FUNCTIONAL_ANALYTIC = "functional_analytic", "Functional analytic"
    NONE = "none", "None"


class Format(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class TreatmentPlan(models.Model):
    """One course of treatment. Written as a draft, signed and activated by a prescriber (which
    generates its appointments), then completed or stopped with a reason. An active plan's terms are
    not edited: a different course is a new plan."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plans")
    # The signed, eligible screening the plan rests on.
    screening = models.ForeignKey(
        "screening.Screening", on_delete=models.PROTECT, related_name="plans"
    )
    indication_code = models.CharField("indication (ICD-10-CM)", max_length=10)
    route = models.CharField(max_length=24, choices=Route.choices)
    setting = models.CharField(max_length=12, choices=Setting.choices)
    psychotherapy = models.CharField(
        "psychotherapy modality", max_length=24, choices=Psychotherapy.choices
    )
    format = models.CharField("individual or group", max_length=12, choices=Format.choices)
    protocol_id = models.CharField("protocol", max_length=64)
    protocol_name = models.CharField(max_length=200)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    stop_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            # One open course at a time: a second would double-book the patient.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["draft", "active"]),
                name="plan_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=~Q(route="intranasal_esketamine") | Q(setting="in_office"),
                name="plan_esketamine_in_office",
            ),
            models.CheckConstraint(
                condition=~Q(status="stopped") | ~Q(stop_reason=""),
                name="plan_stopped_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"plan {self.pk} ({self.status})"


class AppointmentKind(models.TextChoices):
    PREPARATION = "preparation", "Preparation session"
    DOSING = "dosing", "Dosing session"
    INTEGRATION = "integration", "Integration session"
    REASSESSMENT = "reassessment", "Reassessment"


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    MOVED = "moved", "Moved"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    MISSED = "missed", "Missed"


# Appointments still to happen (shown on calendars, may be moved or cancelled).
OPEN_STATUSES = (AppointmentStatus.SCHEDULED, AppointmentStatus.MOVED)


class Appointment(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)
    label = models.CharField(max_length=200)
    # Which dose a dosing session gives, and which dose an integration session follows.
    dose_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # The protocol's day (0 = the plan's start date) this appointment was generated for.
    protocol_day = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.SCHEDULED
    )
    status_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="appointment_positive_duration"
            ),
        ]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["clinician", "starts_at"]),
            models.Index(fields=["patient", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class FeedOwner(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    PATIENT = "patient", "Patient"


class CalendarFeed(models.Model):
    """A subscribable iCal feed. The URL carries a random token; only its SHA-256 is stored, so a
    database copy does not open anyone's calendar. Regenerating revokes the previous token."""

    owner = models.CharField(max_length=10, choices=FeedOwner.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner="clinician", user__isnull=False, patient__isnull=True))
                | Q(owner="patient", patient__isnull=False, user__isnull=True),
                name="feed_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "clinic"],
                condition=Q(revoked_at__isnull=True, owner="clinician"),
                name="feed_one_live_per_clinician",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(revoked_at__isnull=True, owner="patient"),
                name="feed_one_live_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} feed {self.pk}"
