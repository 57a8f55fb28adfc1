"""Template helpers for intake and screening, and the chart's "Intake and screening" panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.clinical.icd10 import icd10_description
from openkap.patients.models import Patient
from openkap.screening import engine, selectors
from openkap.screening.forms import KG_PER_LB

register = template.Library()


@register.filter
def level_label(level: str) -> str:
    return engine.LEVEL_LABELS.get(str(level), str(level).capitalize())


@register.filter
def input_label(name: str) -> str:
    return engine.INPUT_LABELS.get(str(name), str(name).replace("_", " ").capitalize())


@register.filter
def as_text(value: Any) -> str:
    """A finding's input value as a person reads it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if set(value) == {"systolic", "diastolic"}:
            return f"{value['systolic']}/{value['diastolic']} mmHg"
        return "; ".join(f"{input_label(k)}: {as_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(as_text(v) for v in value) if value else "none"
    if value is None or value == "":
        return "—"
    return str(value)


@register.filter
def strength_label(strength: str) -> str:
    return str(strength).replace("_", " ") if strength else "—"


@register.filter
def codes_text(codes: Any) -> str:
    """ICD-10-CM codes with their descriptions: "I71.4 Abdominal aortic aneurysm, without rupture"."""
    if not isinstance(codes, list | tuple):
        codes = [codes]
    return "; ".join(
        f"{code} {description}" if (description := icd10_description(str(code))) else str(code)
        for code in codes
    )


@register.filter
def in_pounds(kg: Decimal | None) -> str:
    if kg is None:
        return ""
    return f"{(Decimal(kg) / KG_PER_LB).quantize(Decimal('0.1'))}"


@register.inclusion_tag("screening/_chart_panel.html", takes_context=True)
def screening_panel(context: template.Context, patient: Patient) -> dict[str, Any]:
    """The chart's intake and screening summary, for those who may read it (read with the chart's own
    audit row, as the other panels of the chart are)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user_can(
        user, Permission.SCREENING_VIEW, patient.clinic_id
    ):
        return {"visible": False}
    draft = selectors.screening_draft(patient)
    signed = selectors.screenings_signed(patient).first()
    return {
        "visible": True,
        "patient": patient,
        "draft": draft,
        "signed": signed,
        "suicide_alerts": selectors.suicide_alerts(patient),
        "can_edit": user_can(user, Permission.INTAKE_EDIT, patient.clinic_id),
    }
