"""A clinic's pharmacology settings: the concentration below which the predicted-concentration
estimate says "below the threshold". Without a row the knowledge file's default holds
(openkap/clinical/knowledge/pharmacology/threshold.toml): a clinical assumption, not a published
constant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PharmacologySettings(models.Model):
    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="pharmacology_settings"
    )
    threshold_ng_per_ml = models.DecimalField("threshold (ng/mL)", max_digits=7, decimal_places=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "pharmacology settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_ng_per_ml__gt=0), name="pharmacology_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"threshold {self.threshold_ng_per_ml} ng/mL"
