from __future__ import annotations

import zoneinfo
from functools import cached_property
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Organisation(models.Model):
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Clinic(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="clinics")
    name = models.CharField(max_length=200)
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    # A clinic may shorten or lengthen the idle time-out within 5-30 minutes (security.md §8).
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(5), MaxValueValidator(30)]
    )
    mrn_prefix = models.CharField(
        max_length=8,
        validators=[RegexValidator(r"^[A-Z]{1,8}$", "Use 1 to 8 capital letters.")],
        help_text="Prefix of medical record numbers made here.",
    )
    # Where the clinic is and how to reach it: calendar entries, the REMS Patient Monitoring Form
    # (healthcare setting name, address, city, state, ZIP) and printed documents.
    address_line = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField("ZIP / postal code", max_length=20, blank=True)
    phone = models.CharField("telephone", max_length=40, blank=True)
    # Optimistic concurrency for the settings page, as for patients.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="clinic_unique_name"),
            models.UniqueConstraint(fields=["mrn_prefix"], name="clinic_unique_mrn_prefix"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_address(self) -> str:
        """The address on one line, as far as it is known ("" when none is recorded)."""
        town = " ".join(part for part in (self.state, self.postal_code) if part)
        return ", ".join(part for part in (self.address_line, self.city, town) if part)


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"
    BILLING = "billing", "Billing"
    CLINIC_ADMIN = "clinic_admin", "Clinic administrator"


class User(AbstractUser):
    """A person who signs in. Staff reach clinics through memberships; patients use the portal."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        PATIENT = "patient", "Patient"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STAFF)
    # Set by `openkap demo` only: these accounts may show their one-time code in demo mode.
    is_demo_account = models.BooleanField(default=False)
    credentials = models.CharField(max_length=40, blank=True, help_text="e.g. MD, NP, RN, LCSW")

    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name

    @cached_property
    def _clinic_roles(self) -> frozenset[tuple[int, str]]:
        # Read once per user object (one request): permission checks ask many times per page.
        return frozenset(self.memberships.values_list("clinic_id", "role"))

    def forget_memberships(self) -> None:
        """Drop the cached memberships after they were changed through this object."""
        self.__dict__.pop("_clinic_roles", None)

    def clinic_ids(self) -> set[int]:
        return {clinic_id for clinic_id, _ in self._clinic_roles}

    def roles_in(self, clinic_id: int) -> set[str]:
        return {role for cid, role in self._clinic_roles if cid == clinic_id}

    def has_role(self, clinic_id: int, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles_in(clinic_id) & set(roles))


class Membership(models.Model):
    """One role of one user in one clinic. A user may hold several roles, in several clinics."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "clinic", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.clinic}"
