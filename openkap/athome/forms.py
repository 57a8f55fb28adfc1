"""Forms of the at-home programme: the patient's check-in, count and report; the staff's
dispensing, return, video link and alert acknowledgement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import User
from openkap.athome.models import CountContext, Dispensing, HowItWent, Method
from openkap.clinical.athome import CheckinAnswers, load_checkin
from openkap.clinical.session import severity_grades, side_effect_terms
from openkap.inventory.models import Lot
from openkap.screening.forms import plausible_range

YES_NO = [("yes", "Yes"), ("no", "No")]
NONE = "none"


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": "Answer yes or no."},
    )


def _reading(label: str, name: str) -> forms.IntegerField:
    # The rule pack's plausible range catches a typing error; the clinical limits are the
    # protocol's, applied by the check-in rule.
    low, high, _ = plausible_range(name)
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=int(low),
        max_value=int(high),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CheckinForm(forms.Form):
    monitor_name = forms.CharField(
        label="Your monitor's full name",
        max_length=200,
        required=False,
        help_text="The adult who stays with you, in the same place, for the whole session.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    monitor_adult = _yes_no("Is your monitor 18 or older?")
    monitor_typed_name = forms.CharField(
        label="Monitor: type your own name",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    monitor_will_stay = forms.BooleanField(
        label="I am present with the patient and will stay until the session ends.",
        required=False,
    )
    safe_place = _yes_no("Are you somewhere safe and quiet?")
    alcohol_today = _yes_no("Have you had any alcohol today?")
    substances = forms.MultipleChoiceField(
        label="Today, have you taken any of these?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    systolic = _reading("Blood pressure: top number (systolic)", "systolic")
    diastolic = _reading("Blood pressure: bottom number (diastolic)", "diastolic")
    heart_rate = _reading("Pulse (beats a minute)", "heart_rate")
    driving_planned = _yes_no(
        "Are you planning to drive, use machinery, or care for someone on your own later today?"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = load_checkin()
        choices = [(s.id, s.label) for s in data.substances()]
        field = self.fields["substances"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [*choices, (NONE, "None of these")]
        field.label = data.item("no_interacting").question
        self.fields["safe_place"].help_text = data.item("safe_place").question
        self.fields["monitor_typed_name"].help_text = data.item("monitor_confirms").question

    def clean_substances(self) -> list[str]:
        value: list[str] = self.cleaned_data.get("substances") or []
        if not value:
            raise forms.ValidationError("Tick what you took today, or 'None of these'.")
        if NONE in value and len(value) > 1:
            raise forms.ValidationError("You ticked 'None of these' and something else.")
        return [] if value == [NONE] else value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("systolic") is None) != (data.get("diastolic") is None):
            self.add_error("diastolic", "Give both numbers of the blood pressure, or neither.")
        return data

    def answers(self, patient_name: str) -> CheckinAnswers:
        data = self.cleaned_data
        return CheckinAnswers(
            patient_name=patient_name,
            monitor_name=data["monitor_name"],
            monitor_adult=data["monitor_adult"],
            monitor_typed_name=data["monitor_typed_name"],
            monitor_will_stay=bool(data["monitor_will_stay"]),
            safe_place=data["safe_place"],
            alcohol_today=data["alcohol_today"],
            substances_today=tuple(data["substances"]),
            systolic=data["systolic"],
            diastolic=data["diastolic"],
            heart_rate=data["heart_rate"],
            driving_planned=data["driving_planned"],
        )


EFFECT_ROWS = 3


class ReportForm(forms.Form):
    how_it_went = forms.ChoiceField(
        label="How did it go?", choices=HowItWent.choices, widget=forms.RadioSelect
    )
    journal = forms.CharField(
        label="Your journal",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you noticed, felt or want to bring to your integration session.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = [("", "No (more) side effects"), *((t.id, t.label) for t in side_effect_terms())]
        terms.append(("other", "Something else"))
        grades = [("", "Choose…"), *((g.id, g.label) for g in severity_grades())]
        for n in range(1, EFFECT_ROWS + 1):
            self.fields[f"term_{n}"] = forms.ChoiceField(
                label=f"Side effect {n}", choices=terms, required=False
            )
            self.fields[f"severity_{n}"] = forms.ChoiceField(
                label=f"How bad was side effect {n}?", choices=grades, required=False
            )
            self.fields[f"description_{n}"] = forms.CharField(
                label=f"Side effect {n}: tell us more", required=False, max_length=2000
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, EFFECT_ROWS + 1):
            term, severity = data.get(f"term_{n}"), data.get(f"severity_{n}")
            if term and not severity:
                self.add_error(f"severity_{n}", "Choose how bad it was.")
            if severity and not term:
                self.add_error(f"term_{n}", "Choose the side effect.")
            if term == "other" and not (data.get(f"description_{n}") or "").strip():
                self.add_error(f"description_{n}", "Describe what happened.")
        return data

    def effect_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"term_{n}"], self[f"severity_{n}"], self[f"description_{n}"])
            for n in range(1, EFFECT_ROWS + 1)
        ]

    def side_effects(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (data[f"term_{n}"], data[f"severity_{n}"], data[f"description_{n}"])
            for n in range(1, EFFECT_ROWS + 1)
            if data.get(f"term_{n}")
        ]


class CountForm(forms.Form):
    dispensing = forms.ModelChoiceField(
        label="Which delivery?", queryset=Dispensing.objects.none(), empty_label=None
    )
    counted_units = forms.IntegerField(
        label="How many tablets or troches do you have now?",
        min_value=0,
        max_value=1000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    context = forms.ChoiceField(
        label="When are you counting?", choices=CountContext.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, dispensings: QuerySet[Dispensing], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dispensing"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = dispensings
        field.label_from_instance = lambda d: (  # type: ignore[method-assign,assignment]
            f"{d.dispensed_on:%Y-%m-%d}: {d.units} x {float(d.mg_per_unit):g} mg"
        )


class DispenseForm(forms.Form):
    lot = forms.ModelChoiceField(label="Lot", queryset=Lot.objects.none())
    units = forms.IntegerField(label="Tablets or troches dispensed", min_value=1, max_value=1000)
    units_per_session = forms.IntegerField(
        label="Tablets or troches per session", min_value=1, max_value=100
    )
    method = forms.ChoiceField(label="How", choices=Method.choices, widget=forms.RadioSelect)
    carrier = forms.CharField(label="Carrier", max_length=60, required=False)
    tracking = forms.CharField(label="Tracking number", max_length=60, required=False)
    dispensed_on = forms.DateField(
        label="Date dispensed", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, lots: QuerySet[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lot"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = lots
        field.label_from_instance = lambda lot: (  # type: ignore[method-assign,assignment]
            f"{lot.product.name} ({lot.product.strength} a unit), lot {lot.lot_number}, "
            f"expires {lot.expires_on:%Y-%m-%d}"
        )
        self.fields["dispensed_on"].initial = timezone.localdate()


class ReturnForm(forms.Form):
    units = forms.IntegerField(label="Tablets or troches returned", min_value=1, max_value=1000)
    reason = forms.CharField(
        label="How they were destroyed",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. rendered non-retrievable in a drug disposal pouch, witnessed.",
    )
    witness = forms.ModelChoiceField(label="Witness", queryset=User.objects.none())
    witness_password = forms.CharField(
        label="Witness's password", widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args: Any, witnesses: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["witness"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = witnesses
        field.label_from_instance = lambda user: (  # type: ignore[method-assign,assignment]
            user.get_full_name() or user.username
        )


class LinkForm(forms.Form):
    join_url = forms.URLField(label="Video link", max_length=500, assume_scheme="https")


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. called the patient and the monitor; dose postponed to Thursday.",
    )
