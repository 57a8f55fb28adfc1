from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from openkap.accounts.models import Clinic
from openkap.portal.models import LeadStatus
from openkap.portal.prescreen import prescreen_map


class PortalLoginForm(forms.Form):
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class InvitationAcceptForm(forms.Form):
    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        validators=[
            RegexValidator(r"^[\w.@+-]+$", "Use letters, digits and . @ + - _ only (no spaces).")
        ],
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text="You will use it to sign in. Letters, digits and . @ + - _",
    )
    password = forms.CharField(
        label="Choose a password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Not a common password, not like your name.",
    )
    password_again = forms.CharField(
        label="Type the password again",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class PortalReauthForm(forms.Form):
    password = forms.CharField(max_length=4096, strip=False, widget=forms.PasswordInput)


YES_NO_NOT_SURE = [("no", "No"), ("yes", "Yes"), ("not_sure", "Not sure")]


class PrescreenForm(forms.Form):
    """The public pre-screen. Plain words; choices for health problems and medicines come from data."""

    age = forms.IntegerField(label="Your age in years", min_value=1, max_value=120)
    sex = forms.ChoiceField(
        label="Sex assigned at birth",
        choices=[("female", "Female"), ("male", "Male"), ("other", "Another answer")],
        widget=forms.RadioSelect,
        help_text="Some medicines act differently, and pregnancy questions depend on it.",
    )
    weight = forms.DecimalField(
        label="Your weight",
        min_value=20,
        max_value=700,
        decimal_places=1,
        help_text="An estimate is fine. The clinic will weigh you before any treatment.",
    )
    weight_unit = forms.ChoiceField(
        label="Weight in",
        choices=[("lb", "pounds (lb)"), ("kg", "kilograms (kg)")],
        initial="lb",
        widget=forms.RadioSelect,
    )
    pregnant = forms.ChoiceField(
        label="Are you pregnant, or could you be?",
        choices=[*YES_NO_NOT_SURE, ("not_applicable", "Does not apply to me")],
        widget=forms.RadioSelect,
    )
    breastfeeding = forms.ChoiceField(
        label="Are you breastfeeding?",
        choices=[("no", "No"), ("yes", "Yes"), ("not_applicable", "Does not apply to me")],
        widget=forms.RadioSelect,
    )
    conditions = forms.MultipleChoiceField(
        label="Has a doctor ever told you that you have, or had, any of these?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply. Leave all empty if none do.",
    )
    systolic = forms.IntegerField(label="Top number", required=False, min_value=60, max_value=260)
    diastolic = forms.IntegerField(
        label="Bottom number", required=False, min_value=30, max_value=160
    )
    substance = forms.MultipleChoiceField(
        label="Alcohol and drugs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that are true. This helps keep you safe; it does not stop you being seen.",
    )
    medications = forms.MultipleChoiceField(
        label="Do you take any of these medicines now?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply. The clinic will ask for your full list later.",
    )
    allergy_ketamine = forms.ChoiceField(
        label="Have you ever had an allergic reaction to ketamine or esketamine?",
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
    )
    suicidal_thoughts = forms.ChoiceField(
        label="In the past month, have you had thoughts of ending your life, or are you having them now?",
        choices=[("no", "No"), ("yes", "Yes"), ("prefer_not", "I'd rather not say")],
        widget=forms.RadioSelect,
    )
    route = forms.ChoiceField(
        label="Which kind of treatment are you interested in?", required=False
    )
    setting = forms.ChoiceField(label="Where would you like to have it?", required=False)
    ride_home = forms.ChoiceField(
        label="After each session you cannot drive until the next day. Do you have someone who can take you home?",
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name", max_length=200)
    phone = forms.CharField(
        label="Phone number",
        max_length=32,
        required=False,
        validators=[RegexValidator(r"^[0-9+() .-]{7,32}$", "Use digits, spaces and + ( ) - only.")],
    )
    email = forms.EmailField(label="E-mail address", required=False)
    clinic = forms.ModelChoiceField(
        label="Which clinic should contact you?",
        queryset=Clinic.objects.order_by("name"),
        empty_label="Choose a clinic",
    )
    consent_to_contact = forms.BooleanField(
        label="I agree that this clinic may contact me about my answers.",
        error_messages={
            "required": "Tick this box so the clinic may contact you: without it we cannot pass your answers on."
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = prescreen_map()
        self._choices("conditions", [(o.key, o.label) for o in mapping.conditions])
        self._choices("substance", [(o.key, o.label) for o in mapping.substance])
        self._choices("medications", [(o.key, o.label) for o in mapping.medications])
        self._choices("route", [("", "Not sure yet"), *mapping.routes.items()])
        self._choices("setting", [("", "Not sure yet"), *mapping.settings.items()])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error(
                "phone", "Give a phone number or an e-mail address so the clinic can reach you."
            )
        if (data.get("systolic") is None) != (data.get("diastolic") is None):
            missing = "diastolic" if data.get("diastolic") is None else "systolic"
            self.add_error(missing, "Give both numbers of the reading, or leave both empty.")
        elif data.get("systolic") is not None and data["systolic"] <= data["diastolic"]:
            self.add_error("systolic", "The top number is the larger one, e.g. 120 over 80.")
        return data

    def answers(self) -> dict[str, Any]:
        """The answers as JSON-safe values, to keep with the lead."""
        data = dict(self.cleaned_data)
        data.pop("clinic", None)
        for name in ("name", "phone", "email", "consent_to_contact"):
            data.pop(name, None)
        if data.get("weight") is not None:
            data["weight"] = str(data["weight"])
        return data

    def contact(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("name", "phone", "email", "consent_to_contact")
        }


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=LeadStatus.choices)
    expected = forms.ChoiceField(choices=LeadStatus.choices, widget=forms.HiddenInput)


def answer_rows(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The pre-screen's answers as (question, answer) in the person's own words, for the clinician."""
    form = PrescreenForm()
    rows: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        if name not in answers:
            continue
        value = answers[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, list):
            text = "; ".join(str(choices.get(v, v)) for v in value) or "none"
        elif value is None or value == "":
            text = "—"
        else:
            text = str(choices.get(value, value))
        rows.append((str(field.label), text))
    return rows
