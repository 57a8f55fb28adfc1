from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CREATE = "create", "Create"
    READ = "read", "Read"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    EXPORT = "export", "Export"
    LOGIN = "login", "Sign-in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOCKED_OUT = "locked_out", "Locked out"
    LOGOUT = "logout", "Sign-out"
    SESSION_EXPIRED = "session_expired", "Session expired"
    MFA_ENROLLED = "mfa_enrolled", "MFA device enrolled"
    ACCESS_DENIED = "access_denied", "Access denied"
    EMERGENCY_ACCESS = "emergency_access", "Emergency access (break-glass)"


class Category(models.TextChoices):
    """The kind of data touched (ASTM E2147 §7.1.9: specific enough to tell sensitive categories)."""

    DEMOGRAPHICS = "demographics", "Demographics"
    PATIENT_LIST = "patient_list", "Patient list"
    SUPPORT_PERSONS = "support_persons", "Support persons"
    ACCOUNT = "account", "Account"
    STAFF = "staff", "Staff and roles"
    CLINIC_SETTINGS = "clinic_settings", "Clinic settings"
    AUDIT_LOG = "audit_log", "Audit log"
    ACCESS_CONTROL = "access_control", "Access control"
    PORTAL_ACCOUNT = "portal_account", "Portal account"
    CONSENT = "consent", "Informed consent"
    LEADS = "leads", "Pre-screen leads"
    SCREENING = "screening", "Intake and screening"
    PLANS = "plans", "Treatment plans and schedule"
    CONTROLLED_SUBSTANCES = "controlled_substances", "Controlled substances"
    DOSING = "dosing", "Dosing sessions"
    REMS = "rems", "Esketamine REMS forms"
    OUTCOMES = "outcomes", "Questionnaires and outcomes"
    SUICIDE_RISK = "suicide_risk", "Suicide-risk alerts"
    INTEGRATION = "integration", "Integration sessions"
    # Kept apart from the chart (HIPAA's psychotherapy notes): its own category in the trail.
    PSYCHOTHERAPY_NOTES = "psychotherapy_notes", "Psychotherapy notes"
    SAFETY = "safety", "Adverse events and long-term monitoring"
    REPORTS = "reports", "Reports and exports"
    BILLING = "billing", "Costs, estimates, charges and payments"
    QUALITY = "quality", "Clinic quality and compliance"
    AT_HOME = "at_home", "At-home programme"


GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One append-only, hash-chained row. Never updated or deleted (a PostgreSQL trigger refuses it)."""

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    clinic = models.ForeignKey(
        "accounts.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    category = models.CharField(max_length=32, choices=Category.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    # Names of fields and counts, never the values of patient data.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "occurred_at"]),
            models.Index(fields=["patient", "occurred_at"]),
            models.Index(fields=["user", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.category}"
