from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from openkap.accounts.models import Clinic, Role, User


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class StaffCreateForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[a-z0-9._-]{3,150}$",
        max_length=150,
        help_text="Lower-case letters, digits, dots, dashes; at least 3.",
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    credentials = forms.CharField(max_length=40, required=False, help_text="e.g. MD, NP, RN, LCSW")
    roles = RolesField(label="Roles in this clinic")
    password = forms.CharField(
        label="First password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. The person sets up their authenticator at first sign-in.",
    )

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"])
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            probe = User(
                username=cleaned.get("username", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class StaffRolesForm(forms.Form):
    roles = RolesField(label="Roles in this clinic")


# A telephone number as people write it (with an optional extension); at least this many digits.
PHONE_CHARACTERS = re.compile(r"[0-9+() .\-]+(?: ?(?:ext\.?|x) ?[0-9]+)?", re.IGNORECASE)
PHONE_DIGITS = 7


class ClinicSettingsForm(forms.ModelForm[Clinic]):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Clinic
        fields = (
            "name",
            "timezone",
            "idle_timeout_minutes",
            "address_line",
            "city",
            "state",
            "postal_code",
            "phone",
        )
        labels = {
            "idle_timeout_minutes": "Idle time-out (minutes)",
            "address_line": "Street address",
            "city": "City",
            "state": "State",
            "postal_code": "ZIP / postal code",
            "phone": "Telephone",
        }
        help_texts = {
            "address_line": "Shown as the place of in-office appointments in calendar feeds.",
            "phone": "Shown to patients in the portal, to call about an appointment.",
            "timezone": "An IANA time zone, e.g. America/New_York. Pages show times in it.",
            "idle_timeout_minutes": "5 to 30. Applies from each person's next sign-in.",
        }

    def clean_phone(self) -> str:
        phone = " ".join(str(self.cleaned_data.get("phone", "")).split())
        if phone and (
            not PHONE_CHARACTERS.fullmatch(phone) or sum(c.isdigit() for c in phone) < PHONE_DIGITS
        ):
            raise forms.ValidationError(
                "Write a telephone number: digits, spaces and + ( ) - . only, e.g. 617 555 0100."
            )
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("address_line", "city", "state", "postal_code"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = " ".join(cleaned[name].split())
        return cleaned
