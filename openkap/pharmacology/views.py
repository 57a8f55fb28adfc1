"""The pharmacology pages: the clinic's threshold for the predicted-concentration estimate (its
administrator), and the IV infusion planner (a prescriber plans; a nurse may open it and read how it
works). The planner only proposes: nothing is charted or ordered from it.

Opened for a patient's session, the planner reads patient data (the session's weight and dose) and
the read is audited; opened on its own it involves no patient."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.models import Clinic
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import pk
from openkap.dosing import selectors as dosing_selectors
from openkap.dosing.models import DosingSession
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.pharmacology import prediction as pred
from openkap.pharmacology import selectors, services
from openkap.pharmacology.forms import PlannerForm, ThresholdForm

# --- The clinic's threshold ----------------------------------------------------------------------


@clinic_permission_required(Permission.RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    """The clinic administrator sets the concentration the estimate compares with."""
    clinic = active_clinic(request)
    threshold = selectors.clinic_threshold(clinic)
    form = ThresholdForm(
        request.POST or None,
        initial={"threshold_ng_per_ml": threshold.value, "version": threshold.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pharmacology_settings_update(
                actor=request_user(request),
                clinic=clinic,
                threshold_ng_per_ml=form.cleaned_data["threshold_ng_per_ml"],
                expected_version=form.cleaned_data["version"],
            )
        except services.SettingsConflict as conflict:
            threshold = selectors.clinic_threshold(clinic)
            form = ThresholdForm(
                initial={"threshold_ng_per_ml": threshold.value, "version": threshold.version}
            )
            form.is_bound = False
            return _settings_page(request, clinic, form, threshold, [str(conflict)], 409)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Threshold saved.")
            return redirect("pharmacology:settings")
    return _settings_page(request, clinic, form, threshold, [], 400 if form.errors else 200)


def _settings_page(
    request: HttpRequest,
    clinic: Clinic,
    form: ThresholdForm,
    threshold: selectors.Threshold,
    errors: list[str],
    status: int,
) -> HttpResponse:
    return render(
        request,
        "pharmacology/settings.html",
        {"clinic": clinic, "form": form, "threshold": threshold, "errors": errors},
        status=status,
    )


# --- The infusion planner ------------------------------------------------------------------------


def _plan(form: PlannerForm, threshold: float) -> dict[str, Any] | None:
    """The plan for a valid form; a refusal is put on the field it names."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return pred.plan_infusion(
            model=pk.pk_model_get(data["model"]),
            weight_kg=data["weight_kg"],
            target_ng_per_ml=data["target_ng_per_ml"],
            duration_min=data["duration_min"],
            step_min=data["step_min"],
            loading_bolus=data["loading_bolus"],
            concentration_mg_per_ml=data["concentration_mg_per_ml"],
            threshold_ng_per_ml=threshold,
        )
    except (pk.PkInputError, pred.PlannerRefusal) as error:
        field, message = pred.error_field_and_message(error)
        if field in form.fields:
            form.add_error(field, message)
        else:
            form.add_error(None, f"{field}: {message}" if field else message)
        return None


def _planner_page(
    request: HttpRequest,
    form: PlannerForm,
    *,
    session: DosingSession | None = None,
    refusal: str = "",
) -> HttpResponse:
    clinic = session.patient.clinic if session else active_clinic(request)
    user = request_user(request)
    can_plan = user_can(user, Permission.DOSING_CONFIRM, clinic.pk)
    threshold = selectors.clinic_threshold(clinic)
    plan = _plan(form, threshold.value) if form.is_bound and not refusal else None
    model_id = form.data.get("model") if form.is_bound else form.initial.get("model")
    model = next((m for m in pk.pk_models_for_route("iv") if m.id == model_id), None)
    context = {
        "form": form,
        "plan": plan,
        "session": session,
        "patient": session.patient if session else None,
        "can_plan": can_plan,
        "threshold": threshold,
        "model": pred.model_label(model or pk.pk_models_for_route("iv")[0]),
        "refusal": refusal,
    }
    status = 400 if refusal or (form.is_bound and form.errors) else 200
    return render(request, "pharmacology/planner.html", context, status=status)


def _planner_initial() -> dict[str, Any]:
    models = pk.pk_models_for_route("iv")
    return {"model": models[0].id if models else "", "step_min": 5.0}


@clinic_permission_required(Permission.DOSING_CHART)
@require_http_methods(["GET", "POST"])
def planner_view(request: HttpRequest) -> HttpResponse:
    """The planner on its own: no patient. A prescriber plans; a nurse reads the page."""
    if request.method == "POST":
        if not user_can(
            request_user(request), Permission.DOSING_CONFIRM, active_clinic(request).pk
        ):
            raise PermissionDenied
        return _planner_page(request, PlannerForm(request.POST))
    return _planner_page(request, PlannerForm(initial=_planner_initial()))


def _session_of(request: HttpRequest, patient: Patient) -> DosingSession | None:
    source = request.POST if request.method == "POST" else request.GET
    try:
        appointment_id = int(str(source.get("appointment", "")))
    except ValueError:
        return None
    appointment = dosing_selectors.dosing_appointment_of(patient, appointment_id)
    return dosing_selectors.dosing_session_of(appointment) if appointment else None


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def planner_session_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The planner opened from a patient's session: weight, duration and the solution's
    concentration filled in from the session's confirmed dose. The read is audited."""
    user = request_user(request)
    try:
        patient = patient_get_for_user(
            user=user, public_id=public_id, permission=Permission.DOSING_CHART
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None
    if request.method == "POST" and not user_can(
        user, Permission.DOSING_CONFIRM, patient.clinic_id
    ):
        raise PermissionDenied
    session = _session_of(request, patient)
    if session is None:
        return render(
            request,
            "dosing/none.html",
            {"message": "appointment: no dosing session of this patient was given."},
            status=400,
        )
    audit_record(
        action=Action.READ,
        category=Category.DOSING,
        actor=user,
        patient=patient,
        object_type="dosing_session",
        object_id=session.pk,
        detail={"view": "pk_planner"},
    )
    if session.plan.route != "iv":
        refusal = (
            f"The infusion planner is for IV infusions only; this session's route is "
            f"{session.plan.get_route_display()}."
        )
        return _planner_page(
            request, PlannerForm(initial=_planner_initial()), session=session, refusal=refusal
        )
    if request.method == "POST":
        return _planner_page(request, PlannerForm(request.POST), session=session)
    initial = _planner_initial()
    weight = selectors.session_weight(session)
    if weight.kg is not None:
        initial["weight_kg"] = weight.kg
    infusion = selectors.session_infusion_min(session)
    if infusion:
        initial["duration_min"] = infusion
    concentration = selectors.session_concentration_mg_per_ml(session)
    if concentration:
        initial["concentration_mg_per_ml"] = round(concentration, 3)
    return _planner_page(request, PlannerForm(initial=initial), session=session)
