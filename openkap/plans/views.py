"""Plan and schedule pages. Every page that shows patient data writes a read row to the audit trail;
every change goes through openkap.plans.services."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.icd10 import icd10_description
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.plans import ical, selectors, services
from openkap.plans.forms import (
    AssignForm,
    CancelForm,
    MoveForm,
    OutcomeForm,
    PlanForm,
    PlanSignForm,
    PlanStopForm,
)
from openkap.plans.models import OPEN_STATUSES, Appointment, TreatmentPlan


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
        category=Category.PLANS,
        actor=request_user(request),
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": view},
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _to_schedule(patient: Patient) -> HttpResponse:
    return redirect(reverse("plans:patient", kwargs={"public_id": patient.public_id}))


# --- The patient's plans and schedule -----------------------------------------------------------


def _patient_page(
    request: HttpRequest,
    patient: Patient,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    forms_for: dict[int, forms.Form] | None = None,
    stop_form: forms.Form | None = None,
    sign_form: PlanSignForm | None = None,
    feed_link: str = "",
) -> HttpResponse:
    user = request_user(request)
    _audit_read(request, patient, "plans")
    can_view_plan = user_can(user, Permission.PLAN_VIEW, patient.clinic_id)
    plans = list(selectors.plans_for(patient)) if can_view_plan else []
    appointments = list(selectors.appointments_for(patient))
    forms_for = forms_for or {}
    clinicians = [(c.pk, c.display_name()) for c in services.clinicians_of(patient.clinic_id)]
    now = timezone.now()
    rows = [
        {
            "appointment": appointment,
            "open": appointment.status in OPEN_STATUSES,
            "move_form": (
                forms_for.get(appointment.pk)
                if isinstance(forms_for.get(appointment.pk), MoveForm)
                else MoveForm(
                    prefix=f"m{appointment.pk}",
                    initial={
                        "appointment": appointment.pk,
                        "version": appointment.version,
                        "starts_at": timezone.localtime(appointment.starts_at),
                    },
                )
            ),
            "cancel_form": (
                forms_for.get(appointment.pk)
                if isinstance(forms_for.get(appointment.pk), CancelForm)
                else CancelForm(
                    prefix=f"c{appointment.pk}",
                    initial={"appointment": appointment.pk, "version": appointment.version},
                )
            ),
            "assign_form": (
                forms_for.get(appointment.pk)
                if isinstance(forms_for.get(appointment.pk), AssignForm)
                else AssignForm(
                    prefix=f"a{appointment.pk}",
                    clinicians=clinicians,
                    initial={
                        "appointment": appointment.pk,
                        "version": appointment.version,
                        "clinician": appointment.clinician_id,
                    },
                )
            ),
            "outcome_form": (
                forms_for.get(appointment.pk)
                if isinstance(forms_for.get(appointment.pk), OutcomeForm)
                else OutcomeForm(
                    prefix=f"o{appointment.pk}",
                    initial={"appointment": appointment.pk, "version": appointment.version},
                )
            ),
            # Its time has come: the outcome (done, missed) can be recorded.
            "due": appointment.starts_at <= now,
            "failed": appointment.pk in forms_for,
        }
        for appointment in appointments
    ]
    context: dict[str, Any] = {
        "patient": patient,
        "plans": plans,
        "open_plan": next((p for p in plans if p.status in ("draft", "active")), None),
        "rows": rows,
        "errors": errors or [],
        "can_view_plan": can_view_plan,
        "can_edit_plan": user_can(user, Permission.PLAN_EDIT, patient.clinic_id),
        "can_edit_schedule": user_can(user, Permission.SCHEDULE_EDIT, patient.clinic_id),
        "stop_form": stop_form or PlanStopForm(),
        "sign_form": sign_form or PlanSignForm(),
        "eligible": services.eligible_screening(patient) is not None,
        "feed": selectors.patient_feed(patient),
        "feed_link": feed_link,
        "clinic_timezone": patient.clinic.timezone,
    }
    return render(request, "plans/patient.html", context, status=status)


@staff_required
@require_GET
@transaction.atomic
def patient_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCHEDULE_VIEW)
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        return _patient_page(request, patient)


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def plan_create_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.PLAN_EDIT)
    screening = services.eligible_screening(patient)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    services.plan_create(
                        actor=request_user(request),
                        patient=patient,
                        indication_code=data["indication_code"],
                        route=data["route"],
                        setting=data["setting"],
                        psychotherapy=data["psychotherapy"],
                        format=data["format"],
                        protocol_id=data["protocol_id"],
                        start_date=data["start_date"],
                        sessions=data["sessions"],
                    )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _to_schedule(patient)
        status = 400
    else:
        initial: dict[str, Any] = {"start_date": timezone.localdate() + timedelta(days=7)}
        if screening is not None:
            initial.update(route=screening.route, setting=screening.setting)
        form = PlanForm(initial=initial)
    _audit_read(request, patient, "plan_form")
    return render(
        request,
        "plans/plan_form.html",
        {"patient": patient, "form": form, "screening": screening},
        status=status,
    )


def _plan_of(patient: Patient, plan_id: int) -> TreatmentPlan:
    plan = TreatmentPlan.objects.select_related("patient__clinic").filter(
        pk=plan_id, patient=patient
    )
    found = plan.first()
    if found is None:
        raise Http404("No such plan.")
    return found


def _appointment_of(patient: Patient, appointment_id: int) -> Appointment:
    found = (
        Appointment.objects.select_related("patient__clinic", "plan")
        .filter(pk=appointment_id, patient=patient)
        .first()
    )
    if found is None:
        raise Http404("No such appointment.")
    return found


def _refused(
    request: HttpRequest, patient: Patient, error: Exception, **extra: Any
) -> HttpResponse:
    if isinstance(error, services.PlanConflict):
        return _patient_page(request, patient, status=409, errors=[str(error)], **extra)
    assert isinstance(error, ValidationError)
    messages = [
        message
        for field, field_messages in getattr(error, "message_dict", {"": error.messages}).items()
        for message in field_messages
    ]
    return _patient_page(request, patient, status=400, errors=messages, **extra)


@staff_required
@require_POST
@transaction.atomic
def plan_activate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.PLAN_EDIT)
    form = PlanSignForm(request.POST)
    if not form.is_valid():
        if "plan" in form.errors or "version" in form.errors:
            return _patient_page(request, patient, status=400, errors=["Choose a plan to sign."])
        return _patient_page(request, patient, status=400, sign_form=form)
    plan = _plan_of(patient, form.cleaned_data["plan"])
    try:
        # Not inside a savepoint: the refused password is audited even though nothing is signed.
        services.plan_activate(
            request=request,
            actor=request_user(request),
            plan=plan,
            expected_version=form.cleaned_data["version"],
            password=form.cleaned_data["password"],
        )
    except ValidationError as error:
        if "password" in getattr(error, "message_dict", {}):
            _add_errors(form, error)
            return _patient_page(request, patient, status=400, sign_form=form)
        return _refused(request, patient, error)
    except services.PlanConflict as error:
        return _refused(request, patient, error)
    return _to_schedule(patient)


@staff_required
@require_POST
@transaction.atomic
def plan_stop_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.PLAN_EDIT)
    form = PlanStopForm(request.POST)
    if not form.is_valid():
        return _patient_page(request, patient, status=400, stop_form=form)
    plan = _plan_of(patient, form.cleaned_data["plan"])
    try:
        with transaction.atomic():
            services.plan_stop(
                actor=request_user(request),
                plan=plan,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
    except (ValidationError, services.PlanConflict) as error:
        return _refused(request, patient, error, stop_form=form)
    return _to_schedule(patient)


def _appointment_id(request: HttpRequest) -> int | None:
    text = str(request.POST.get("appointment_id", ""))
    return int(text) if text.isdigit() else None


@staff_required
@require_POST
@transaction.atomic
def appointment_move_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCHEDULE_EDIT)
    appointment_id = _appointment_id(request)
    if appointment_id is None:
        return _patient_page(request, patient, status=400, errors=["Choose an appointment."])
    appointment = _appointment_of(patient, appointment_id)
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        form = MoveForm(request.POST, prefix=f"m{appointment.pk}")
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.appointment_move(
                        actor=request_user(request),
                        appointment=appointment,
                        expected_version=form.cleaned_data["version"],
                        starts_at=form.cleaned_data["starts_at"],
                        reason=form.cleaned_data["reason"],
                    )
            except services.PlanConflict as error:
                return _refused(request, patient, error)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _to_schedule(patient)
        return _patient_page(request, patient, status=400, forms_for={appointment.pk: form})


@staff_required
@require_POST
@transaction.atomic
def appointment_cancel_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCHEDULE_EDIT)
    appointment_id = _appointment_id(request)
    if appointment_id is None:
        return _patient_page(request, patient, status=400, errors=["Choose an appointment."])
    appointment = _appointment_of(patient, appointment_id)
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        form = CancelForm(request.POST, prefix=f"c{appointment.pk}")
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.appointment_cancel(
                        actor=request_user(request),
                        appointment=appointment,
                        expected_version=form.cleaned_data["version"],
                        reason=form.cleaned_data["reason"],
                    )
            except services.PlanConflict as error:
                return _refused(request, patient, error)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _to_schedule(patient)
        return _patient_page(request, patient, status=400, forms_for={appointment.pk: form})


@staff_required
@require_POST
@transaction.atomic
def appointment_outcome_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record what happened: done (not for a dosing session, whose chart does it) or missed."""
    patient = _patient(request, public_id, Permission.SCHEDULE_EDIT)
    appointment_id = _appointment_id(request)
    if appointment_id is None:
        return _patient_page(request, patient, status=400, errors=["Choose an appointment."])
    appointment = _appointment_of(patient, appointment_id)
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        form = OutcomeForm(request.POST, prefix=f"o{appointment.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if data["outcome"] == "done":
                        services.appointment_complete(
                            actor=request_user(request),
                            appointment=appointment,
                            expected_version=data["version"],
                            note=data["note"],
                        )
                    else:
                        services.appointment_mark_missed(
                            actor=request_user(request),
                            appointment=appointment,
                            expected_version=data["version"],
                            reason=data["note"],
                        )
            except (services.PlanConflict, ValidationError) as error:
                # Shown at the top of the page: a closed appointment no longer has this form.
                return _refused(request, patient, error)
            else:
                return _to_schedule(patient)
        return _patient_page(request, patient, status=400, forms_for={appointment.pk: form})


@staff_required
@require_POST
@transaction.atomic
def appointment_assign_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.SCHEDULE_EDIT)
    appointment_id = _appointment_id(request)
    if appointment_id is None:
        return _patient_page(request, patient, status=400, errors=["Choose an appointment."])
    appointment = _appointment_of(patient, appointment_id)
    clinicians = services.clinicians_of(patient.clinic_id)
    form = AssignForm(
        request.POST,
        prefix=f"a{appointment.pk}",
        clinicians=[(c.pk, c.display_name()) for c in clinicians],
    )
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        if form.is_valid():
            chosen = form.cleaned_data["clinician"]
            try:
                with transaction.atomic():
                    services.appointment_assign(
                        actor=request_user(request),
                        appointment=appointment,
                        expected_version=form.cleaned_data["version"],
                        clinician=next((c for c in clinicians if c.pk == chosen), None),
                    )
            except services.PlanConflict as error:
                return _refused(request, patient, error)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return _to_schedule(patient)
        return _patient_page(request, patient, status=400, forms_for={appointment.pk: form})


