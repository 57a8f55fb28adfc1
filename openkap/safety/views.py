"""Safety pages: a patient's adverse events and long-term checks (staff), recording and grading an
event, recording a check's result, the clinic's event list with filters, the checks due at the
clinic, the clinic's monitoring cadence (its administrator), and the patient's own "Report a side
effect" page in the portal. Patients are addressed by public id; an event by its number under its
patient, checked to belong to them."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.monitoring import describe_source, load_monitoring
from openkap.clinical.session import severity_grades
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.portal.decorators import patient_required, portal_account
from openkap.safety import selectors, services
from openkap.safety.forms import (
    CadenceForm,
    ClinicianRecordForm,
    EventFilterForm,
    EventUpdateForm,
    MonitoringResultForm,
    PatientReportForm,
)
from openkap.safety.models import AdverseEvent, EventSource


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _audit_read(request: HttpRequest, patient: Patient, view: str, **detail: Any) -> None:
    audit_record(
        action=Action.READ,
        category=Category.SAFETY,
        actor=request_user(request),
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": view, **detail},
    )


def _zone(clinic: Any) -> ZoneInfo:
    return ZoneInfo(clinic.timezone)


def _labels() -> dict[str, Any]:
    return {
        "term_labels": selectors.term_labels(),
        "severity_labels": selectors.severity_labels(),
    }


# --- Staff: one patient ---------------------------------------------------------------------------


@staff_required
@require_GET
@transaction.atomic
def patient_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The patient's adverse events and long-term monitoring (checks due and results)."""
    user = request_user(request)
    patient = _patient(request, public_id, Permission.SAFETY_VIEW)
    events = list(selectors.adverse_events_for_patient(patient))
    today = services.clinic_today(patient.clinic)
    due = selectors.monitoring_due_for_patient(patient, today=today)
    results = list(selectors.monitoring_results_for_patient(patient))
    _audit_read(request, patient, "safety", events=len(events), results=len(results))
    with timezone.override(_zone(patient.clinic)):
        return render(
            request,
            "safety/patient.html",
            {
                "patient": patient,
                "events": events,
                "due": due,
                "results": results,
                "today": today,
                "can_record": user_can(user, Permission.SAFETY_RECORD, patient.clinic_id),
                "check_labels": {check.id: check.label for check in load_monitoring().checks},
                "sources": {check.id: describe_source(check) for check in load_monitoring().checks},
                **_labels(),
            },
        )


