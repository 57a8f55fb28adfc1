from __future__ import annotations

from django import forms

from openkap.plans import protocols
from openkap.plans.models import Format, Psychotherapy
from openkap.plans.services import ESKETAMINE, ESKETAMINE_IN_OFFICE, indication_error
from openkap.screening.models import Route, Setting


class PlanForm(forms.Form):
    indication_code = forms.CharField(
        label="Indication (ICD-10-CM code)",
        max_length=10,
        help_text="For example F33.1 (major depressive disorder, recurrent, moderate).",
    )
    route = forms.ChoiceField(label="Route", choices=[("", "—"), *Route.choices])
    setting = forms.ChoiceField(label="Setting", choices=[("", "—"), *Setting.choices])
    protocol_id = forms.ChoiceField(label="Protocol", choices=())
    sessions = forms.IntegerField(
        label="Number of dosing sessions",
        required=False,
        min_value=1,
        max_value=100,
        help_text="Leave empty for the protocol's own number.",
    )
    psychotherapy = forms.ChoiceField(
        label="Psychotherapy modality", choices=[("", "—"), *Psychotherapy.choices]
    )
    format = forms.ChoiceField(label="Individual or group", choices=[("", "—"), *Format.choices])
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["protocol_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [
            (choice.id, choice.name) for choice in protocols.protocol_choices()
        ]

    # The checks the service makes too, here so that every wrong field is named at once.
    def clean_indication_code(self) -> str:
        value = str(self.cleaned_data["indication_code"])
        if (message := indication_error(value)) is not None:
            raise forms.ValidationError(message)
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("route") == ESKETAMINE and data.get("setting") not in (None, "", "in_office"):
            self.add_error("setting", ESKETAMINE_IN_OFFICE)
        return data


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanActionForm(VersionedForm):
    plan = forms.IntegerField(widget=forms.HiddenInput)


class PlanSignForm(PlanActionForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing asks for your password again.",
        error_messages={"required": "Give your password to sign."},
    )


class PlanStopForm(PlanActionForm):
    reason = forms.CharField(label="Reason for stopping", max_length=500)


class AppointmentForm(VersionedForm):
    appointment = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(AppointmentForm):
    starts_at = forms.DateTimeField(
        label="New time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label="Reason for the move", max_length=500)


class CancelForm(AppointmentForm):
    reason = forms.CharField(label="Reason for cancelling", max_length=500)


class OutcomeForm(AppointmentForm):
    outcome = forms.ChoiceField(choices=[("done", "Done"), ("missed", "Missed (no-show)")])
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class AssignForm(AppointmentForm):
    clinician = forms.TypedChoiceField(
        label="Clinician", coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args: object, clinicians: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["clinician"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "— nobody —"), *clinicians]
