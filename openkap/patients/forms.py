from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from openkap.patients.models import Patient, SupportPerson
from openkap.patients.services import EDITABLE_FIELDS

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()./-]{7,20}$")
OLDEST_AGE_YEARS = 120


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_PATTERN.match(value) or sum(c.isdigit() for c in value) < 7):
        raise forms.ValidationError(
            "Enter a phone number of at least 7 digits, e.g. (555) 010-2345."
        )
    return value


class PatientForm(forms.ModelForm[Patient]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Patient
        fields = EDITABLE_FIELDS
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if today.year - born.year > OLDEST_AGE_YEARS:
            raise forms.ValidationError(
                f"The date of birth is more than {OLDEST_AGE_YEARS} years ago."
            )
        return born

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data["emergency_contact_phone"])

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError("Use the two-letter country code, e.g. US.")
        return country

    def patient_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class SupportPersonForm(forms.ModelForm[SupportPerson]):
    class Meta:
        model = SupportPerson
        fields = ("name", "relationship", "phone", "is_escort", "is_home_support", "notes")

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])


class PatientSearchForm(forms.Form):
    query = forms.CharField(
        label="Name, date of birth or MRN",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. Rivera, 1984-03-12 or NY-000012", "autocomplete": "off"}
        ),
    )


class EmergencyAccessForm(forms.Form):
    mrn = forms.CharField(label="Medical record number", max_length=20)
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Reason for emergency access",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is happening and why you need this chart now. Recorded and reviewed.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
