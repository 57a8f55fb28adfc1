"""REMS Patient Monitoring Form pages: the forms due at the clinic, one form (edit, sign off,
record the submission) and its printable page. A form is addressed by its random public id; a
session's form is started by POSTing the session's appointment, so no patient data is in a URL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
)
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.rems import (
    SECTION_TITLES,
    SECTIONS,
    RemsField,
    rems_form_spec,
    rems_missing,
    rems_warnings,
)
from openkap.dosing.models import DosingSession
from openkap.rems import selectors, services
from openkap.rems.forms import RemsFieldsForm, SubmissionForm, as_text
from openkap.rems.models import RemsMonitoringForm


def _form(request: HttpRequest, form_id: uuid.UUID, permission: Permission) -> RemsMonitoringForm:
    try:
        return selectors.rems_form_get_for_user(
            user=request_user(request), public_id=form_id, permission=permission
        )
    except RemsMonitoringForm.DoesNotExist:
        raise NotFoundForUser(object_type="rems_form", object_id=str(form_id)) from None


def _audit_read(request: HttpRequest, form: RemsMonitoringForm, view: str) -> None:
    audit_record(
        action=Action.READ,
        category=Category.REMS,
        actor=request_user(request),
        patient=form.patient,
        object_type="rems_form",
        object_id=form.pk,
        detail={"view": view},
    )


def _today(request: HttpRequest) -> Any:
    return timezone.localdate(timezone=ZoneInfo(active_clinic(request).timezone))


@clinic_permission_required(Permission.REMS_VIEW)
@require_GET
@transaction.atomic
def dashboard_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    today = _today(request)
    rows = selectors.rems_forms_due(clinic=clinic, today=today)
    audit_record(
        action=Action.READ,
        category=Category.REMS,
        actor=request_user(request),
        clinic=clinic,
        object_type="rems_dashboard",
        detail={"view": "rems_dashboard", "count": len(rows)},
    )
    spec = rems_form_spec()
    return render(
        request,
        "rems/dashboard.html",
        {
            "clinic": clinic,
            "today": today,
            "rows": rows,
            "overdue": sum(1 for row in rows if row.overdue),
            "spec": spec,
            "can_edit": user_can(request_user(request), Permission.REMS_EDIT, clinic.pk),
        },
    )


def _message_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "rems/none.html", {"message": message}, status=status)


@clinic_permission_required(Permission.REMS_EDIT)
@require_POST
@transaction.atomic
def start_view(request: HttpRequest) -> HttpResponse:
    """Prepare (or fill again from the chart) the form of the session of the POSTed appointment."""
    try:
        appointment_id = int(request.POST.get("appointment", ""))
    except ValueError:
        return _message_page(request, "appointment: no dosing appointment was given.", 400)
    try:
        session = selectors.rems_session_for_user(
            user=request_user(request), appointment_id=appointment_id
        )
    except DosingSession.DoesNotExist:
        raise NotFoundForUser(object_type="appointment", object_id=str(appointment_id)) from None
    try:
        form = services.rems_form_prepare(actor=request_user(request), session=session)
    except ValidationError as error:
        existing = RemsMonitoringForm.objects.filter(session=session).first()
        if existing is not None:
            return _form_page(request, existing, errors=error.messages, status=400)
        return _message_page(request, " ".join(error.messages), 400)
    return redirect("rems:form", form_id=form.public_id)


@dataclass(frozen=True)
class Row:
    field: RemsField
    bound: Any
    value: str
    chart: str
    chart_note: str
    corrected: bool
    missing: bool
    required_note: str


def _display(item: RemsField, value: object) -> str:
    if value is None or value == "":
        return ""
    if item.kind == "yes_no":
        return "Yes" if value is True else "No"
    if item.kind == "sex":
        return str(value).title()
    return str(value)


def _required_note(item: RemsField) -> str:
    if not item.required:
        return ""
    spec = rems_form_spec()
    note = "Required"
    if item.required_when_any_yes:
        labels = [spec.field(other).label for other in item.required_when_any_yes]
        note += " when any of these is answered yes: " + "; ".join(labels)
    if item.required_by == "clinic_policy":
        note += " (OpenKAP clinic policy)"
    return note


def _sections(
    form: RemsMonitoringForm, edit_form: RemsFieldsForm | None
) -> list[tuple[str, str, list[Row]]]:
    spec = rems_form_spec()
    values = form.values()
    missing = set(rems_missing(values))
    sections = []
    for section in SECTIONS:
        rows = []
        for item in spec.section_fields(section):
            chart = form.chart_values.get(item.id)
            rows.append(
                Row(
                    field=item,
                    bound=edit_form[item.id] if edit_form is not None else None,
                    value=_display(item, values.get(item.id)),
                    chart=_display(item, chart),
                    chart_note=str(form.chart_notes.get(item.id, "")),
                    corrected=form.is_draft
                    and item.id in form.entered_values
                    and chart is not None,
                    missing=item.id in missing,
                    required_note=_required_note(item),
                )
            )
        sections.append((section, SECTION_TITLES[section], rows))
    return sections


def _form_page(
    request: HttpRequest,
    form: RemsMonitoringForm,
    *,
    edit_form: RemsFieldsForm | None = None,
    submit_form: SubmissionForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    can_edit = user_can(user, Permission.REMS_EDIT, form.patient.clinic_id)
    if form.is_draft and can_edit and edit_form is None:
        edit_form = RemsFieldsForm(
            initial={
                "version": form.version,
                **{k: as_text(v) for k, v in form.values().items()},
            }
        )
    if submit_form is None:
        submit_form = SubmissionForm(
            initial={"version": form.version, "submitted_on": _today(request)}
        )
    values = form.values()
    today = _today(request)
    context: dict[str, Any] = {
        "form_record": form,
        "patient": form.patient,
        "session": form.session,
        "spec": rems_form_spec(),
        "sections": _sections(form, edit_form if form.is_draft and can_edit else None),
        "edit_form": edit_form if form.is_draft and can_edit else None,
        "submit_form": submit_form,
        "missing": [rems_form_spec().field(i) for i in rems_missing(values)],
        "warnings": form.signed_warnings if not form.is_draft else rems_warnings(values),
        "errors": errors or [],
        "can_edit": can_edit,
        "days_left": (form.due_on - today).days,
        "today": today,
    }
    with timezone.override(ZoneInfo(form.patient.clinic.timezone)):
        return render(request, "rems/form.html", context, status=status)


@clinic_permission_required(Permission.REMS_VIEW)
@require_http_methods(["GET", "POST"])
@transaction.atomic
def form_view(request: HttpRequest, form_id: uuid.UUID) -> HttpResponse:
    permission = Permission.REMS_EDIT if request.method == "POST" else Permission.REMS_VIEW
    form = _form(request, form_id, permission)
    _audit_read(request, form, "rems_form")
    if request.method == "GET":
        return _form_page(request, form)
    edit_form = RemsFieldsForm(request.POST)
    if not edit_form.is_valid():
        return _form_page(request, form, edit_form=edit_form, status=400)
    user = request_user(request)
    try:
        form = services.rems_form_update(
            actor=user,
            form=form,
            expected_version=edit_form.cleaned_data["version"],
            answers=edit_form.answers(),
        )
    except services.RemsFormConflict as error:
        form.refresh_from_db()
        return _form_page(request, form, errors=[str(error)], status=409)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            edit_form.add_error(name if name in edit_form.fields else None, messages)
        return _form_page(request, form, edit_form=edit_form, status=400)
    if "sign_off" not in request.POST:
        return redirect("rems:form", form_id=form.public_id)
    # Sign off what was just saved. A refusal keeps the save and names every missing field.
    try:
        services.rems_form_sign_off(
            request=request,
            actor=user,
            form=form,
            expected_version=form.version,
            password=edit_form.cleaned_data["password"],
        )
    except ValidationError as error:
        refusal = error.message_dict
        refused = RemsFieldsForm(
            initial={"version": form.version, **{k: as_text(v) for k, v in form.values().items()}}
        )
        # What was typed is saved: say so, so that the form's error summary does not claim
        # otherwise, then name each missing field next to it.
        summary = ["Your changes were saved.", *refusal.get("__all__", [])]
        if "password" in refusal:
            summary.append("Sign-off refused: the password is not correct.")
        refused.errors["__all__"] = refused.error_class(summary)
        for name, field_messages in refusal.items():
            if name in refused.fields:
                refused.errors[name] = refused.error_class(field_messages)
        return _form_page(request, form, edit_form=refused, status=400)
    return redirect("rems:form", form_id=form.public_id)


@clinic_permission_required(Permission.REMS_EDIT)
@require_POST
@transaction.atomic
def submission_view(request: HttpRequest, form_id: uuid.UUID) -> HttpResponse:
    form = _form(request, form_id, Permission.REMS_EDIT)
    _audit_read(request, form, "rems_form")
    submit_form = SubmissionForm(request.POST)
    if not submit_form.is_valid():
        return _form_page(request, form, submit_form=submit_form, status=400)
    data = submit_form.cleaned_data
    try:
        services.rems_form_record_submission(
            actor=request_user(request),
            form=form,
            expected_version=data["version"],
            submitted_on=data["submitted_on"],
            method=data["method"],
            confirmation_reference=data["confirmation_reference"],
        )
    except services.RemsFormConflict as error:
        form.refresh_from_db()
        return _form_page(request, form, errors=[str(error)], status=409)
    except ValidationError as error:
        general: list[str] = []
        for name, messages in error.message_dict.items():
            if name in submit_form.fields:
                submit_form.add_error(name, messages)
            else:
                general.extend(messages)
        return _form_page(request, form, submit_form=submit_form, errors=general, status=400)
    return redirect(reverse("rems:form", kwargs={"form_id": form.public_id}))


@clinic_permission_required(Permission.REMS_VIEW)
@require_GET
@transaction.atomic
def print_view(request: HttpRequest, form_id: uuid.UUID) -> HttpResponse:
    form = _form(request, form_id, Permission.REMS_VIEW)
    _audit_read(request, form, "rems_form_print")
    values = form.values()
    with timezone.override(ZoneInfo(form.patient.clinic.timezone)):
        return _render_print(request, form, values)


def _render_print(
    request: HttpRequest, form: RemsMonitoringForm, values: dict[str, Any]
) -> HttpResponse:
    spec = rems_form_spec()
    return render(
        request,
        "rems/print.html",
        {
            "form_record": form,
            "spec": spec,
            "sections": _sections(form, None),
            "missing": [spec.field(i) for i in rems_missing(values)],
            "warnings": form.signed_warnings if not form.is_draft else rems_warnings(values),
        },
    )