@staff_required
@require_POST
@transaction.atomic
def patient_feed_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Regenerate (or revoke) the patient's calendar feed; the new link is shown once."""
    patient = _patient(request, public_id, Permission.SCHEDULE_EDIT)
    user = request_user(request)
    link = ""
    if request.POST.get("action") == "revoke":
        feed = selectors.patient_feed(patient)
        if feed is not None:
            services.feed_revoke(actor=user, feed=feed)
    else:
        _feed, token = services.feed_issue_for_patient(actor=user, patient=patient)
        link = request.build_absolute_uri(reverse("plans:ical", kwargs={"token": token}))
    with timezone.override(ZoneInfo(patient.clinic.timezone)):
        return _patient_page(request, patient, feed_link=link)


# --- Clinic-wide schedule and the clinician's own feed ------------------------------------------


@clinic_permission_required(Permission.SCHEDULE_VIEW)
@require_GET
@transaction.atomic
def schedule_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    user = request_user(request)
    zone = ZoneInfo(clinic.timezone)
    try:
        first_day = date.fromisoformat(str(request.GET.get("date", "")))
    except ValueError:
        first_day = timezone.localtime(timezone.now(), zone).date()
    span = "day" if request.GET.get("span") == "day" else "week"
    if span == "week":
        first_day -= timedelta(days=first_day.weekday())
    days = 1 if span == "day" else 7
    with timezone.override(zone):
        appointments = list(
            selectors.clinic_schedule(user=user, clinic=clinic, first_day=first_day, days=days)
        )
        audit_record(
            action=Action.READ,
            category=Category.PLANS,
            actor=user,
            clinic=clinic,
            object_type="clinic_schedule",
            detail={"view": "clinic_schedule", "span": span, "count": len(appointments)},
        )
        by_day: list[tuple[date, list[Appointment]]] = []
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            by_day.append(
                (day, [a for a in appointments if timezone.localtime(a.starts_at).date() == day])
            )
        step = timedelta(days=days)
        return render(
            request,
            "plans/schedule.html",
            {
                "clinic": clinic,
                "span": span,
                "first_day": first_day,
                "by_day": by_day,
                "previous": first_day - step,
                "next": first_day + step,
                "count": len(appointments),
                "now": timezone.now(),
                "can_edit_schedule": user_can(user, Permission.SCHEDULE_EDIT, clinic.pk),
            },
        )


