"""Intake data (the patient's problems, medications, allergies, measurements, substance use, pregnancy
status and baseline questionnaires) and the screening decision built from it.

Intake rows describe the patient now and may be added or removed; a Screening is a decision taken at
one moment: it stores the exact engine input, the engine's answer and the rule-pack version, and once
signed it never changes again (corrections are addenda). The database refuses changes to a signed
screening and to addenda (migration 0002), as the services do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openkap.patients.models import Patient


class ProblemStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    RESOLVED = "resolved", "Resolved"


class Problem(models.Model):
    """A medical or psychiatric condition, coded in ICD-10-CM."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="problems")
    code = models.CharField("ICD-10-CM code", max_length=8)
    description = models.CharField(max_length=300)
    onset = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Medication(models.Model):
    """A medication the patient takes now, by generic name."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField("generic name", max_length=120)
    dose = models.CharField(max_length=80, blank=True, help_text="e.g. 20 mg")
    frequency = models.CharField(max_length=80, blank=True, help_text="e.g. once daily")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return " ".join(part for part in (self.name, self.dose, self.frequency) if part)


class Allergy(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return self.substance


class Measurement(models.Model):
    """Weight, height and vitals taken at one time; any of them may be missing from a reading."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measurements")
    taken_at = models.DateTimeField()
    weight_kg = models.DecimalField(
        "weight (kg)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    height_cm = models.DecimalField(
        "height (cm)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    systolic = models.PositiveSmallIntegerField("systolic (mmHg)", null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField("diastolic (mmHg)", null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField("heart rate (/min)", null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2 (%)", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "taken_at"])]

    def __str__(self) -> str:
        return f"Measurement {self.pk} at {self.taken_at:%Y-%m-%d %H:%M}"


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", "Alcohol"
    CANNABIS = "cannabis", "Cannabis"
    STIMULANTS = "stimulants", "Stimulants (cocaine, amphetamines)"
    OPIOIDS = "opioids", "Opioids (not as prescribed)"
    DISSOCIATIVES = "dissociatives", "Ketamine or other dissociatives"
    OTHER = "other", "Other substances"


class UseFrequency(models.TextChoices):
    NEVER = "never", "Never"
    PAST = "past", "In the past, not in the last 12 months"
    LESS_THAN_MONTHLY = "less_than_monthly", "Less than monthly"
    MONTHLY = "monthly", "Monthly"
    WEEKLY = "weekly", "Weekly"
    DAILY = "daily", "Daily or almost daily"


class SubstanceUse(models.Model):
    """How often the patient uses a substance and when they last did; one row per substance."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="substance_uses")
    substance = models.CharField(max_length=20, choices=Substance.choices)
    frequency = models.CharField(max_length=20, choices=UseFrequency.choices)
    last_use = models.DateField("last use", null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "substance"], name="substance_use_one_per_substance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_substance_display()}: {self.get_frequency_display()}"


class PregnancyStatus(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    NOT_PREGNANT = "not_pregnant", "Not pregnant"
    PREGNANT = "pregnant", "Pregnant"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ReproductiveStatus(models.Model):
    """Pregnancy and breastfeeding, as last recorded; edited with a version like patients."""

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="reproductive_status"
    )
    pregnancy = models.CharField(max_length=20, choices=PregnancyStatus.choices, blank=True)
    breastfeeding = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_pregnancy_display()}, breastfeeding: {self.breastfeeding}"


class QuestionnaireResponse(models.Model):
    """One completed instrument: the answers as given and the score the clinical core computed."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    instrument_id = models.CharField(max_length=20)
    instrument_name = models.CharField(max_length=120)
    answers = models.JSONField()
    total = models.IntegerField(null=True, blank=True)
    severity = models.CharField(max_length=40, blank=True)
    flags = models.JSONField(default=list, blank=True)
    score = models.JSONField(help_text="The scorer's whole result, as it returned it.")
    completed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            # A patient's series in order; with id and total in it, the outcomes report reads
            # every series from the index alone (openkap/reports/selectors.py).
            models.Index(
                fields=["patient", "instrument_id", "completed_at", "id", "total"],
                name="questionnaire_series_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_name} {self.completed_at:%Y-%m-%d}: {self.total}"

    @property
    def suicide_risk(self) -> bool:
        return "suicide_risk" in (self.flags or [])


class Decision(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NEEDS_REVIEW = "needs_review", "Needs prescriber review"
    INELIGIBLE = "ineligible", "Ineligible"


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", "Draft, awaiting the prescriber"
    SIGNED = "signed", "Signed"


class Route(models.TextChoices):
    # The values the eligibility engine takes (its input contract); labels for people.
    IV = "iv", "IV infusion"
    IM = "im", "Intramuscular"
    SUBLINGUAL = "sublingual", "Sublingual"
    ORAL = "oral", "Oral"
    INTRANASAL_ESKETAMINE = "intranasal_esketamine", "Intranasal esketamine"
    SUBCUTANEOUS = "subcutaneous", "Subcutaneous"


class Setting(models.TextChoices):
    IN_OFFICE = "in_office", "In office"
    AT_HOME = "at_home", "At home"


class Screening(models.Model):
    """The eligibility decision for one patient at one time. Draft until a prescriber signs it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    status = models.CharField(
        max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT
    )
    route = models.CharField(max_length=24, choices=Route.choices, blank=True)
    setting = models.CharField(max_length=12, choices=Setting.choices, blank=True)

    # What the engine was given and what it answered, exactly.
    engine_input = models.JSONField()
    engine_output = models.JSONField()
    engine_decision = models.CharField(max_length=16, choices=Decision.choices)
    findings = models.JSONField(default=list, blank=True)
    rule_pack = models.CharField("rule-pack version", max_length=80)
    evaluated_at = models.DateTimeField()
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # The prescriber's decision, set when signing.
    final_decision = models.CharField(max_length=16, choices=Decision.choices, blank=True)
    overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            # One draft at a time per patient: re-evaluating refreshes it, never a second one.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="draft"),
                name="screening_one_draft_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(signed_at__isnull=False, signed_by__isnull=False)
                    & Q(final_decision__in=["eligible", "ineligible"])
                ),
                name="screening_signed_has_signer_and_decision",
            ),
        ]
        indexes = [models.Index(fields=["patient", "created_at"])]

    def __str__(self) -> str:
        return f"Screening {self.pk} ({self.status})"

    @property
    def is_signed(self) -> bool:
        return self.status == ScreeningStatus.SIGNED


class ScreeningAddendum(models.Model):
    """A signed correction or addition to a signed screening; appended, never changed."""

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    reason = models.CharField(max_length=300)
    signed_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["signed_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum {self.pk} to screening {self.screening_id}"
