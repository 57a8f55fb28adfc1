from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.utils import timezone

from openkap.clinical.rulepack import load_rule_pack
from openkap.screening import codes
from openkap.screening.models import (
    Decision,
    PregnancyStatus,
    ProblemStatus,
    Substance,
    UseFrequency,
)

# Unit conversions (exact by definition: 1 lb = 0.45359237 kg, 1 in = 2.54 cm).
KG_PER_LB = Decimal("0.45359237")
CM_PER_IN = Decimal("2.54")

# Typing-error bounds. Weight, blood pressure and heart rate use the rule pack's own plausibility
# limits (the engine refuses the same values); height and SpO2 are not engine inputs, so their bounds
# are the physical range a reading can take here, not a clinical threshold.
OWN_BOUNDS: dict[str, tuple[Decimal, Decimal, str]] = {
    "height_cm": (Decimal("40"), Decimal("250"), "cm"),
    "spo2": (Decimal("50"), Decimal("100"), "%"),
}
PACK_LIMITS = {
    "weight_kg": "weight_kg",
    "systolic": "blood_pressure.systolic",
    "diastolic": "blood_pressure.diastolic",
    "heart_rate": "heart_rate",
}


def plausible_range(name: str) -> tuple[Decimal, Decimal, str]:
    if name in OWN_BOUNDS:
        return OWN_BOUNDS[name]
    limit = load_rule_pack().limits[PACK_LIMITS[name]]
    unit = "/min" if name == "heart_rate" else limit.unit
    return Decimal(str(limit.minimum)), Decimal(str(limit.maximum)), unit


DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class _OwnIds(forms.Form):
    """Field ids with the form's own prefix, so two forms on one page never share an id."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _not_in_future(value: Any, what: str) -> Any:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"The {what} cannot be in the future.")
    return value


class ProblemForm(forms.Form):
    query = forms.CharField(
        label="Search ICD-10-CM",
        max_length=100,
        required=False,
        help_text="Type a code (F33.1) or words (recurrent depression), then choose a result.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    code = forms.CharField(label="ICD-10-CM code", max_length=10)
    onset = forms.DateField(required=False, widget=DATE_WIDGET)
    status = forms.ChoiceField(choices=ProblemStatus.choices, initial=ProblemStatus.ACTIVE)

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if not codes.is_valid(code):
            raise forms.ValidationError(
                f"{self.cleaned_data['code'].strip()!r} is not an ICD-10-CM code. "
                "Search for it and choose one of the results."
            )
        return code

    def clean_onset(self) -> Any:
        return _not_in_future(self.cleaned_data.get("onset"), "onset")


class MedicationForm(forms.Form):
    name = forms.CharField(
        label="Generic name",
        max_length=120,
        help_text="The generic name, e.g. sertraline (not Zoloft).",
    )
    dose = forms.CharField(max_length=80, required=False, help_text="e.g. 100 mg")
    frequency = forms.CharField(max_length=80, required=False, help_text="e.g. once daily")


class AllergyForm(_OwnIds):
    id_prefix = "allergy"
    substance = forms.CharField(max_length=120)
    reaction = forms.CharField(max_length=200, required=False)


class MeasurementForm(forms.Form):
    weight = forms.DecimalField(max_digits=7, decimal_places=2, required=False)
    weight_unit = forms.ChoiceField(
        label="Weight unit", choices=[("kg", "kg"), ("lb", "lb")], initial="kg"
    )
    height = forms.DecimalField(max_digits=6, decimal_places=1, required=False)
    height_unit = forms.ChoiceField(
        label="Height unit", choices=[("cm", "cm"), ("in", "in")], initial="cm"
    )
    systolic = forms.IntegerField(label="Systolic (mmHg)", required=False)
    diastolic = forms.IntegerField(label="Diastolic (mmHg)", required=False)
    heart_rate = forms.IntegerField(label="Heart rate (/min)", required=False)
    spo2 = forms.IntegerField(label="SpO2 (%)", required=False)

    def _check(self, name: str, field: str, value: Decimal | None) -> None:
        if value is None:
            return
        low, high, unit = plausible_range(name)
        if not low <= value <= high:
            self.add_error(
                field,
                f"{value.normalize():f} {unit} is not plausible "
                f"(expected {low.normalize():f}-{high.normalize():f}).",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weight = data.get("weight")
        if weight is not None and data.get("weight_unit") == "lb":
            weight = weight * KG_PER_LB
        height = data.get("height")
        if height is not None and data.get("height_unit") == "in":
            height = height * CM_PER_IN
        data["weight_kg"] = (
            weight.quantize(Decimal("0.01"), ROUND_HALF_UP) if weight is not None else None
        )
        data["height_cm"] = (
            height.quantize(Decimal("0.1"), ROUND_HALF_UP) if height is not None else None
        )
        self._check("weight_kg", "weight", data["weight_kg"])
        self._check("height_cm", "height", data["height_cm"])
        for name in ("systolic", "diastolic", "heart_rate", "spo2"):
            value = data.get(name)
            self._check(name, name, Decimal(value) if value is not None else None)
        systolic, diastolic = data.get("systolic"), data.get("diastolic")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            self.add_error("diastolic", "The diastolic pressure must be below the systolic.")
        for name, other in (("systolic", "diastolic"), ("diastolic", "systolic")):
            missing = name in data and data.get(name) is None
            if missing and data.get(other) is not None and other not in self.errors:
                self.add_error(name, "Enter both blood pressure values, or neither.")
        measured = ("weight", "height", "systolic", "diastolic", "heart_rate", "spo2")
        if not self.errors and all(data.get(name) is None for name in measured):
            raise forms.ValidationError("Enter at least one measurement.")
        return data

    def measurement_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "weight_kg": data["weight_kg"],
            "height_cm": data["height_cm"],
            "systolic": data["systolic"],
            "diastolic": data["diastolic"],
            "heart_rate": data["heart_rate"],
            "spo2": data["spo2"],
        }


class SubstanceUseForm(_OwnIds):
    id_prefix = "use"
    substance = forms.ChoiceField(choices=Substance.choices)
    frequency = forms.ChoiceField(label="How often", choices=UseFrequency.choices)
    last_use = forms.DateField(label="Last use", required=False, widget=DATE_WIDGET)
    notes = forms.CharField(max_length=300, required=False)

    def clean_last_use(self) -> Any:
        return _not_in_future(self.cleaned_data.get("last_use"), "last use")


class ReproductiveStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    pregnancy = forms.ChoiceField(
        label="Pregnancy status",
        choices=[(v, label) for v, label in PregnancyStatus.choices if v],
    )
    breastfeeding = forms.BooleanField(label="Breastfeeding", required=False)


class QuestionnaireForm(forms.Form):
    """One radio group per item, built from the instrument's own data (texts and options)."""

    def __init__(self, *args: Any, instrument: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        screen = getattr(instrument, "screen", None)
        # A screen's acuity item is asked only after a positive screen item (the scorer checks).
        self.conditional_item = screen.acuity_item if screen is not None else None
        for number, item in enumerate(instrument.items, start=1):
            self.fields[self.field_name(item)] = forms.TypedChoiceField(
                label=f"{number}. {item.text}",
                choices=[(str(value), label) for value, label in item.options],
                coerce=int,
                empty_value=None,
                required=number != self.conditional_item,
                help_text=getattr(item, "note", ""),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )

    @staticmethod
    def field_name(item: Any) -> str:
        return f"item_{item.id}"

    def field_name_for(self, number: int) -> str:
        return self.field_name(self.instrument.items[number - 1])

    def answers(self) -> list[int]:
        """One answer per item in item order; an unanswered conditional item is left off the end."""
        values = [self.cleaned_data.get(self.field_name(item)) for item in self.instrument.items]
        while values and values[-1] is None and len(values) == self.conditional_item:
            values.pop()
        return [int(value) for value in values if value is not None]


def _route_choices() -> list[tuple[str, str]]:
    # The routes the rule pack knows, with its names for them.
    return [("", "Not chosen yet"), *load_rule_pack().routes.items()]


def _setting_choices() -> list[tuple[str, str]]:
    return [("", "Not chosen yet"), *load_rule_pack().settings.items()]


class EvaluateForm(forms.Form):
    # Empty when the page showed no draft: evaluating then starts one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    route = forms.ChoiceField(
        label="Intended route",
        choices=_route_choices,
        required=False,
        help_text="Route-specific rules (e.g. the esketamine label) apply once a route is chosen.",
    )
    setting = forms.ChoiceField(label="Intended setting", choices=_setting_choices, required=False)


class SignForm(_OwnIds):
    id_prefix = "sign"
    version = forms.IntegerField(widget=forms.HiddenInput)
    final_decision = forms.ChoiceField(
        label="Your decision",
        choices=[(Decision.ELIGIBLE, "Eligible"), (Decision.INELIGIBLE, "Ineligible")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when your decision differs from the engine's.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing asks for your password again.",
    )


class AddendumForm(_OwnIds):
    id_prefix = "addendum"
    screening = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Addendum text", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label="Reason for the addendum", max_length=300)
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ItemForm(forms.Form):
    """Which row of a list a remove or status button acts on."""

    item = forms.IntegerField(min_value=1)