@staff_required
@require_http_methods(["GET", "POST"])
def record_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A clinician records an adverse event reported to them after the session."""
    patient = _patient(request, public_id, Permission.SAFETY_RECORD)
    sessions = selectors.sessions_for_patient(patient)
    with timezone.override(_zone(patient.clinic)):
        form = ClinicianRecordForm(request.POST or None, sessions=sessions)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.adverse_event_record(
                    actor=request_user(request),
                    patient=patient,
                    term=data["term"],
                    severity=data["severity"],
                    onset_at=data["onset_at"],
                    session=data["session"],
                    serious=data["serious"],
                    serious_reason=data["serious_reason"],
                    description=data["description"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Adverse event recorded.")
                return redirect("safety:patient", public_id=patient.public_id)
        _audit_read(request, patient, "record adverse event")
        return render(
            request,
            "safety/record.html",
            {"patient": patient, "form": form},
            status=400 if form.errors else 200,
        )


@staff_required
@require_http_methods(["GET", "POST"])
def event_view(request: HttpRequest, public_id: uuid.UUID, event_id: int) -> HttpResponse:
    """Grade an event, code its term, mark it serious, follow it to its outcome."""
    patient = _patient(request, public_id, Permission.SAFETY_RECORD)
    try:
        event = selectors.adverse_event_for_patient(patient, event_id)
    except AdverseEvent.DoesNotExist:
        raise NotFoundForUser(object_type="adverse_event", object_id=str(event_id)) from None
    sessions = selectors.sessions_for_patient(patient)
    conflict: list[str] = []
    with timezone.override(_zone(patient.clinic)):
        initial = {
            "term": event.term,
            "severity": event.severity,
            "session": event.session_id,
            "serious": event.serious,
            "serious_reason": event.serious_reason,
            "description": event.description,
            "outcome": event.outcome,
            "resolved_at": event.resolved_at,
            "version": event.version,
        }
        form = EventUpdateForm(request.POST or None, sessions=sessions, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.adverse_event_update(
                    actor=request_user(request),
                    event=event,
                    expected_version=data.pop("version"),
                    data=data,
                )
            except services.AdverseEventConflict as error:
                conflict = error.changed or ["the event"]
                form.add_error(
                    None,
                    "Someone else saved this event while you were editing. Nothing was saved; "
                    "their version is shown below. Changed: "
                    + ", ".join(name.replace("_", " ") for name in conflict)
                    + ".",
                )
                event.refresh_from_db()
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Adverse event updated.")
                return redirect("safety:patient", public_id=patient.public_id)
        _audit_read(request, patient, "adverse event", event=event.pk)
        return render(
            request,
            "safety/event.html",
            {
                "patient": patient,
                "event": event,
                "form": form,
                "grades": severity_grades(),
                **_labels(),
            },
            status=409 if conflict else 400 if form.errors else 200,
        )


@staff_required
@require_http_methods(["GET", "POST"])
def result_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the result of a long-term check (bladder screen, liver tests, cognition)."""
    patient = _patient(request, public_id, Permission.SAFETY_RECORD)
    form = MonitoringResultForm(
        request.POST or None,
        initial={
            "check_id": request.GET.get("check", ""),
            "performed_on": services.clinic_today(patient.clinic),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.monitoring_result_record(
                actor=request_user(request), patient=patient, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Result recorded.")
            return redirect("safety:patient", public_id=patient.public_id)
    _audit_read(request, patient, "record monitoring result")
    return render(
        request,
        "safety/result.html",
        {"patient": patient, "form": form, "checks": load_monitoring().checks},
        status=400 if form.errors else 200,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Staff: the clinic ----------------------------------------------------------------------------


@clinic_permission_required(Permission.SAFETY_VIEW)
@require_GET
@transaction.atomic
def events_view(request: HttpRequest) -> HttpResponse:
    """The clinic's adverse events, filtered (the filters hold no patient data)."""
    clinic = active_clinic(request)
    form = EventFilterForm(request.GET or None)
    events: list[AdverseEvent] = []
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        filters = selectors.EventFilters(**{k: v for k, v in data.items() if v not in (None, "")})
        events = selectors.adverse_events_for_clinic(clinic, filters)
    audit_record(
        action=Action.READ,
        category=Category.SAFETY,
        actor=request_user(request),
        clinic=clinic,
        object_type="adverse_event_list",
        object_id=clinic.pk,
        detail={"count": len(events), "patients": sorted({e.patient_id for e in events})},
    )
    with timezone.override(_zone(clinic)):
        return render(
            request,
            "safety/events.html",
            {"clinic": clinic, "form": form, "events": events, **_labels()},
            status=400 if form.errors else 200,
        )


@clinic_permission_required(Permission.SAFETY_VIEW)
@require_GET
@transaction.atomic
def due_view(request: HttpRequest) -> HttpResponse:
    """Long-term checks due or overdue at the clinic, and those coming up in the next weeks."""
    clinic = active_clinic(request)
    today = services.clinic_today(clinic)
    rows = selectors.monitoring_due_for_clinic(clinic, today=today)
    due = [row for row in rows if row.is_due]
    upcoming = [row for row in rows if not row.is_due][:50]
    audit_record(
        action=Action.READ,
        category=Category.SAFETY,
        actor=request_user(request),
        clinic=clinic,
        object_type="monitoring_due",
        object_id=clinic.pk,
        detail={"due": len(due), "patients": sorted({row.patient.pk for row in due})},
    )
    return render(
        request,
        "safety/due.html",
        {
            "clinic": clinic,
            "today": today,
            "due": due,
            "upcoming": upcoming,
            "overdue": sum(row.due.status == "overdue" for row in due),
            "can_record": user_can(request_user(request), Permission.SAFETY_RECORD, clinic.pk),
        },
    )


@clinic_permission_required(Permission.RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def cadence_view(request: HttpRequest) -> HttpResponse:
    """The clinic administrator sets how often each long-term check is due."""
    clinic = active_clinic(request)
    current = selectors.clinic_intervals(clinic)
    form = CadenceForm(
        request.POST or None, current=current, initial={"state": services.cadence_state(clinic)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.monitoring_cadence_set(
                actor=request_user(request),
                clinic=clinic,
                intervals=form.intervals(),
                expected_state=form.cleaned_data["state"] or "",
            )
        except services.CadenceConflict:
            form.add_error(
                None,
                "Another administrator changed the cadence while you were editing. Nothing was "
                "saved; reload the page to see their change.",
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Monitoring cadence saved ({len(changed)} change{'s' if len(changed) != 1 else ''}).",
            )
            return redirect("safety:cadence")
    data = load_monitoring()
    return render(
        request,
        "safety/cadence.html",
        {
            "clinic": clinic,
            "form": form,
            "checks": [(check, form[check.id], describe_source(check)) for check in data.checks],
            "data": data,
        },
        status=400 if form.errors else 200,
    )


# --- The patient, in the portal -------------------------------------------------------------------


@patient_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def mine_view(request: HttpRequest) -> HttpResponse:
    """ "Report a side effect": the patient's own form and the reports they made."""
    account = portal_account(request)
    patient = account.patient
    sessions = selectors.sessions_for_patient(patient)
    with timezone.override(_zone(patient.clinic)):
        form = PatientReportForm(request.POST or None, sessions=sessions)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.adverse_event_report_by_patient(
                    user=account.user,
                    patient=patient,
                    term=data["term"],
                    severity=data["severity"],
                    onset_at=data["onset_at"],
                    session=data["session"],
                    description=data["description"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    "Thank you: your report was sent to your care team. They will review it, "
                    "but may not see it right away.",
                )
                return redirect("safety:mine")
        reports = list(
            selectors.adverse_events_for_patient(patient).filter(source=EventSource.PATIENT)
        )
        audit_record(
            action=Action.READ,
            category=Category.SAFETY,
            actor=account.user,
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
            detail={"view": "portal side effects", "count": len(reports)},
        )
        return render(
            request,
            "safety/mine.html",
            {"form": form, "reports": reports, "clinic": patient.clinic, **_labels()},
            status=400 if form.errors else 200,
        )
