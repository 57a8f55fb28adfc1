"""The REMS form's web forms: the fields (built from the knowledge file), sign-off, submission."""

from __future__ import annotations

from typing import Any

from django import forms

from openkap.clinical.rems import SEX_CHOICES, RemsField, rems_form_spec
from openkap.rems.models import SubmissionMethod

YES_NO = (("", "Not answered"), ("yes", "Yes"), ("no", "No"))


def as_text(value: object) -> str:
    """A stored value as the form shows it."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def _form_field(item: RemsField) -> forms.Field:
    # Not required here: a draft may be saved incomplete; sign-off names what is missing.
    common: dict[str, Any] = {"label": item.label, "required": False}
    if item.kind == "yes_no":
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    if item.kind == "sex":
        return forms.ChoiceField(choices=(("", "Not answered"), *SEX_CHOICES), **common)
    if item.kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if item.kind == "integer":
        return forms.CharField(
            widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            **common,
        )
    return forms.CharField(max_length=200, **common)


class RemsFieldsForm(forms.Form):
    """Every field of the form, as text; the service parses and checks each value."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in rems_form_spec().fields:
            self.fields[item.id] = _form_field(item)
        # Sign-off happens from the same form, so nothing typed is left unsaved when signing.
        self.fields["password"] = forms.CharField(
            label="Your password (to sign off)",
            required=False,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        )

    def answers(self) -> dict[str, str]:
        return {item.id: self.cleaned_data.get(item.id) or "" for item in rems_form_spec().fields}


class SubmissionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    submitted_on = forms.DateField(
        label="Date submitted", widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(
        label="How", choices=SubmissionMethod.choices, widget=forms.RadioSelect
    )
    confirmation_reference = forms.CharField(
        label="Confirmation reference",
        max_length=100,
        required=False,
        help_text="The confirmation the REMS portal gave (required online); for a fax, the "
        "transmission report's reference if there is one.",
    )
