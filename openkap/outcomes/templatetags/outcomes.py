"""The chart's link to the patient's outcomes, with the open alerts and assignments counted."""

from __future__ import annotations

from typing import Any

from django import template

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.outcomes.models import QuestionnaireAssignment, SuicideRiskAlert
from openkap.patients.models import Patient

register = template.Library()


@register.inclusion_tag("outcomes/_chart_link.html", takes_context=True)
def outcomes_link(context: template.Context, patient: Patient) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user_can(
        user, Permission.OUTCOMES_VIEW, patient.clinic_id
    ):
        return {"visible": False}
    return {
        "visible": True,
        "patient": patient,
        "alerts": SuicideRiskAlert.objects.filter(
            patient=patient, acknowledged_at__isnull=True
        ).count(),
        "open": QuestionnaireAssignment.objects.filter(
            patient=patient, response__isnull=True, withdrawn_at__isnull=True
        ).count(),
    }
