"""The chart's "Costs" link, for those who may see a patient's cost estimate."""

from __future__ import annotations

from typing import Any

from django import template

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.patients.models import Patient

register = template.Library()


@register.inclusion_tag("billing/_chart_link.html", takes_context=True)
def billing_link(context: template.Context, patient: Patient) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    visible = isinstance(user, User) and user_can(user, Permission.BILLING_VIEW, patient.clinic_id)
    return {"visible": visible, "patient": patient}
