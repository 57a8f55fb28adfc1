"""The chart's "Treatment plan" panel and small template helpers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.clinical.icd10 import icd10_description
from openkap.patients.models import Patient
from openkap.plans import selectors
from openkap.plans.models import OPEN_STATUSES

register = template.Library()

PANEL_UPCOMING = 5


@register.filter
def indication(code: str) -> str:
    description = icd10_description(str(code))
    return f"{code} {description}" if description else str(code)


@register.inclusion_tag("plans/_chart_panel.html", takes_context=True)
def plans_panel(context: template.Context, patient: Patient) -> dict[str, Any]:
    """The open plan and the next appointments, for those who may see the schedule (read with the
    chart's own audit row, as the other panels of the chart are)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user_can(
        user, Permission.SCHEDULE_VIEW, patient.clinic_id
    ):
        return {"visible": False}
    can_view_plan = user_can(user, Permission.PLAN_VIEW, patient.clinic_id)
    upcoming = list(
        selectors.appointments_for(patient).filter(
            status__in=OPEN_STATUSES, starts_at__gte=timezone.now()
        )[:PANEL_UPCOMING]
    )
    return {
        "visible": True,
        "patient": patient,
        "plan": selectors.plan_open(patient) if can_view_plan else None,
        "can_view_plan": can_view_plan,
        "can_edit_plan": user_can(user, Permission.PLAN_EDIT, patient.clinic_id),
        "upcoming": upcoming,
    }
