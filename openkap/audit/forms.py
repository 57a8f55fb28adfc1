from __future__ import annotations

from typing import Any

from django import forms

from openkap.accounts.models import Clinic, User
from openkap.audit.models import Action
from openkap.audit.selectors import SORTABLE_COLUMNS, AuditFilter
from openkap.patients.models import Patient


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="User")
    patient_mrn = forms.CharField(required=False, max_length=20, label="Patient MRN")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SORTABLE_COLUMNS], widget=forms.HiddenInput
    )
    descending = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # A column header was pressed: sort by it, or reverse the order if it is the current column.
    sort_click = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTABLE_COLUMNS])

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = (
            User.objects.filter(memberships__clinic=clinic).distinct().order_by("username")
        )

    def clean_patient_mrn(self) -> Patient | None:
        mrn = self.cleaned_data["patient_mrn"].strip()
        if not mrn:
            return None
        patient = Patient.objects.filter(clinic=self.clinic, mrn__iexact=mrn).first()
        if patient is None:
            raise forms.ValidationError("No patient of this clinic has that MRN.")
        return patient

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data
        user = data.get("user")
        patient = data.get("patient_mrn")
        sort = data.get("sort") or "occurred_at"
        descending = bool(data.get("descending")) if data.get("sort") else True
        clicked = data.get("sort_click")
        if clicked:
            descending = (not descending) if clicked == sort else False
            sort = clicked
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            user_id=user.pk if user else None,
            patient_id=patient.pk if patient else None,
            action=data.get("action") or "",
            sort=sort,
            descending=descending,
        )
