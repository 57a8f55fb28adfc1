"""Informed consent: versioned documents per clinic, and the patient's signature on one version.

A published version never changes; a signed consent never changes (a copy of the text as signed and
its SHA-256 are kept with it); a withdrawal is a row of its own. On PostgreSQL and SQLite a trigger
refuses UPDATE on all three tables (migration 0002); on PostgreSQL DELETE too.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models

from openkap.accounts.models import Clinic
from openkap.patients.models import Patient


class ConsentKind(models.TextChoices):
    KETAMINE_TREATMENT = "ketamine_treatment", "Ketamine treatment: off-label use and risks"
    NO_DRIVING = "no_driving", "No driving, machinery or big decisions until the next day"
    CONTROLLED_SUBSTANCE = "controlled_substance", "Ketamine is a controlled substance"
    ESKETAMINE_REMS = "esketamine_rems", "Esketamine (Spravato) REMS patient enrolment"
    AT_HOME = "at_home", "At-home ketamine programme"


def body_sha256(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ImmutableRow(models.Model):
    """Saved once. The database triggers are the guarantee; this catches mistakes early in Python."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError(f"A {self._meta.verbose_name} cannot be changed once saved.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ConsentDocument(ImmutableRow):
    """One published version of one kind of consent document of one clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="consent_documents")
    kind = models.CharField(max_length=32, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    # What the text rests on (label sections, guidance, the education articles), shown under it.
    basis = models.TextField()
    change_summary = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    # None when loaded from the command line (the demo, a fresh clinic's first versions).
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"], name="consent_document_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class SignedConsent(ImmutableRow):
    """A patient's signature on one document version, with the exact text they saw."""

    class Method(models.TextChoices):
        PORTAL = "portal", "In the patient portal"
        TABLET = "tablet", "On a clinic tablet"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="signed_consents")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    signed_body = models.TextField()
    signed_body_sha256 = models.CharField(max_length=64)
    typed_name = models.CharField(max_length=300)
    understood = models.BooleanField()
    method = models.CharField(max_length=8, choices=Method.choices)
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The account that was signed in: the patient's own in the portal, the staff member's on a tablet.
    signed_in_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # On a clinic tablet, the staff member who handed it over witnesses the signature.
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["patient", "kind", "signed_at"])]

    def __str__(self) -> str:
        return f"signed {self.kind} v{self.version}"

    def text_is_intact(self) -> bool:
        return body_sha256(self.signed_body) == self.signed_body_sha256


class ConsentWithdrawal(ImmutableRow):
    """The patient took back a consent they had signed. The signature itself stays as it was."""

    signed_consent = models.OneToOneField(
        SignedConsent, on_delete=models.PROTECT, related_name="withdrawal"
    )
    withdrawn_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"withdrawal of {self.signed_consent_id}"
