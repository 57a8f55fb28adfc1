"""A questionnaire as a form: one radio group per item, the texts and options from the instrument's
data file (openkap.clinical.instruments)."""

from __future__ import annotations

from typing import Any

from django import forms

from openkap.clinical import instruments
from openkap.outcomes.models import MaintenanceChoice


class _ScreenItemRadios(forms.RadioSelect):
    """Radios of a screen item (ASQ 1-4): the answers that make the screen positive carry
    `data-screen-positive`, so the page can ask the acuity item only after one of them."""

    def __init__(self, positive_values: tuple[int, ...]) -> None:
        super().__init__()
        self.positive_values = {str(value) for value in positive_values}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        if str(option["value"]) in self.positive_values:
            option["attrs"]["data-screen-positive"] = ""
        return option


class QuestionnaireForm(forms.Form):
    def __init__(self, instrument: instruments.Instrument, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        screen = instrument.screen
        optional = screen.acuity_item if screen is not None else None
        for item in instrument.items:
            widget: forms.RadioSelect = (
                _ScreenItemRadios(screen.positive_values)
                if screen is not None and item.number in screen.screen_items
                else forms.RadioSelect()
            )
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(option.value, option.label) for option in item.options],
                coerce=int,
                widget=widget,
                required=item.number != optional,
                empty_value=None,
                help_text=(
                    "Answer only if you answered yes to any of the questions above."
                    if item.number == optional
                    else ""
                ),
                error_messages={"required": "Choose one answer."},
            )
            # Shown once a screen item is answered positively (openkap.css; shown anyway where
            # the browser cannot hide it, with the help text saying when to answer).
            self.fields[f"item_{item.number}"].asked_after_screen = item.number == optional  # type: ignore[attr-defined]

    def answers(self) -> list[int]:
        values = [self.cleaned_data[f"item_{item.number}"] for item in self.instrument.items]
        # The ASQ's acuity item is left off when it was not asked.
        while values and values[-1] is None:
            values.pop()
        return [int(v) for v in values]


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: called the patient, safety plan reviewed, referred for evaluation.",
    )


class MaintenanceDecisionForm(forms.Form):
    relapse = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Maintenance decision", choices=MaintenanceChoice.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
