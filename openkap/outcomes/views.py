"""Staff pages of measurement-based care: the patient's scores over time, a questionnaire entered by
a clinician (or completed by the patient on a clinic tablet), the clinic's suicide-risk alerts and
the relapses awaiting a maintenance decision."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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
from openkap.clinical import instruments, outcomes
from openkap.outcomes import selectors, services
from openkap.outcomes.forms import AcknowledgeForm, MaintenanceDecisionForm, QuestionnaireForm
from openkap.outcomes.models import SuicideRiskAlert
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.plans.models import TreatmentPlan
from openkap.screening.models import QuestionnaireResponse


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _audit_read(request: HttpRequest, patient: Patient | None, view: str, **detail: object) -> None:
    audit_record(
        action=Action.READ,
        category=Category.OUTCOMES,
        actor=request_user(request),
        clinic=active_clinic(request),
        patient=patient,
        object_type="patient" if patient else "clinic",
        object_id=patient.pk if patient else active_clinic(request).pk,
        detail={"view": view, **detail},
    )


def _audit_patients_listed(request: HttpRequest, patients: list[Patient]) -> None:
    """One READ row per patient a clinic list shows, so each patient's own trail has it."""
    for patient in {p.pk: p for p in patients}.values():
        _audit_read(request, patient, "outcomes alerts")


def _chart(
    request: HttpRequest,
    patient: Patient,
    *,
    decision_form: MaintenanceDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    series = selectors.patient_series(patient)
    _audit_read(request, patient, "outcomes chart")
    plan = TreatmentPlan.objects.filter(patient=patient, status="active").first()
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        return render(
            request,
            "outcomes/chart.html",
            {
                "patient": patient,
                "series": series,
                "charts": [s.chart_data() for s in series],
                "relapse_rule": outcomes.schedule().relapse,
                "upcoming": selectors.assignments_upcoming(patient),
                "plan": plan,
                "alerts": SuicideRiskAlert.objects.filter(
                    patient=patient, acknowledged_at__isnull=True
                ),
                "can_record": user_can(user, Permission.OUTCOMES_RECORD, patient.clinic_id),
                "can_decide": user_can(user, Permission.PLAN_EDIT, patient.clinic_id),
                "decision_form": decision_form or MaintenanceDecisionForm(),
                "instrument_choices": [
                    instruments.instrument(i) for i in instruments.instrument_ids()
                ],
            },
            status=status,
        )


@clinic_permission_required(Permission.OUTCOMES_VIEW)
@require_GET
@transaction.atomic
def chart_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _chart(request, _patient(request, public_id, Permission.OUTCOMES_VIEW))


@clinic_permission_required(Permission.OUTCOMES_RECORD)
@require_http_methods(["GET", "POST"])
def record_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A clinician enters a questionnaire given on paper or by interview, or hands the clinic
    tablet to the patient, who answers it here."""
    patient = _patient(request, public_id, Permission.OUTCOMES_RECORD)
    instrument_id = request.POST.get("instrument") or request.GET.get("instrument") or "phq9"
    try:
        inst = instruments.instrument(instrument_id)
    except instruments.AnswerError:
        inst = instruments.instrument("phq9")
    form = QuestionnaireForm(inst, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        _audit_read(request, patient, "outcomes entry", instrument=inst.id)
    if request.method == "POST" and form.is_valid():
        try:
            response, alert = services.response_submit(
                actor=request_user(request),
                patient=patient,
                instrument_id=inst.id,
                answers=form.answers(),
                alert_link=request.build_absolute_uri(reverse("outcomes:alerts")),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{inst.abbreviation} saved: total {response.total} ({response.severity})."
            )
            if alert is not None:
                messages.error(
                    request,
                    "An answer indicates suicide risk: an alert was raised for the care team. "
                    "Assess the patient's safety now.",
                )
            return redirect("outcomes:chart", public_id=patient.public_id)
    return render(
        request,
        "outcomes/record.html",
        {
            "patient": patient,
            "instrument": inst,
            "form": form,
            "instrument_choices": [instruments.instrument(i) for i in instruments.instrument_ids()],
        },
        status=400 if form.errors else 200,
    )


@clinic_permission_required(Permission.OUTCOMES_RECORD)
@require_POST
def schedule_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.OUTCOMES_RECORD)
    plan = TreatmentPlan.objects.filter(patient=patient, status="active").first()
    if plan is None:
        messages.error(request, "There is no active plan to schedule questionnaires from.")
    else:
        created = services.assignments_schedule(actor=request_user(request), plan=plan)
        messages.success(request, f"{len(created)} questionnaire(s) assigned from the plan.")
    return redirect("outcomes:chart", public_id=patient.public_id)


@clinic_permission_required(Permission.PLAN_EDIT)
@require_POST
def decision_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.PLAN_EDIT)
    form = MaintenanceDecisionForm(request.POST)
    if form.is_valid():
        relapse = QuestionnaireResponse.objects.filter(
            pk=form.cleaned_data["relapse"], patient=patient
        ).first()
        if relapse is None:
            form.add_error(None, "That relapse is not this patient's. Nothing was saved.")
        else:
            try:
                services.maintenance_decision_record(
                    actor=request_user(request),
                    patient=patient,
                    relapse_response=relapse,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Maintenance decision recorded.")
                return redirect("outcomes:chart", public_id=patient.public_id)
    with transaction.atomic():
        return _chart(request, patient, decision_form=form, status=400)


@clinic_permission_required(Permission.OUTCOMES_VIEW)
@require_GET
@transaction.atomic
def alerts_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    alerts = selectors.open_alerts(clinic.pk)
    relapses = selectors.relapses_pending(clinic.pk)
    _audit_read(request, None, "outcomes alerts", alerts=len(alerts), relapses=len(relapses))
    _audit_patients_listed(request, [a.patient for a in alerts] + [p for p, _s in relapses])
    with timezone.override(ZoneInfo(clinic.timezone)):
        return render(
            request,
            "outcomes/alerts.html",
            {
                "alerts": alerts,
                "relapses": relapses,
                "form": AcknowledgeForm(),
                "can_record": user_can(
                    request_user(request), Permission.OUTCOMES_RECORD, clinic.pk
                ),
            },
        )


@clinic_permission_required(Permission.OUTCOMES_RECORD)
@require_POST
def acknowledge_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    alert = get_object_or_404(SuicideRiskAlert, pk=alert_id, clinic=clinic)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.alert_acknowledge(
                actor=request_user(request),
                alert=alert,
                action_taken=form.cleaned_data["action_taken"],
            )
        except services.AlreadyAcknowledged:
            messages.info(request, "This alert had already been acknowledged by a colleague.")
        else:
            messages.success(request, "Alert acknowledged.")
        return redirect("outcomes:alerts")
    with transaction.atomic():
        alerts = selectors.open_alerts(clinic.pk)
        relapses = selectors.relapses_pending(clinic.pk)
        _audit_read(request, None, "outcomes alerts", alerts=len(alerts))
        _audit_patients_listed(request, [a.patient for a in alerts] + [p for p, _s in relapses])
        return render(
            request,
            "outcomes/alerts.html",
            {
                "alerts": alerts,
                "relapses": relapses,
                "form": form,
                "failed_alert": alert.pk,
                "can_record": True,
            },
            status=400,
        )
