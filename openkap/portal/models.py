"""The patient portal: patients' own accounts, the invitations that create them, and pre-screen leads."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openkap.accounts.models import Clinic
from openkap.patients.models import Patient


class PortalAccount(models.Model):
    """Links a patient's own sign-in (a User of kind "patient") to exactly one patient record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account"
    )
    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="portal_account")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"portal account {self.pk}"


class PortalInvitation(models.Model):
    """A one-time, expiring link on which a patient sets their portal password.

    Only the SHA-256 of the token is kept: someone reading the database cannot use a pending link.
    """

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="portal_invitations"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # A newer invitation for the same patient replaces this one.
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    CLOSED = "closed", "Closed"


class LeadDecision(models.TextChoices):
    # The eligibility engine's three answers (openkap/clinical/eligibility.py).
    ELIGIBLE = "eligible", "Nothing rules out a first appointment"
    NEEDS_REVIEW = "needs_review", "Clinician must talk with them first"
    INELIGIBLE = "ineligible", "Likely exclusion"


class Lead(models.Model):
    """Someone who filled in the public pre-screen and asked a clinic to contact them.

    Not a patient yet: the answers are self-reported, unverified, and kept as given with the
    engine's result and the rule-pack version that produced it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="leads")
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    consent_to_contact = models.BooleanField()
    answers = models.JSONField(default=dict, blank=True)
    # What the engine was given (after the plain-language answers were mapped), for the clinician.
    engine_input = models.JSONField(default=dict, blank=True)
    decision = models.CharField(max_length=16, choices=LeadDecision.choices)
    findings = models.JSONField(default=list, blank=True)
    rule_pack = models.CharField(max_length=64)
    # The person said they have thoughts of ending their life: the clinic should call promptly.
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "status", "created_at"])]

    def __str__(self) -> str:
        return f"lead {self.pk}"
