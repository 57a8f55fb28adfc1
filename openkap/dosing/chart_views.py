"""The session chart pages: the dose, the start, the monitored session (entries, vitals due, alerts,
the live chart), discharge, signature and addenda.

Forms post and redirect back (they work without JavaScript); the live part of the page is polled by
htmx so two clinicians at one session see each other's entries. Each form carries ids made when the
page was drawn (the entry's client id, the session's version), so a form sent twice is recorded once
and a form drawn before someone else's change is refused instead of overwriting it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import NotFoundForUser, request_user, staff_required
from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, user_can
from openkap.accounts.services import user_reauthenticate
from openkap.accounts.sessions import session_probe
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import session as rules
from openkap.clinical.dosing import DoseError
from openkap.clinical.instruments import instrument
from openkap.dosing import chart_services as chart
from openkap.dosing import selectors
from openkap.dosing.forms import (
    AddendumForm,
    DischargeForm,
    DoseForm,
    EntryForm,
    SignForm,
    StartForm,
    yes_no,
)
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.inventory.forms import witnesses_for
from openkap.inventory.models import Lot
from openkap.inventory.selectors import lots_with_balance
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.pharmacology.selectors import session_prediction

Kind = ChartEntry.Kind


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _session(request: HttpRequest, patient: Patient) -> DosingSession | None:
    source = request.POST if request.method == "POST" else request.GET
    try:
        appointment_id = int(str(source.get("appointment", "")))
    except ValueError:
        return None
    appointment = selectors.dosing_appointment_of(patient, appointment_id)
    return selectors.dosing_session_of(appointment) if appointment else None


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


def chart_url(session: DosingSession) -> str:
    return (
        reverse("dosing:session", kwargs={"public_id": session.patient.public_id})
        + f"?appointment={session.appointment_id}"
    )


def _no_session(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dosing/none.html",
        {"message": "appointment: no dosing session of this patient was given (record the gate)."},
        status=400,
    )


def _scores(instrument_id: str) -> list[tuple[int, str]]:
    item = instrument(instrument_id).items[0]
    return [(option.value, f"{option.value}: {option.label}") for option in item.options]


def _lots(session: DosingSession) -> list[tuple[int, str]]:
    forms = chart.DOSAGE_FORMS_OF_ROUTE.get(session.plan.route, ())
    return [
        (
            lot.pk,
            f"{lot.product.name} · lot {lot.lot_number} · expires {lot.expires_on:%Y-%m-%d} · "
            f"{lot.balance_mg} mg left",  # type: ignore[attr-defined]
        )
        for lot in lots_with_balance(clinic=session.patient.clinic)
        if lot.product.dosage_form in forms
        and lot.expires_on >= timezone.localdate()
        and lot.balance_mg > 0  # type: ignore[attr-defined]
    ]


def _witnesses(session: DosingSession, user: User) -> list[tuple[int, str]]:
    people = witnesses_for(session.patient.clinic, user)
    return [(person.pk, person.display_name()) for person in people]


def _entry_form(kind: str, data: Any = None, *, name: str = "") -> EntryForm:
    """The form of one kind of entry; its ids are its own, as the page holds one form per kind."""
    scores = None
    if kind == Kind.SEDATION:
        scores = _scores("moaas")
    elif kind == Kind.DISSOCIATION:
        scores = _scores("dissociation")
    return EntryForm(
        data,
        scores=scores,
        initial={"kind": kind, "client_id": uuid.uuid4()},
        auto_id=f"id_{name or kind}_%s",
    )


ENTRY_FORMS = (
    Kind.VITALS,
    Kind.SEDATION,
    Kind.DISSOCIATION,
    Kind.SIDE_EFFECT,
    Kind.INTERVENTION,
    Kind.NOTE,
)


def live_context(session: DosingSession) -> dict[str, Any]:
    """What the polled part of the chart shows: entries, alerts, vitals due, the chart's data."""
    entries = list(session.entries.select_related("entered_by"))
    now = timezone.now()
    start = session.dose_started_at
    proto = chart.session_protocol(session)
    due: tuple[rules.VitalDue, ...] = ()
    series: list[dict[str, Any]] = []
    if start is not None:
        elapsed = (now - start).total_seconds() / 60
        end = session.dose_ended_at or now
        dosing_minutes = (
            (end - start).total_seconds() / 60
            if session.dose_ended_at
            else (proto.infusion.minutes if proto.infusion else 0)
        )
        vitals = [e for e in entries if e.kind == Kind.VITALS]
        taken = [(e.observed_at - start).total_seconds() / 60 for e in vitals]
        # The gate's pre-dose reading is the first set of the session.
        gate = {
            m: session.gate_answers.get(m) for m in ("systolic", "diastolic", "heart_rate", "spo2")
        }
        if any(value is not None for value in gate.values()):
            gate_minute = (session.gate_recorded_at - start).total_seconds() / 60
            series.append({"minute": round(gate_minute, 1), **gate})
        if session.status == SessionStatus.IN_PROGRESS:
            due = rules.vitals_due(
                proto,
                dosing_minutes=dosing_minutes,
                elapsed_minutes=elapsed,
                # The core decides which sets count (its pre-dose window is in the data).
                taken_minutes=[*taken, *([series[0]["minute"]] if series else [])],
                until_minutes=max(proto.minimum_monitoring_minutes, elapsed),
            )
        series += [
            {
                "minute": round(minute, 1),
                **{m: getattr(e, m) for m in ("systolic", "diastolic", "heart_rate", "spo2")},
            }
            for e, minute in zip(vitals, taken, strict=True)
        ]
    labels = {t.id: t.label for t in (*rules.side_effect_terms(), *rules.interventions())}
    ratings = {
        Kind.SEDATION: dict(_scores("moaas")),
        Kind.DISSOCIATION: dict(_scores("dissociation")),
    }
    for entry in entries:
        entry.term_label = labels.get(entry.term, entry.term)  # type: ignore[attr-defined]
        if entry.score is not None and entry.kind in ratings:
            label = ratings[Kind(entry.kind)].get(entry.score, "")
            entry.score_label = label.partition(": ")[2]  # type: ignore[attr-defined]
    alerts = [(e, alert) for e in entries for alert in e.alerts]
    return {
        "session": session,
        "entries": entries,
        "alerts": alerts,
        "due": due,
        "overdue": [d for d in due if d.status == "overdue"],
        "due_now": [d for d in due if d.status == "due"],
        "series": series,
        "dosing_state": chart.dosing_state(entries),
        "elapsed": None if start is None else int((now - start).total_seconds() // 60),
        # The predicted concentration (an estimate), for the planned and the given dose.
        "pk": session_prediction(session, entries, now=now),
    }


def _page(
    request: HttpRequest,
    session: DosingSession,
    *,
    forms: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    clinic_id = session.patient.clinic_id
    given = forms or {}
    entry_forms = {kind: given.get(kind) or _entry_form(kind) for kind in ENTRY_FORMS}
    previous = chart.previous_dose(session)
    proto = chart.session_protocol(session)
    dose_initial: dict[str, Any] = {"version": session.version}
    if proto.dose.basis == "mg_per_kg":
        dose_initial["dose_mg_per_kg"] = proto.dose.default
    else:
        dose_initial["dose_mg"] = (
            float(previous.dose_mg) if previous and previous.dose_mg else proto.dose.default
        )
    if proto.infusion is not None:
        dose_initial["infusion_min"] = proto.infusion.minutes
    context: dict[str, Any] = {
        **live_context(session),
        "patient": session.patient,
        "appointment": session.appointment,
        "protocol": proto,
        "previous": previous,
        "errors": errors or [],
        "can_chart": user_can(user, Permission.DOSING_CHART, clinic_id),
        "can_confirm": user_can(user, Permission.DOSING_CONFIRM, clinic_id),
        "dose_form": given.get("dose") or DoseForm(initial=dose_initial, lots=_lots(session)),
        "start_form": given.get("start")
        or StartForm(
            initial={"version": session.version, "client_id": uuid.uuid4()},
            witnesses=_witnesses(session, user),
        ),
        "entry_forms": entry_forms,
        "control_form": _entry_form(Kind.NOTE, name="control"),
        "discharge_form": given.get("discharge")
        or DischargeForm(
            initial={
                "version": session.version,
                "escort_name": session.gate_answers.get("escort_name", ""),
            }
        ),
        "sign_form": given.get("sign") or SignForm(initial={"version": session.version}),
        "addendum_form": given.get("addendum") or AddendumForm(),
        "side_effects": rules.side_effect_terms(),
        "severities": rules.severity_grades(),
        "interventions": rules.interventions(),
        "aftercare": rules.aftercare_instructions(),
        "addenda": list(session.addenda.select_related("written_by")),
        "esketamine": session.plan.route == "intranasal_esketamine",
    }
    return render(request, "dosing/session.html", context, status=status)


def _after(session: DosingSession, anchor: str = "") -> HttpResponse:
    return redirect(chart_url(session) + (f"#{anchor}" if anchor else ""))


def _bind_errors(form: Any, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


@staff_required
@require_GET
@transaction.atomic
def session_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_VIEW)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    _audit_read(request, patient, "dosing_session")
    return _page(request, session)


@session_probe
@staff_required
@require_GET
@transaction.atomic
def live_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The polled part of the chart (a status probe: polling does not keep a session alive)."""
    patient = _patient(request, public_id, Permission.DOSING_VIEW)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    _audit_read(request, patient, "dosing_session_live")
    return render(request, "dosing/_live.html", live_context(session))


def _reauthenticated(request: HttpRequest, patient: Patient, password: str, what: str) -> bool:
    """Check the password outside any transaction, so a failure is kept (lockout, audit)."""
    user = request_user(request)
    if user_reauthenticate(request=request, user=user, password=password):
        return True
    audit_record(
        action=Action.ACCESS_DENIED,
        category=Category.DOSING,
        actor=user,
        patient=patient,
        object_type="dosing_session",
        detail={"reason": f"password refused ({what})"},
    )
    return False


def _submit(
    request: HttpRequest,
    session: DosingSession,
    name: str,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    anchor: str,
) -> HttpResponse:
    """Validate the form, make the change, and come back to the chart: at the section on success,
    with the form and its errors on a refusal, with the current chart on a conflict."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except chart.ChartConflict as conflict:
            return _refused(request, session, [str(conflict)], 409)
        except ValidationError as error:
            _bind_errors(form, error)
        else:
            return _after(session, anchor)
    if name not in DRAWN_FORMS:
        # The dosing controls (pause, resume, end, stop) are buttons: their refusal is a message.
        messages = [
            f"{field}: {m}" if field != "__all__" else m
            for field, ms in form.errors.items()
            for m in ms
        ]
        return _refused(request, session, messages, 400)
    return _refused_form(request, session, name, form)


# The forms the chart page draws with their fields (a refusal of another is shown as a message).
DRAWN_FORMS = {"dose", "start", "discharge", "sign", "addendum", *ENTRY_FORMS}


def _dose_input(data: dict[str, Any]) -> chart.DoseInput:
    return chart.DoseInput(
        dose_mg_per_kg=data.get("dose_mg_per_kg"),
        weight_kg=data.get("weight_kg"),
        dose_mg=data.get("dose_mg"),
        infusion_min=data.get("infusion_min"),
        concentration_mg_per_ml=data.get("concentration_mg_per_ml"),
        diluent_ml=data.get("diluent_ml"),
        override_reason=data.get("override_reason") or "",
    )


@staff_required
@require_POST
def dose_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CONFIRM)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    form = DoseForm(request.POST, lots=_lots(session))
    if form.is_valid() and not _reauthenticated(
        request, patient, form.cleaned_data["password"], "dose confirmation"
    ):
        form.add_error("password", "The password is not correct.")

    def write(data: dict[str, Any]) -> object:
        lot = (
            Lot.objects.filter(pk=data["lot"], clinic=patient.clinic).first()
            if data["lot"]
            else None
        )
        with transaction.atomic():
            return chart.dosing_dose_confirm(
                actor=request_user(request),
                session=session,
                dose=_dose_input(data),
                lot=lot,
                change_rationale=data["change_rationale"],
                expected_version=data["version"],
            )

    return _submit(request, session, "dose", form, write, "dose")


def _refused(
    request: HttpRequest, session: DosingSession, errors: list[str], status: int
) -> HttpResponse:
    session.refresh_from_db()
    with transaction.atomic():
        _audit_read(request, session.patient, "dosing_session")
        return _page(request, session, errors=errors, status=status)


@staff_required
@require_POST
@transaction.atomic
def dose_preview_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The calculation for the dose form as typed (htmx), before the prescriber confirms it."""
    patient = _patient(request, public_id, Permission.DOSING_CONFIRM)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    form = DoseForm(request.POST, lots=[])
    form.is_valid()
    try:
        result = chart.dose_preview(session, _dose_input(form.cleaned_data))
    except DoseError as error:
        label = form.fields[error.field].label if error.field in form.fields else error.field
        message = str(error).removeprefix(f"{error.field}: ")
        return render(request, "dosing/_dose_preview.html", {"error": f"{label}: {message}"})
    return render(request, "dosing/_dose_preview.html", {"result": result})


@staff_required
@require_POST
def start_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CHART)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    user = request_user(request)
    form = StartForm(request.POST, witnesses=_witnesses(session, user))

    def write(data: dict[str, Any]) -> object:
        witness = User.objects.filter(pk=data["witness"]).first() if data["witness"] else None
        return chart.dosing_start(
            actor=user,
            session=session,
            client_id=data["client_id"],
            observed_at=None,
            wasted_mg=data["wasted_mg"] or Decimal(0),
            witness=witness,
            witness_password=data["witness_password"],
            request=request,
            expected_version=data["version"],
        )

    return _submit(request, session, "start", form, write, "during")


def _refused_form(
    request: HttpRequest, session: DosingSession, name: str, form: Any
) -> HttpResponse:
    session.refresh_from_db()
    with transaction.atomic():
        _audit_read(request, session.patient, "dosing_session")
        return _page(request, session, forms={name: form}, status=400)


def _observed_at(session: DosingSession, value: time | None) -> datetime | None:
    """A time of day typed at the chairside, on the session's day in the clinic's time zone."""
    if value is None:
        return None
    zone = ZoneInfo(session.patient.clinic.timezone)
    day = timezone.localtime(timezone.now(), zone).date()
    return datetime.combine(day, value, tzinfo=zone)


@staff_required
@require_POST
def entry_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CHART)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    kind = request.POST.get("kind", "")
    form = _entry_form(kind, request.POST)

    def write(data: dict[str, Any]) -> object:
        entry = chart.EntryInput(
            kind=kind,
            client_id=data["client_id"],
            observed_at=_observed_at(session, data["observed_time"]),
            systolic=data["systolic"],
            diastolic=data["diastolic"],
            heart_rate=data["heart_rate"],
            spo2=data["spo2"],
            respiratory_rate=data["respiratory_rate"],
            score=data["score"],
            term=data["term"],
            severity=data["severity"],
            text=data["text"],
        )
        return chart.chart_entry_add(actor=request_user(request), session=session, entry=entry)

    return _submit(request, session, kind, form, write, "during")


@staff_required
@require_POST
def discharge_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CHART)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    form = DischargeForm(request.POST)

    def write(data: dict[str, Any]) -> object:
        return chart.dosing_discharge(
            actor=request_user(request),
            session=session,
            alert_and_oriented=yes_no(data["alert_and_oriented"]),
            escort_name=data["escort_name"],
            aftercare_given=data["aftercare_given"],
            expected_version=data["version"],
        )

    return _submit(request, session, "discharge", form, write, "after")


@staff_required
@require_POST
def sign_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CHART)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    form = SignForm(request.POST)
    if form.is_valid() and not _reauthenticated(
        request, patient, form.cleaned_data["password"], "chart signature"
    ):
        form.add_error("password", "The password is not correct.")

    def write(data: dict[str, Any]) -> object:
        return chart.dosing_sign(
            actor=request_user(request), session=session, expected_version=data["version"]
        )

    return _submit(request, session, "sign", form, write, "after")


@staff_required
@require_http_methods(["POST"])
def addendum_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, public_id, Permission.DOSING_CHART)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    form = AddendumForm(request.POST)

    def write(data: dict[str, Any]) -> object:
        return chart.dosing_addendum_add(
            actor=request_user(request),
            session=session,
            reason=data["reason"],
            text=data["text"],
        )

    return _submit(request, session, "addendum", form, write, "addenda")


@staff_required
@require_GET
@transaction.atomic
def aftercare_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The aftercare sheet to print and hand to the patient and their escort."""
    patient = _patient(request, public_id, Permission.DOSING_VIEW)
    session = _session(request, patient)
    if session is None:
        return _no_session(request)
    _audit_read(request, patient, "dosing_aftercare_sheet")
    context = {
        "session": session,
        "patient": patient,
        "clinic": patient.clinic,
        "instructions": rules.aftercare_instructions(),
        "day": timezone.localtime(
            session.dose_started_at or timezone.now(), ZoneInfo(patient.clinic.timezone)
        ),
    }
    return render(request, "dosing/aftercare.html", context)
