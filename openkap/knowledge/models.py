from __future__ import annotations

from django.conf import settings
from django.db import models

from openkap.accounts.models import Clinic


class ClinicRules(models.Model):
    """One published version of a clinic's local rules (TOML laid over the bundled rule pack).

    Versions are never edited: a change publishes the next version, and the newest one is in force.
    The core refuses any local rule that would loosen the pack."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="rule_versions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    reason = models.CharField(max_length=500)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "version"], name="clinic_rules_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} local rules v{self.version}"
