"""The gate form (the nurse's answers) and the prescriber's override form."""

from __future__ import annotations

from django import forms

YES_NO = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
SUICIDE = [
    ("", "Not done today"),
    ("negative", "Done today: negative"),
    ("positive", "Done today: positive"),
]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class GateForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    fasting = forms.ChoiceField(label="Fasting as instructed", choices=YES_NO, required=False)
    no_alcohol = forms.ChoiceField(label="No alcohol today", choices=YES_NO, required=False)
    escort_name = forms.CharField(
        label="Escort home (name)",
        max_length=200,
        required=False,
        help_text="Who takes the patient home. Leave empty if no one is arranged.",
    )
    systolic = forms.IntegerField(
        label="Systolic BP (mmHg)", min_value=50, max_value=300, required=False
    )
    diastolic = forms.IntegerField(
        label="Diastolic BP (mmHg)", min_value=20, max_value=200, required=False
    )
    heart_rate = forms.IntegerField(
        label="Heart rate (beats/min)", min_value=20, max_value=250, required=False
    )
    spo2 = forms.IntegerField(label="SpO2 (%)", min_value=50, max_value=100, required=False)
    interacting_held = forms.ChoiceField(
        label="Interacting medications held or reviewed per protocol",
        choices=YES_NO,
        required=False,
        help_text="Only asked when the medication list holds an interacting medication.",
    )
    suicide_check = forms.ChoiceField(label="Suicide-risk check", choices=SUICIDE, required=False)
    rems_enrolled = forms.ChoiceField(
        label="Enrolled in the SPRAVATO REMS (esketamine only)", choices=YES_NO, required=False
    )
    eye_mask = forms.BooleanField(label="Eye mask offered", required=False)
    music = forms.BooleanField(label="Music playlist ready", required=False)
    agreed_signal = forms.CharField(
        label="Agreed signal",
        max_length=200,
        required=False,
        help_text="How the patient tells the monitor they need something (e.g. raise a hand).",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            self.add_error("diastolic", "Must be below the systolic pressure.")
        return data


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Reason to dose despite the soft stop", widget=forms.Textarea(attrs={"rows": 3})
    )
    password = forms.CharField(
        label="Your password (to confirm)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
