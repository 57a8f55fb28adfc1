"""Dosing-session pages: today's sessions, the BEFORE gate (form and result) and the override."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

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
from openkap.dosing import selectors, services
from openkap.dosing.forms import GateForm, OverrideForm, yes_no
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.plans.models import Appointment


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _audit_read(request: HttpRequest, patient: Patient, view: str) -> None:
    audit_record(
        action=Action.READ,
        category=Category.DOSING,
        actor=request_user(request),
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": view},
    )


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@clinic_permission_required(Permission.DOSING_GATE)
@require_http_methods(["GET"])
@transaction.atomic
def today_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    with timezone.override(ZoneInfo(clinic.timezone)):
        day = timezone.localdate()
        appointments = list(selectors.dosing_appointments_on(clinic=clinic, day=day))
        audit_record(
            action=Action.READ,
            category=Category.DOSING,
            actor=request_user(request),
            clinic=clinic,
            object_type="dosing_today",
            detail={"view": "dosing_today", "count": len(appointments)},
        )
        rows = [(a, getattr(a, "dosing_session", None)) for a in appointments]
        return render(request, "dosing/today.html", {"clinic": clinic, "day": day, "rows": rows})


def _gate_page(
    request: HttpRequest,
    patient: Patient,
    appointment: Appointment,
    *,
    form: GateForm | None = None,
    override_form: OverrideForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    session = selectors.dosing_session_of(appointment)
    version = session.version if session else 0
    if form is None:
        form = GateForm(
            initial={"appointment": appointment.pk, "version": version, **_last(session)}
        )
    if override_form is None and session is not None:
        override_form = OverrideForm(initial={"version": session.version})
    user = request_user(request)
    context: dict[str, Any] = {
        "patient": patient,
        "appointment": appointment,
        "session": session,
        "form": form,
        "override_form": override_form,
        "errors": errors or [],
        "can_override": user_can(user, Permission.DOSING_OVERRIDE, patient.clinic_id),
        "esketamine": appointment.plan.route == "intranasal_esketamine",
    }
    return render(request, "dosing/gate.html", context, status=status)


def _yes_no_text(value: object) -> str:
    if value is True:
        return "yes"
    return "no" if value is False else ""


def _last(session: DosingSession | None) -> dict[str, object]:
    """The answers last recorded, to start from when the gate is recorded again."""
    if session is None:
        return {}
    a = session.gate_answers
    suicide = ""
    if a.get("suicide_check_done"):
        suicide = "positive" if a.get("suicide_check_positive") else "negative"
    return {
        "fasting": _yes_no_text(a.get("fasting")),
        "no_alcohol": _yes_no_text(a.get("no_alcohol")),
        "escort_name": a.get("escort_name", ""),
        **{m: a.get(m) for m in ("systolic", "diastolic", "heart_rate", "spo2")},
        "interacting_held": _yes_no_text(a.get("interacting_held")),
        "suicide_check": suicide,
        "rems_enrolled": _yes_no_text(a.get("rems_enrolled")),
        "eye_mask": session.eye_mask,
        "music": session.music,
        "agreed_signal": session.agreed_signal,
    }


def _nothing_to_act_on(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dosing/none.html",
        {"message": "appointment: no dosing appointment of this patient was given."},
        status=400,
    )


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def gate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_GATE)
    source = request.POST if request.method == "POST" else request.GET
    appointment = selectors.dosing_appointment_of(patient, _int(source.get("appointment", "")))
    if appointment is None:
        return _nothing_to_act_on(request)
    _audit_read(request, patient, "dosing_gate")
    if request.method == "GET":
        return _gate_page(request, patient, appointment)
    form = GateForm(request.POST)
    if not form.is_valid():
        return _gate_page(request, patient, appointment, form=form, status=400)
    data = form.cleaned_data
    nurse = services.NurseAnswers(
        fasting=yes_no(data["fasting"]),
        no_alcohol=yes_no(data["no_alcohol"]),
        escort_name=data["escort_name"],
        systolic=data["systolic"],
        diastolic=data["diastolic"],
        heart_rate=data["heart_rate"],
        spo2=data["spo2"],
        interacting_held=yes_no(data["interacting_held"]),
        suicide_check=data["suicide_check"],
        rems_enrolled=yes_no(data["rems_enrolled"]),
        eye_mask=data["eye_mask"],
        music=data["music"],
        agreed_signal=data["agreed_signal"],
    )
    try:
        services.dosing_gate_record(
            actor=request_user(request),
            appointment=appointment,
            nurse=nurse,
            expected_version=data["version"],
        )
    except services.DosingConflict as error:
        return _gate_page(request, patient, appointment, errors=[str(error)], status=409)
    except ValidationError as error:
        return _gate_page(request, patient, appointment, errors=error.messages, status=400)
    return redirect(
        reverse("dosing:gate", kwargs={"public_id": patient.public_id})
        + f"?appointment={appointment.pk}"
    )


@staff_required
@require_POST
def override_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_OVERRIDE)
    appointment = selectors.dosing_appointment_of(patient, _int(request.POST.get("appointment")))
    session: DosingSession | None = None
    if appointment is not None:
        session = selectors.dosing_session_of(appointment)
    if appointment is None or session is None:
        return _nothing_to_act_on(request)
    _audit_read(request, patient, "dosing_gate")
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _gate_page(request, patient, appointment, override_form=form, status=400)
    try:
        services.dosing_gate_override(
            request=request,
            actor=request_user(request),
            session=session,
            reason=form.cleaned_data["reason"],
            password=form.cleaned_data["password"],
            expected_version=form.cleaned_data["version"],
        )
    except services.DosingConflict as error:
        return _gate_page(request, patient, appointment, errors=[str(error)], status=409)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return _gate_page(request, patient, appointment, override_form=form, status=400)
    return redirect(
        reverse("dosing:gate", kwargs={"public_id": patient.public_id})
        + f"?appointment={appointment.pk}"
    )
