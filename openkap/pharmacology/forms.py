"""Forms of the pharmacology pages: the clinic's threshold and the IV infusion planner. The limits
of the planner's numbers are the core's (openkap/clinical/pk.py): a refusal there names the field."""

from __future__ import annotations

from typing import Any

from django import forms

from openkap.clinical import pk
from openkap.pharmacology.prediction import threshold_default


class ThresholdForm(forms.Form):
    threshold_ng_per_ml = forms.DecimalField(
        label="Threshold (ng/mL)",
        max_digits=7,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = threshold_default()
        self.fields["threshold_ng_per_ml"].help_text = (
            f"Allowed {limits.min_ng_per_ml:g}-{limits.max_ng_per_ml:g} ng/mL. "
            f"OpenKAP's default: {limits.default_ng_per_ml:g} ng/mL."
        )


def _number(label: str, help_text: str = "", *, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class PlannerForm(forms.Form):
    """The planner's inputs. Its only models are the IV ones: the planner is for IV infusions."""

    model = forms.ChoiceField(label="Model")
    weight_kg = _number("Weight (kg)")
    target_ng_per_ml = _number(
        "Target plasma concentration (ng/mL)",
        "The plasma concentration to reach and hold: the prescriber's choice.",
    )
    duration_min = _number("Duration (min)", "How long to hold the target.")
    step_min = _number("Step length (min)", "The rate changes once per step.")
    loading_bolus = forms.BooleanField(
        label="Start with a loading bolus (reaches the target at once)", required=False
    )
    concentration_mg_per_ml = _number(
        "Solution concentration (mg/mL)",
        "Of the infused solution, to give the rates in mL/h; leave empty for mg/min only.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["model"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(model.id, model.name) for model in pk.pk_models_for_route("iv")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("weight_kg", "target_ng_per_ml", "duration_min", "step_min"):
            value = data.get(name)
            if value is not None and not value > 0:
                self.add_error(name, f"must be a positive number, not {value:g}")
        step, duration = data.get("step_min"), data.get("duration_min")
        if step and duration and step > 0 and duration > 0 and step > duration:
            self.add_error("step_min", "the step is longer than the duration")
        return data

    def clean_concentration_mg_per_ml(self) -> float | None:
        value: float | None = self.cleaned_data.get("concentration_mg_per_ml")
        if value is not None and not value > 0:
            raise forms.ValidationError("Must be above 0 mg/mL, or left empty.")
        return value
