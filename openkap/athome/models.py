"""The at-home programme: doses dispensed for home use (tied to the controlled-substance ledger) and
the patient's counts of them, the check-in before each at-home session (append-only), the dose the
patient says they took, the report after the session, the care team's alerts, and the video link of
a virtual session."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient
from openkap.plans.models import Appointment, TreatmentPlan


class Method(models.TextChoices):
    SHIPPED = "shipped", "Shipped"
    HANDED = "handed", "Handed over at the clinic"


class Dispensing(models.Model):
    """Tablets or troches dispensed to a patient for home use: one ledger entry (dispensed_home)."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, related_name="+")
    ledger_entry = models.OneToOneField(
        "inventory.LedgerEntry", on_delete=models.PROTECT, related_name="home_dispensing"
    )
    units = models.PositiveSmallIntegerField("tablets or troches")
    mg_per_unit = models.DecimalField("mg per tablet or troche", max_digits=8, decimal_places=3)
    units_per_session = models.PositiveSmallIntegerField("tablets or troches per session")
    method = models.CharField(max_length=10, choices=Method.choices)
    carrier = models.CharField(max_length=60, blank=True)
    tracking = models.CharField("tracking number", max_length=60, blank=True)
    dispensed_on = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="dispensing_units_positive"),
            models.CheckConstraint(
                condition=Q(units_per_session__gt=0), name="dispensing_units_per_session_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"dispensing {self.pk}: {self.units} x {self.mg_per_unit} mg"

    @property
    def amount_mg(self) -> Decimal:
        return self.units * self.mg_per_unit


class DispensingReturn(models.Model):
    """Leftovers the patient gave back, destroyed at once (witnessed): two ledger entries."""

    dispensing = models.ForeignKey(Dispensing, on_delete=models.PROTECT, related_name="returns")
    units = models.PositiveSmallIntegerField()
    returned_entry = models.OneToOneField(
        "inventory.LedgerEntry", on_delete=models.PROTECT, related_name="+"
    )
    waste_entry = models.OneToOneField(
        "inventory.LedgerEntry", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"return of {self.units} from dispensing {self.dispensing_id}"


class CountContext(models.TextChoices):
    RECEIPT = "receipt", "On receipt"
    SESSION = "session", "At a session"


class PatientCount(models.Model):
    """The patient's count of the tablets or troches they hold, with what the record expects."""

    dispensing = models.ForeignKey(Dispensing, on_delete=models.PROTECT, related_name="counts")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    context = models.CharField(max_length=10, choices=CountContext.choices)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_units = models.PositiveSmallIntegerField()
    expected_units = models.IntegerField()
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"count {self.counted_units} (expected {self.expected_units})"

    @property
    def discrepancy(self) -> int:
        return self.counted_units - self.expected_units


class Outcome(models.TextChoices):
    PASS = "pass", "Passed"
    BLOCKED = "blocked", "Blocked"


class CheckIn(models.Model):
    """One check-in before an at-home session (append-only): the answers, each item's result and
    the outcome, with the version of the rules used."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    monitor_name = models.CharField(max_length=200, blank=True)
    answers = models.JSONField()
    items = models.JSONField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    data_version = models.CharField(max_length=32)
    protocol_id = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["appointment", "recorded_at"])]

    def __str__(self) -> str:
        return f"check-in {self.pk} ({self.outcome})"

    @property
    def failed_items(self) -> list[dict[str, str]]:
        return [item for item in self.items if item["status"] in ("fail", "missing")]


class DoseTaken(models.Model):
    """The patient's "I took my dose", after a passed check-in."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    checkin = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="dose")
    dispensing = models.ForeignKey(
        Dispensing, null=True, blank=True, on_delete=models.PROTECT, related_name="doses"
    )
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"dose taken {self.taken_at:%Y-%m-%d %H:%M}"


class HowItWent(models.TextChoices):
    WELL = "well", "It went well"
    MIXED = "mixed", "Mixed: some of it was hard"
    DIFFICULT = "difficult", "It was difficult"


class SessionReport(models.Model):
    """The patient's report after an at-home session. Side effects are AdverseEvents (safety)."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    how_it_went = models.CharField(max_length=10, choices=HowItWent.choices)
    journal = models.TextField(blank=True)
    adverse_events = models.ManyToManyField("safety.AdverseEvent", blank=True, related_name="+")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"report {self.pk} ({self.how_it_went})"


class AlertKind(models.TextChoices):
    MISSED_CHECKIN = "missed_checkin", "Missed check-in"
    BLOCKED_CHECKIN = "blocked_checkin", "Check-in blocked"
    SEVERE_SIDE_EFFECT = "severe_side_effect", "Side effect that alerts the care team"
    SUICIDE_RISK = "suicide_risk", "Suicide-risk answer"
    COUNT_MISMATCH = "count_mismatch", "Dose count does not match"


class AtHomeAlert(models.Model):
    """An alert for the care team, raised once per (kind, ref); open until acknowledged with what
    was done."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    ref = models.CharField(max_length=40, help_text="The id of what raised it.")
    reason = models.TextField()
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="athome_alert_once"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | (
                    Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)
                    & ~Q(action_taken="")
                ),
                name="athome_alert_acknowledged_with_action",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.pk}"


class VirtualVisit(models.Model):
    """The video link of a virtual (telehealth) session of an at-home plan."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="virtual_visit"
    )
    join_url = models.URLField("video link", max_length=500)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"video link for appointment {self.appointment_id}"
