"""The chart's link to the patient's integration section."""

from __future__ import annotations

from typing import Any

from django import template

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.patients.models import Patient

register = template.Library()


@register.inclusion_tag("integration/_chart_link.html", takes_context=True)
def integration_link(context: template.Context, patient: Patient) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    visible = isinstance(user, User) and user_can(
        user, Permission.INTEGRATION_VIEW, patient.clinic_id
    )
    return {"visible": visible, "patient": patient}
