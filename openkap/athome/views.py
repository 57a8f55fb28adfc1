"""Pages of the at-home programme: the patient's (portal) and the care team's."""

from __future__ import annotations

import uuid
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
)
from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.athome import selectors, services
from openkap.athome.forms import (
    AcknowledgeForm,
    CheckinForm,
    CountForm,
    DispenseForm,
    LinkForm,
    ReportForm,
    ReturnForm,
)
from openkap.athome.models import AtHomeAlert, CheckIn, Dispensing
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.athome import load_checkin
from openkap.inventory.forms import witnesses_for
from openkap.inventory.models import DosageForm, Lot
from openkap.outcomes import selectors as outcomes_selectors
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.plans.models import Appointment, AppointmentKind
from openkap.portal.decorators import patient_required, portal_account
from openkap.screening.models import Setting


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _read(actor: User, patient: Patient, view: str, **detail: object) -> None:
    audit_record(
        action=Action.READ,
        category=Category.AT_HOME,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": view, **detail},
    )


def _zone(patient: Patient) -> ZoneInfo:
    return ZoneInfo(patient.clinic.timezone)


# --- The patient, in the portal ---------------------------------------------------------------------


def _my_session(request: HttpRequest, appointment_id: int) -> tuple[Patient, Appointment]:
    patient = portal_account(request).patient
    appointment = (
        Appointment.objects.filter(
            pk=appointment_id,
            patient=patient,
            kind=AppointmentKind.DOSING,
            plan__setting=Setting.AT_HOME,
        )
        .select_related("plan")
        .first()
    )
    if appointment is None:
        raise Http404
    return patient, appointment


