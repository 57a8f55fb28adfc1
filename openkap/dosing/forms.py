"""The gate form (the nurse's answers) and the prescriber's override form."""

from __future__ import annotations

from django import forms

from openkap.dosing.chart_services import VITAL_RANGES

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
        label="Systolic BP (mmHg)",
        min_value=VITAL_RANGES["systolic"][0],
        max_value=VITAL_RANGES["systolic"][1],
        required=False,
    )
    diastolic = forms.IntegerField(
        label="Diastolic BP (mmHg)",
        min_value=VITAL_RANGES["diastolic"][0],
        max_value=VITAL_RANGES["diastolic"][1],
        required=False,
    )
    heart_rate = forms.IntegerField(
        label="Heart rate (beats/min)",
        min_value=VITAL_RANGES["heart_rate"][0],
        max_value=VITAL_RANGES["heart_rate"][1],
        required=False,
    )
    spo2 = forms.IntegerField(
        label="SpO2 (%)",
        min_value=VITAL_RANGES["spo2"][0],
        max_value=VITAL_RANGES["spo2"][1],
        required=False,
    )
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


# --- The session chart -----------------------------------------------------------------------------


class DoseForm(forms.Form):
    """The prescriber's dose: mg/kg with the weight (IV, IM) or mg (esketamine, sublingual)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    dose_mg_per_kg = forms.FloatField(label="Dose (mg/kg)", required=False, min_value=0)
    weight_kg = forms.FloatField(label="Weight today (kg)", required=False, min_value=0)
    dose_mg = forms.FloatField(label="Dose (mg)", required=False, min_value=0)
    infusion_min = forms.FloatField(label="Infusion time (min)", required=False, min_value=0)
    concentration_mg_per_ml = forms.FloatField(
        label="Concentration (mg/mL)", required=False, min_value=0
    )
    diluent_ml = forms.FloatField(label="Diluent (mL)", required=False, min_value=0)
    lot = forms.TypedChoiceField(label="Lot", coerce=int, choices=[], required=False)
    override_reason = forms.CharField(
        label="Reason to go outside the allowed range",
        required=False,
        max_length=500,
        help_text="Only when the dose or the time is outside the protocol's range.",
    )
    change_rationale = forms.CharField(
        label="Why this dose differs from the last session's",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    password = forms.CharField(
        label="Your password (to confirm the dose)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, lots: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lot"].choices = [("", "Choose a lot"), *lots]  # type: ignore[attr-defined]


class StartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    wasted_mg = forms.DecimalField(
        label="Residue wasted (mg)",
        min_value=0,
        max_digits=10,
        decimal_places=3,
        required=False,
        help_text="What is left in the container after drawing the dose; a witness confirms it.",
    )
    witness = forms.TypedChoiceField(label="Witness", coerce=int, choices=[], required=False)
    witness_password = forms.CharField(
        label="Witness's password",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: object, witnesses: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["witness"].choices = [("", "No waste / choose"), *witnesses]  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    """Any chart entry; the service checks the fields its kind needs."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.CharField(widget=forms.HiddenInput, max_length=16)
    observed_time = forms.TimeField(
        label="Time observed",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Leave empty for now.",
    )
    systolic = forms.IntegerField(label="Systolic (mmHg)", required=False)
    diastolic = forms.IntegerField(label="Diastolic (mmHg)", required=False)
    heart_rate = forms.IntegerField(label="Heart rate (/min)", required=False)
    spo2 = forms.IntegerField(label="SpO2 (%)", required=False)
    respiratory_rate = forms.IntegerField(label="Respiratory rate (/min)", required=False)
    score = forms.TypedChoiceField(label="Rating", coerce=int, choices=[], required=False)
    term = forms.CharField(label="Term", required=False, max_length=64)
    severity = forms.CharField(label="Severity", required=False, max_length=16)
    text = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args: object, scores: list[tuple[int, str]] | None = None, **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.fields["score"].choices = [("", "Choose"), *(scores or [])]  # type: ignore[attr-defined]


class DischargeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    alert_and_oriented = forms.ChoiceField(
        label="Alert and oriented", choices=YES_NO, required=False
    )
    escort_name = forms.CharField(label="Escort present (name)", max_length=200, required=False)
    aftercare_given = forms.BooleanField(
        label="Aftercare instructions given and understood", required=False
    )


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    password = forms.CharField(
        label="Your password (to sign)",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AddendumForm(forms.Form):
    reason = forms.CharField(label="Reason for the addendum", max_length=500)
    text = forms.CharField(label="Addendum", widget=forms.Textarea(attrs={"rows": 3}))
