"""The chart's "Safety" link: adverse events and long-term checks, for those who may see them."""

from __future__ import annotations

from typing import Any

from django import template

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.patients.models import Patient

register = template.Library()


@register.inclusion_tag("safety/_chart_link.html", takes_context=True)
def safety_link(context: template.Context, patient: Patient) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    visible = isinstance(user, User) and user_can(user, Permission.SAFETY_VIEW, patient.clinic_id)
    return {"visible": visible, "patient": patient}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """A label from a dict of labels (term, severity, check), or "" when it has none."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
