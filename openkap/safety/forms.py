"""Forms of the safety pages: the choices come from the session vocabulary and the monitoring data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from openkap.clinical.monitoring import load_monitoring, monitoring_checks
from openkap.dosing.models import DosingSession
from openkap.safety.models import EventOutcome, EventSource, ScreenResult
from openkap.safety.selectors import OTHER_LABEL, severity_labels, term_labels
from openkap.safety.services import ENDED_OUTCOMES, OTHER_TERM

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _term_choices(*, with_other: bool) -> list[tuple[str, str]]:
    choices = [
        (term_id, label) for term_id, label in term_labels().items() if term_id != OTHER_TERM
    ]
    return [("", "Choose…"), *choices, *([(OTHER_TERM, OTHER_LABEL)] if with_other else [])]


def _severity_choices() -> list[tuple[str, str]]:
    return [("", "Choose…"), *severity_labels().items()]


def _session_label(session: DosingSession) -> str:
    assert session.dose_started_at is not None
    # In the time zone in force (the view activates the clinic's), as the other times on the page.
    started = timezone.localtime(session.dose_started_at)
    return f"{started:%Y-%m-%d %H:%M} · {session.appointment.label}"


class SessionChoiceField(forms.ModelChoiceField[DosingSession]):
    def label_from_instance(self, obj: DosingSession) -> str:
        return _session_label(obj)


class PatientReportForm(forms.Form):
    """The patient's report of a side effect, in plain words."""

    term = forms.ChoiceField(label="What did you notice?")
    severity = forms.ChoiceField(
        label="How bad is it?",
        help_text="Your care team will look at it and may grade it differently.",
    )
    onset_at = forms.DateTimeField(label="When did it start?", widget=DATETIME_WIDGET)
    session = SessionChoiceField(
        label="After which treatment session?",
        queryset=DosingSession.objects.none(),
        required=False,
        empty_label="Not after a session, or not sure",
    )
    description = forms.CharField(
        label="Tell us more",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, how long it lasted, anything that helped. Required if you chose "
        "'Something else'.",
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "term").choices = _term_choices(with_other=True)
        _choice(self, "severity").choices = _severity_choices()
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("term") == OTHER_TERM and not data.get("description", "").strip():
            self.add_error("description", "Describe what you noticed.")
        return data


class ClinicianRecordForm(forms.Form):
    term = forms.ChoiceField(label="Side effect")
    severity = forms.ChoiceField(label="Severity grade")
    onset_at = forms.DateTimeField(label="Onset", widget=DATETIME_WIDGET)
    session = SessionChoiceField(
        label="After the dose of session",
        queryset=DosingSession.objects.none(),
        required=False,
        empty_label="Not linked to a session",
    )
    serious = forms.BooleanField(label="Serious adverse event", required=False)
    serious_reason = forms.CharField(
        label="Why serious", required=False, max_length=200, help_text="e.g. hospitalisation"
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "term").choices = _term_choices(with_other=False)
        _choice(self, "severity").choices = _severity_choices()
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("serious") and not data.get("serious_reason", "").strip():
            self.add_error("serious_reason", "Say why it is serious.")
        return data


class EventUpdateForm(ClinicianRecordForm):
    """Grade, code, mark serious, follow to the outcome. The onset stays as reported."""

    outcome = forms.ChoiceField(label="Outcome", choices=EventOutcome.choices)
    resolved_at = forms.DateTimeField(label="Resolved at", required=False, widget=DATETIME_WIDGET)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, sessions=sessions, **kwargs)
        del self.fields["onset_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") in ENDED_OUTCOMES and data.get("resolved_at") is None:
            self.add_error("resolved_at", "Enter when it resolved.")
        return data


class EventFilterForm(forms.Form):
    term = forms.ChoiceField(label="Side effect", required=False)
    severity = forms.ChoiceField(label="Severity", required=False)
    source = forms.ChoiceField(
        label="Reported", required=False, choices=[("", "Any"), *EventSource.choices]
    )
    serious = forms.BooleanField(label="Serious only", required=False)
    open_only = forms.BooleanField(label="Not yet resolved", required=False)
    awaiting_review = forms.BooleanField(label="Patient reports to review", required=False)
    start = forms.DateField(label="Onset from", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Onset to", required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "term").choices = [("", "Any"), *_term_choices(with_other=True)[1:]]
        _choice(self, "severity").choices = [("", "Any"), *severity_labels().items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "Must be on or after the start.")
        return data


class MonitoringResultForm(forms.Form):
    check_id = forms.ChoiceField(label="Check")
    performed_on = forms.DateField(label="Done on", widget=DATE_WIDGET)
    result = forms.ChoiceField(label="Result", choices=ScreenResult.choices)
    value = forms.CharField(
        label="Score or values",
        required=False,
        max_length=200,
        help_text="e.g. 'BPIC-SS 6' or 'ALT 32 U/L, AST 28 U/L'",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "check_id").choices = [
            ("", "Choose…"),
            *((check.id, check.label) for check in monitoring_checks()),
        ]


class CadenceForm(forms.Form):
    """One interval (days) per check, within the knowledge file's limits."""

    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = load_monitoring()
        for check in data.checks:
            self.fields[check.id] = forms.IntegerField(
                label=f"{check.label}: every (days)",
                min_value=data.min_interval_days,
                max_value=data.max_interval_days,
                initial=current.get(check.id, check.interval_days),
                help_text=f"Default {check.interval_days} days.",
            )

    def intervals(self) -> dict[str, int]:
        return {check.id: self.cleaned_data[check.id] for check in monitoring_checks()}
