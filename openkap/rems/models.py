"""The esketamine REMS Patient Monitoring Form: one per esketamine dosing session.

The form's values are kept in two layers so that filling it from the chart again never loses what a
person typed: `chart_values` is what the chart said when the form was last prepared (replaced each
time), `entered_values` is what a person typed or corrected (kept). The value of a field is the
entered one if there is one, else the chart's. Sign-off freezes the values into `signed_values`;
after it nothing changes but the record of the submission. The fields themselves are data
(openkap/clinical/knowledge/rems/patient-monitoring-form.toml)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class RemsFormStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off: to submit"
    SUBMITTED = "submitted", "Submitted"


class SubmissionMethod(models.TextChoices):
    ONLINE = "online", "Online (REMS portal)"
    FAX = "fax", "Fax"


class RemsMonitoringForm(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        "dosing.DosingSession", on_delete=models.PROTECT, related_name="rems_form"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=RemsFormStatus.choices, default=RemsFormStatus.DRAFT
    )
    spec_version = models.CharField(max_length=32)
    chart_values = models.JSONField(default=dict, blank=True)
    # Why a chart value could not be filled (field id -> explanation), as of the last preparation.
    chart_notes = models.JSONField(default=dict, blank=True)
    entered_values = models.JSONField(default=dict, blank=True)
    treatment_date = models.DateField()
    due_on = models.DateField()
    prepared_at = models.DateTimeField()
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_values = models.JSONField(default=dict, blank=True)
    signed_warnings = models.JSONField(default=list, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_on = models.DateField(null=True, blank=True)
    submission_method = models.CharField(max_length=8, choices=SubmissionMethod.choices, blank=True)
    confirmation_reference = models.CharField(max_length=100, blank=True)
    submission_recorded_at = models.DateTimeField(null=True, blank=True)
    submission_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(signed_off_at__isnull=False) & Q(signed_off_by__isnull=False)),
                name="rems_signed_off_has_signer",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted")
                | (
                    Q(submitted_on__isnull=False)
                    & ~Q(submission_method="")
                    & Q(submission_recorded_by__isnull=False)
                ),
                name="rems_submitted_has_submission",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"REMS form {self.pk} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == RemsFormStatus.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == RemsFormStatus.SUBMITTED

    def values(self) -> dict[str, Any]:
        """The form's values: as signed once signed off; else what was typed over the chart's."""
        if not self.is_draft:
            return dict(self.signed_values)
        return {**self.chart_values, **self.entered_values}
