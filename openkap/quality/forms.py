"""Forms of the quality pages: a staff licence, an emergency drill, the REMS certification."""

from __future__ import annotations

from typing import Any

from django import forms

from openkap.accounts.models import Clinic, User
from openkap.quality.models import CredentialKind, DrillScenario
from openkap.quality.selectors import clinic_staff


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name())


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name())


class CredentialForm(forms.Form):
    holder = StaffChoiceField(label="Staff member", queryset=User.objects.none())
    kind = forms.ChoiceField(label="Kind", choices=CredentialKind.choices)
    title = forms.CharField(
        label="Credential", max_length=40, required=False, help_text="e.g. MD, NP, RN, LCSW, PsyD."
    )
    number = forms.CharField(label="Licence or certificate number", max_length=60)
    issuer = forms.CharField(
        label="Issuing state or body",
        max_length=120,
        help_text="e.g. New York State Education Department, American Heart Association, DEA.",
    )
    issued_on = _date("Issued on", required=False)
    expires_on = _date("Expires on")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = clinic_staff(clinic)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        # The service checks the same; here it is named together with the other fields' errors.
        data = super().clean() or {}
        issued_on, expires_on = data.get("issued_on"), data.get("expires_on")
        if issued_on and expires_on and issued_on > expires_on:
            self.add_error("issued_on", "The issue date is after the expiry date.")
        return data


class RetireForm(forms.Form):
    reason = forms.CharField(
        label="Why it no longer counts",
        max_length=300,
        help_text="e.g. renewed (the new licence is recorded), entered in error, left the clinic.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DrillForm(forms.Form):
    held_on = _date("Held on")
    scenario = forms.ChoiceField(label="Scenario", choices=DrillScenario.choices)
    participants = StaffMultipleChoiceField(
        label="Staff who took part",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.CharField(
        label="Other participants",
        max_length=300,
        required=False,
        help_text="People without an account.",
    )
    findings = forms.CharField(
        label="Findings",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What went well, what did not.",
    )
    follow_up = forms.CharField(
        label="Follow-up", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up_done = forms.BooleanField(label="Follow-up done", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = clinic_staff(clinic)  # type: ignore[attr-defined]


class RemsForm(forms.Form):
    certified = forms.BooleanField(
        label="The clinic is certified in the SPRAVATO REMS as an outpatient healthcare setting",
        required=False,
    )
    number = forms.CharField(label="Certification number", max_length=60, required=False)
    certified_on = _date("Certified on", required=False)
    authorized_representative = forms.CharField(
        label="Authorized representative", max_length=200, required=False
    )
    dispenses = forms.BooleanField(
        label="The setting dispenses esketamine itself (bulk from a REMS-qualified distributor)",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
