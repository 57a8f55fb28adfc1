from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def lookup_label(form: forms.BaseForm, name: str) -> str:
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name.replace("_", " ")
