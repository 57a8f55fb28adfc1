from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from openkap.clinical import protocols
from openkap.reports.selectors import ReportFilters
from openkap.screening.models import Route


class ReportFilterForm(forms.Form):
    """The reports' filters (GET). The clinic is the one the user is working in."""

    date_from = forms.DateField(
        label="From (first day)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (last day)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    protocol = forms.ChoiceField(label="Protocol", required=False)
    route = forms.ChoiceField(
        label="Route", required=False, choices=[("", "Any route"), *Route.choices]
    )
    indication = forms.CharField(
        label="Indication (ICD-10-CM code or its start)",
        required=False,
        max_length=10,
        validators=[
            RegexValidator(r"^[A-Za-z][0-9A-Za-z.]{0,9}$", "Give a code such as F33.1 or F43.")
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        protocol = self.fields["protocol"]
        assert isinstance(protocol, forms.ChoiceField)
        protocol.choices = [("", "Any protocol")] + [
            (pid, protocols.protocol(pid).name) for pid in protocols.protocol_ids()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The last day is before the first.")
        return data

    def filters(self, clinic_id: int) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            clinic_ids=(clinic_id,),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            protocol=data.get("protocol") or "",
            route=data.get("route") or "",
            indication=(data.get("indication") or "").strip().upper(),
        )
