"""The data the clinic quality self-audit needs that no other app keeps: staff licences and
certificates with their expiry, the emergency drills held, and the clinic's esketamine REMS
healthcare-setting certification. (The DEA registration is openkap.inventory's DeaRegistration.)

Licences and drills are edited with a version check and retired rather than deleted, so the audit
trail and the page's history keep what was recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CredentialKind(models.TextChoices):
    # The same values as openkap.clinical.quality.CREDENTIAL_KINDS (a test keeps them equal).
    MEDICAL_LICENCE = "medical_licence", "Medical licence (MD, DO, NP, PA)"
    NURSING_LICENCE = "nursing_licence", "Nursing licence (RN, LPN)"
    MENTAL_HEALTH_LICENCE = (
        "mental_health_licence",
        "Mental-health licence (LCSW, LPC, LMFT, psychologist)",
    )
    DEA_PRACTITIONER = "dea_practitioner", "DEA practitioner registration"
    ACLS = "acls", "ACLS (advanced cardiovascular life support)"
    BLS = "bls", "BLS (basic life support)"
    REMS_ENROLMENT = "rems_enrolment", "REMS enrolment (prescriber or pharmacy), if applicable"
    OTHER = "other", "Other licence or certificate"


class DrillScenario(models.TextChoices):
    AIRWAY = "airway", "Airway / respiratory depression"
    HYPERTENSIVE_CRISIS = "hypertensive_crisis", "Hypertensive crisis"
    SEVERE_AGITATION = "severe_agitation", "Severe agitation or emergence reaction"
    EVACUATION = "evacuation", "Fire / evacuation"
    OTHER = "other", "Other"


class StaffCredential(models.Model):
    """One licence or certificate of one staff member, as recorded by the clinic administrator."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials_held"
    )
    kind = models.CharField(max_length=24, choices=CredentialKind.choices)
    title = models.CharField(
        "credential", max_length=40, blank=True, help_text="e.g. MD, NP, RN, LCSW, LPC, PsyD."
    )
    number = models.CharField("licence or certificate number", max_length=60)
    issuer = models.CharField(
        "issuing state or body",
        max_length=120,
        help_text="e.g. NY State Education Department, AHA.",
    )
    issued_on = models.DateField("issued on", null=True, blank=True)
    expires_on = models.DateField("expires on")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # No longer counted (superseded, entered in error, person left), kept for the record.
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__lte=F("expires_on")),
                name="quality_credential_issued_before_expiry",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "holder"])]
        ordering = ["expires_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class EmergencyDrill(models.Model):
    """An emergency drill the clinic held: when, what scenario, who took part, what was found."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("held on")
    scenario = models.CharField(max_length=24, choices=DrillScenario.choices)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    other_participants = models.CharField(
        "other participants", max_length=300, blank=True, help_text="People without an account."
    )
    findings = models.TextField()
    follow_up = models.TextField("follow-up", blank=True)
    follow_up_done = models.BooleanField("follow-up done", default=False)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(findings=""), name="quality_drill_has_findings"),
        ]
        indexes = [models.Index(fields=["clinic", "held_on"])]
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_scenario_display()} drill on {self.held_on}"


class RemsCertification(models.Model):
    """The clinic's SPRAVATO REMS healthcare-setting certification (needed when it gives
    esketamine)."""

    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="rems_certification"
    )
    certified = models.BooleanField(default=False)
    number = models.CharField("REMS certification number", max_length=60, blank=True)
    certified_on = models.DateField("certified on", null=True, blank=True)
    authorized_representative = models.CharField(max_length=200, blank=True)
    dispenses = models.BooleanField(
        "the setting dispenses esketamine itself",
        default=False,
        help_text="Bought in bulk from a REMS-qualified distributor rather than filled per "
        "patient by a certified pharmacy.",
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(certified=False) | (~Q(number="") & Q(certified_on__isnull=False)),
                name="quality_rems_certified_has_number_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"REMS certification of clinic {self.clinic_id}"
