"""Showing consent text (a small, safe markup) and the consent panel of the patient chart."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.consent.selectors import consent_status
from openkap.patients.models import Patient

register = template.Library()


@register.filter
def consent_markup(text: str) -> SafeString:
    """Paragraphs, "## " headings and "- " lists. Everything is escaped first: no HTML gets through."""
    html: list[str] = []
    in_list = False
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        for line in lines:
            if line.startswith("- "):
                if not in_list:
                    html.append("<ul>")
                    in_list = True
                html.append(f"<li>{escape(line[2:])}</li>")
                continue
            if in_list:
                html.append("</ul>")
                in_list = False
            if line.startswith("## "):
                html.append(f"<h3>{escape(line[3:])}</h3>")
            else:
                html.append(f"<p>{escape(line)}</p>")
        if in_list:
            html.append("</ul>")
            in_list = False
    return mark_safe("".join(html))  # noqa: S308  (every piece of text above is escaped)


@register.inclusion_tag("consent/_chart_panel.html", takes_context=True)
def consent_chart_panel(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    """Consent status and the portal invitation, on the chart (read with the chart's own audit row)."""
    user = context["request"].user
    can_edit = isinstance(user, User) and user_can(user, Permission.PATIENT_EDIT, patient.clinic_id)
    status = [s for s in consent_status(patient).values() if s.offered]
    return {
        "patient": patient,
        "status": status,
        "reconsent": [s for s in status if s.state == "outdated"],
        "can_edit": can_edit,
        "has_portal": hasattr(patient, "portal_account"),
        "csrf_token": context.get("csrf_token"),
    }