@patient_required
@require_GET
@transaction.atomic
def me_view(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    patient = account.patient
    plan = selectors.at_home_plan(patient)
    with timezone.override(_zone(patient)):
        rows = selectors.session_rows(plan) if plan else []
        dispensings = selectors.dispensings(patient)
        _read(account.user, patient, "portal at-home programme")
        return render(
            request,
            "athome/me.html",
            {
                "patient": patient,
                "plan": plan,
                "steps": selectors.screening_steps(patient, plan),
                "rows": rows,
                "next": selectors.next_session(rows),
                "virtual": selectors.virtual_sessions(plan) if plan else [],
                "dispensings": dispensings,
                "counts": selectors.counts(patient),
                "count_form": CountForm(
                    dispensings=Dispensing.objects.filter(patient=patient).order_by("-dispensed_on")
                ),
                "clinic": patient.clinic,
            },
        )


@patient_required
@require_POST
def count_view(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    patient = account.patient
    form = CountForm(request.POST, dispensings=Dispensing.objects.filter(patient=patient))
    if form.is_valid():
        try:
            count = services.patient_count_record(
                user=account.user,
                patient=patient,
                dispensing=form.cleaned_data["dispensing"],
                counted_units=form.cleaned_data["counted_units"],
                context=form.cleaned_data["context"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if count.discrepancy:
                messages.warning(
                    request,
                    f"Thank you. Your count ({count.counted_units}) is not what we expected "
                    f"({count.expected_units}): your care team will contact you. Keep your "
                    "tablets or troches locked away.",
                )
            else:
                messages.success(request, "Thank you: your count matches our record.")
    else:
        messages.error(
            request,
            "The count was not saved: "
            + "; ".join(
                f"{form.fields[n].label if n in form.fields else ''}: {' '.join(map(str, e))}"
                for n, e in form.errors.items()
            ),
        )
    return redirect("athome:me")


@patient_required
@require_http_methods(["GET", "POST"])
def checkin_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    account = portal_account(request)
    patient, appointment = _my_session(request, appointment_id)
    form = CheckinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_submit(
                user=account.user,
                patient=patient,
                appointment=appointment,
                answers=form.answers(patient.legal_name()),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("athome:checkin_result", checkin_id=checkin.pk)
    with transaction.atomic(), timezone.override(_zone(patient)):
        _read(account.user, patient, "portal at-home check-in", appointment=appointment.pk)
        return render(
            request,
            "athome/checkin.html",
            {
                "form": form,
                "appointment": appointment,
                "bp_question": load_checkin().item("blood_pressure").question,
                "clinic": patient.clinic,
            },
            status=400 if form.errors else 200,
        )


@patient_required
@require_GET
@transaction.atomic
def checkin_result_view(request: HttpRequest, checkin_id: int) -> HttpResponse:
    account = portal_account(request)
    patient = account.patient
    checkin = get_object_or_404(
        CheckIn.objects.select_related("appointment__plan"), pk=checkin_id, patient=patient
    )
    latest = selectors.latest_checkin(checkin.appointment)
    with timezone.override(_zone(patient)):
        _read(account.user, patient, "portal at-home check-in result", checkin=checkin.pk)
        return render(
            request,
            "athome/checkin_result.html",
            {
                "checkin": checkin,
                "is_latest": latest is not None and latest.pk == checkin.pk,
                "dose_taken": hasattr(checkin, "dose"),
                "clinic": patient.clinic,
            },
        )


@patient_required
@require_POST
def dose_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    account = portal_account(request)
    patient, appointment = _my_session(request, appointment_id)
    try:
        services.dose_taken_record(user=account.user, patient=patient, appointment=appointment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("athome:me")
    messages.success(
        request,
        "Recorded. Stay seated or lying down with your monitor for the whole session. Afterwards, "
        "tell us how it went.",
    )
    return redirect("athome:report", appointment_id=appointment.pk)


@patient_required
@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    account = portal_account(request)
    patient, appointment = _my_session(request, appointment_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_submit(
                user=account.user,
                patient=patient,
                appointment=appointment,
                how_it_went=form.cleaned_data["how_it_went"],
                journal=form.cleaned_data["journal"],
                side_effects=[
                    services.SideEffect(term, severity, description)
                    for term, severity, description in form.side_effects()
                ],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                "Thank you: your report was sent to your care team. They will read it, but may "
                "not see it right away.",
            )
            return redirect("athome:me")
    with transaction.atomic(), timezone.override(_zone(patient)):
        _read(account.user, patient, "portal at-home report", appointment=appointment.pk)
        return render(
            request,
            "athome/report.html",
            {
                "form": form,
                "appointment": appointment,
                "questionnaires": outcomes_selectors.assignments_open_for_patient(patient),
                "clinic": patient.clinic,
            },
            status=400 if form.errors else 200,
        )


# --- The care team ----------------------------------------------------------------------------------


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


@clinic_permission_required(Permission.DOSING_VIEW)
@require_GET
@transaction.atomic
def programme_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    plans = selectors.programme_patients(clinic)
    for plan in plans:
        _read(request_user(request), plan.patient, "at-home programme list")
    with timezone.override(ZoneInfo(clinic.timezone)):
        return render(
            request,
            "athome/programme.html",
            {"plans": plans, "open_alerts": len(selectors.open_alerts(clinic))},
        )


def _lots(patient: Patient) -> Any:
    return (
        Lot.objects.filter(
            clinic=patient.clinic,
            product__dosage_form__in=[DosageForm.SUBLINGUAL, DosageForm.ORAL],
            expires_on__gte=timezone.localdate(),
        )
        .select_related("product")
        .order_by("expires_on")
    )


def _patient_page(
    request: HttpRequest,
    patient: Patient,
    *,
    dispense_form: DispenseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    plan = selectors.at_home_plan(patient)
    _read(user, patient, "at-home patient")
    can_dispense = user_can(user, Permission.CS_RECORD, patient.clinic_id)
    with timezone.override(_zone(patient)):
        return render(
            request,
            "athome/patient.html",
            {
                "patient": patient,
                "plan": plan,
                "steps": selectors.screening_steps(patient, plan),
                "rows": selectors.session_rows(plan) if plan else [],
                "virtual": selectors.virtual_sessions(plan) if plan else [],
                "dispensings": [
                    (d, services.expected_units(d)) for d in selectors.dispensings(patient)
                ],
                "counts": selectors.counts(patient),
                "alerts": selectors.alerts_for_patient(patient),
                "can_dispense": can_dispense,
                "can_link": user_can(user, Permission.DOSING_CHART, patient.clinic_id),
                "dispense_form": dispense_form
                or (DispenseForm(lots=_lots(patient)) if can_dispense else None),
                "link_form": LinkForm(),
            },
            status=status,
        )


@clinic_permission_required(Permission.DOSING_VIEW)
@require_GET
@transaction.atomic
def patient_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _patient_page(request, _patient(request, public_id, Permission.DOSING_VIEW))


@clinic_permission_required(Permission.CS_RECORD)
@require_POST
def dispense_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.CS_RECORD)
    form = DispenseForm(request.POST, lots=_lots(patient))
    plan = selectors.at_home_plan(patient)
    if form.is_valid():
        if plan is None:
            form.add_error(None, "This patient has no at-home plan.")
        else:
            data = form.cleaned_data
            try:
                services.dispensing_record(
                    actor=request_user(request),
                    patient=patient,
                    plan=plan,
                    data=services.DispenseInput(
                        lot=data["lot"],
                        units=data["units"],
                        mg_per_unit=data["lot"].product.mg_per_container,
                        units_per_session=data["units_per_session"],
                        method=data["method"],
                        carrier=data["carrier"],
                        tracking=data["tracking"],
                        dispensed_on=data["dispensed_on"],
                    ),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Dispensing recorded in the controlled-substance ledger.")
                return redirect("athome:patient", public_id=patient.public_id)
    with transaction.atomic():
        return _patient_page(request, patient, dispense_form=form, status=400)


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def return_view(request: HttpRequest, dispensing_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    dispensing = get_object_or_404(
        Dispensing.objects.select_related("patient__clinic", "lot__product"),
        pk=dispensing_id,
        clinic=clinic,
    )
    actor = request_user(request)
    form = ReturnForm(
        request.POST or None, witnesses=witnesses_for(dispensing.patient.clinic, actor)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dispensing_return(
                actor=actor,
                dispensing=dispensing,
                units=data["units"],
                reason=data["reason"],
                witness=data["witness"],
                witness_password=data["witness_password"],
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Return and destruction recorded in the ledger.")
            return redirect("athome:patient", public_id=dispensing.patient.public_id)
    with transaction.atomic():
        _read(actor, dispensing.patient, "at-home return", dispensing=dispensing.pk)
        return render(
            request,
            "athome/return.html",
            {
                "dispensing": dispensing,
                "expected": services.expected_units(dispensing),
                "form": form,
            },
            status=400 if form.errors else 200,
        )


@clinic_permission_required(Permission.DOSING_CHART)
@require_POST
def link_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    appointment = get_object_or_404(
        Appointment.objects.select_related("plan", "patient__clinic"),
        pk=appointment_id,
        patient__clinic=clinic,
    )
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.virtual_link_set(
                actor=request_user(request),
                appointment=appointment,
                join_url=form.cleaned_data["join_url"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Video link saved.")
    else:
        messages.error(
            request, "Video link: " + " ".join(str(e) for e in form.errors.get("join_url", []))
        )
    return redirect("athome:patient", public_id=appointment.patient.public_id)


@clinic_permission_required(Permission.SAFETY_VIEW)
@require_GET
@transaction.atomic
def alerts_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    alerts = selectors.open_alerts(clinic)
    done = selectors.recent_acknowledged(clinic)
    user = request_user(request)
    for patient in {a.patient_id: a.patient for a in alerts + done}.values():
        _read(user, patient, "at-home alerts")
    with timezone.override(ZoneInfo(clinic.timezone)):
        return render(
            request,
            "athome/alerts.html",
            {
                "alerts": alerts,
                "done": done,
                "form": AcknowledgeForm(),
                "can_record": user_can(user, Permission.SAFETY_RECORD, clinic.pk),
                "labels": {r.id: r for r in load_checkin().escalation_rules},
            },
        )


@clinic_permission_required(Permission.SAFETY_RECORD)
@require_POST
def acknowledge_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    alert = get_object_or_404(AtHomeAlert, pk=alert_id, clinic=clinic)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done before acknowledging the alert.")
        return redirect("athome:alerts")
    try:
        services.alert_acknowledge(
            actor=request_user(request), alert=alert, action_taken=form.cleaned_data["action_taken"]
        )
    except services.AlreadyAcknowledged:
        messages.info(request, "This alert had already been acknowledged by a colleague.")
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("athome:alerts")
