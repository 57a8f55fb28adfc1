from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models

from openkap.accounts.models import Clinic


class Sex(models.TextChoices):
    # Sex as recorded for clinical decisions (e.g. pregnancy checks); the values the screening engine takes.
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Patient(models.Model):
    # URLs carry this opaque id: never the MRN, a name or a sequential key that could be guessed.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("medical record number", max_length=20, unique=True, editable=False)

    legal_given_name = models.CharField("legal first name", max_length=100)
    legal_middle_name = models.CharField("legal middle name", max_length=100, blank=True)
    legal_family_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)

    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state", max_length=100, blank=True)
    postal_code = models.CharField("ZIP code", max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")

    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(max_length=100, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)

    insurance_payer = models.CharField("insurance payer", max_length=200, blank=True)
    insurance_member_id = models.CharField("member ID", max_length=64, blank=True)
    insurance_group_number = models.CharField("group number", max_length=64, blank=True)

    # Optimistic concurrency: every saved edit increments it; an edit based on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the system, never typed; None for records that predate it (imports), so blank is valid.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "legal_family_name", "legal_given_name"]),
            models.Index(fields=["clinic", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_name()} ({self.mrn})"

    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"

    def legal_name(self) -> str:
        parts = [self.legal_given_name, self.legal_middle_name, self.legal_family_name]
        return " ".join(p for p in parts if p)

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)


class SupportPerson(models.Model):
    """Someone the patient relies on: an escort who takes them home, a trusted person at home."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="support_persons")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    phone = models.CharField(max_length=32)
    is_escort = models.BooleanField("escort / driver home", default=False)
    is_home_support = models.BooleanField("trusted person at home", default=False)
    notes = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class EmergencyAccess(models.Model):
    """Break-glass: read access to a patient of another clinic of the organisation, for a short
    while, with a stated reason (HIPAA §164.312(a)(2)(ii); ONC §170.315(d)(6)). Never extended:
    a further need is a further grant with its own reason."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "patient", "expires_at"])]

    def __str__(self) -> str:
        return f"Emergency access to {self.patient.mrn} until {self.expires_at:%Y-%m-%d %H:%M}"
