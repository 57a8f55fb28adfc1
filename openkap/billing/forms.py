"""Forms of the price list, payers, coverage and the patient's payer. Money is a Decimal with two
decimal places; the date a price starts is required."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.billing.models import (
    BillingNoteKind,
    CoverageMethod,
    EsketamineBilling,
    Payer,
    PayerKind,
    PaymentMethod,
    PriceItem,
    Service,
)
from openkap.clinical import costs
from openkap.clinical.charges import charge_rules
from openkap.screening.models import Route, Setting


def _code_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{code} ({entry.system}{'' if entry.verified else ', unverified'})")
        for code, entry in sorted(costs.billing_codes().items())
    ]


class DateInput(forms.DateInput):
    input_type = "date"


class PriceItemForm(forms.Form):
    name = forms.CharField(max_length=200)
    service = forms.ChoiceField(choices=Service.choices)
    route = forms.ChoiceField(
        choices=[("", "Any / not a dosing session"), *Route.choices],
        required=False,
        help_text="Dosing sessions only.",
    )
    setting = forms.ChoiceField(choices=[("", "Any"), *Setting.choices], required=False)
    package_sessions = forms.IntegerField(
        label="Sessions in the package",
        min_value=2,
        max_value=100,
        required=False,
        help_text="Leave empty for a single session; e.g. 6 for a package of six.",
    )
    codes = forms.MultipleChoiceField(
        label="Billing codes",
        choices=_code_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Code numbers only; CPT descriptors are not shown unless the clinic loaded its own.",
    )
    description = forms.CharField(
        label="What is included", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    amount = forms.DecimalField(label="Price", max_digits=10, decimal_places=2, min_value=0)
    effective_from = forms.DateField(label="Price in force from", widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("effective_from", timezone.localdate())


class PriceForm(forms.Form):
    item = forms.ModelChoiceField(queryset=PriceItem.objects.none(), label="Item")
    amount = forms.DecimalField(label="New price", max_digits=10, decimal_places=2, min_value=0)
    effective_from = forms.DateField(
        label="In force from", widget=DateInput, help_text="Today or later."
    )
    note = forms.CharField(label="Reason for the change", max_length=300, required=False)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = PriceItem.objects.filter(clinic=clinic).order_by("name")  # type: ignore[attr-defined]


class PayerForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=PayerKind.choices)
    information_source = forms.CharField(
        label="Where the clinic got its coverage information",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. the payer's provider manual, a benefits call on a date, past claims.",
    )
    match_names = forms.CharField(
        label="Names patients register with (one per line)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PayerEditForm(forms.Form):
    information_source = PayerForm.base_fields["information_source"]
    match_names = PayerForm.base_fields["match_names"]
    notes = PayerForm.base_fields["notes"]
    esketamine_billing = forms.ChoiceField(
        label="How esketamine sessions are billed to this payer",
        choices=EsketamineBilling.choices,
        required=False,
        help_text="Bundled G codes (Medicare buy-and-bill, some payers) or the drug per mg with "
        "visit and observation codes (many commercial payers). Check with the payer.",
    )
    active = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The dose threshold and the codes come from the charge rules (knowledge data).
        rules = charge_rules()["esketamine"]
        unverified = "" if rules.get("verified") else " (unverified: " + rules["note"] + ")"
        self.fields["esketamine_billing"].help_text += (
            f" Bundled: {rules['bundled_up_to_threshold']} up to {rules['threshold_mg']} mg, "
            f"{rules['bundled_above_threshold']} above.{unverified}"
        )


class CoverageForm(forms.Form):
    service = forms.ChoiceField(choices=Service.choices)
    route = forms.ChoiceField(
        choices=[("", "Any route / not a dosing session"), *Route.choices],
        required=False,
        help_text="For dosing: a route with its own rule wins over 'any route'.",
    )
    method = forms.ChoiceField(label="How it is usually covered", choices=CoverageMethod.choices)
    copay = forms.DecimalField(
        label="Copay per session",
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=0,
    )
    coinsurance_percent = forms.DecimalField(
        label="Patient's share (%)", required=False, min_value=0, max_value=100, decimal_places=2
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="E.g. the manufacturer's savings programme and its conditions.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PayerChoiceForm(forms.Form):
    payer = forms.ModelChoiceField(queryset=Payer.objects.none(), label="Payer")

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = Payer.objects.filter(  # type: ignore[attr-defined]
            clinic=clinic, active=True
        ).order_by("kind", "name")


# --- The patient's account: payments, reversals, notes, documents ----------------------------------


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("payment", "Payment"), ("adjustment", "Insurance adjustment")], initial="payment"
    )
    amount = forms.DecimalField(label="Amount (USD)", max_digits=10, decimal_places=2, min_value=0)
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    received_on = forms.DateField(label="Received on", widget=DateInput, initial=timezone.localdate)
    reference = forms.CharField(
        max_length=100,
        required=False,
        help_text="E.g. the card receipt, check number or insurer's remittance number.",
    )


class ReversalForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, help_text="Why the payment is reversed.")


class BillingNoteForm(forms.Form):
    kind = forms.ChoiceField(choices=BillingNoteKind.choices, label="About")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note")


class DocumentRangeForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput)
    end = forms.DateField(label="To", widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "Must be on or after the start date.")
        return data