@clinic_permission_required(Permission.SCHEDULE_VIEW)
@require_http_methods(["GET", "POST"])
@transaction.atomic
def feeds_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    user = request_user(request)
    link = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed = selectors.clinician_feed(user, clinic)
            if feed is not None:
                services.feed_revoke(actor=user, feed=feed)
        else:
            _feed, token = services.feed_issue_for_clinician(actor=user, clinic=clinic)
            link = request.build_absolute_uri(reverse("plans:ical", kwargs={"token": token}))
    return render(
        request,
        "plans/feeds.html",
        {"clinic": clinic, "feed": selectors.clinician_feed(user, clinic), "feed_link": link},
    )


@require_GET
@transaction.atomic
def ical_view(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app fetches this without a session: the token in the URL is the credential."""
    feed = selectors.feed_live(token)
    if feed is None:
        raise Http404("No such calendar.")
    if feed.user is not None and not (
        feed.user.is_active and user_can(feed.user, Permission.SCHEDULE_VIEW, feed.clinic_id)
    ):
        # A clinician who left the clinic (or lost the role) no longer gets the feed.
        raise PermissionDenied
    if feed.created_by.kind == User.Kind.PATIENT and not feed.created_by.is_active:
        # A link the patient made in the portal ends with their portal account.
        raise PermissionDenied
    events = selectors.feed_events(feed)
    audit_record(
        action=Action.READ,
        category=Category.PLANS,
        actor=feed.user,
        username="" if feed.user else "calendar-feed",
        clinic=feed.clinic,
        patient=feed.patient,
        object_type="calendar_feed",
        object_id=feed.pk,
        detail={"view": "ical", "owner": feed.owner, "count": len(events)},
    )
    type(feed).objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    name = (
        f"{feed.clinic.name}: my appointments"
        if feed.owner == "clinician"
        else f"{feed.clinic.name}: your appointments"
    )
    body = ical.calendar(name, events, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openkap.ics"'
    return response


def indication_text(code: str) -> str:
    description = icd10_description(code)
    return f"{code} {description}" if description else code
