"""Writes of the session chart after the gate: the prescriber confirms the dose, dosing starts (the
dose is drawn from the controlled-substance ledger), the monitor charts, the patient is discharged,
the chart is signed, and addenda follow.

Every function checks permission, changes data and writes its audit row in one transaction.

Chart entries are appended, never edited, so two clinicians charting one session at once both keep
what they entered. A save that is retried (the answer was lost, or the process died before it
answered) carries the same client id and is recorded once: what was acknowledged is in the database,
and what was not is safe to send again. Changes to the session's own state (dose, start, discharge,
signature) lock its row and check the version the page was loaded with.

Grave acts (confirming a dose, signing) need the person's password: the views check it with
`user_reauthenticate` before calling these, outside the transaction, so a wrong password counts
towards the lockout and is audited even though nothing here is written.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import session as rules
from openkap.clinical.dosing import DoseError, DoseRequest, DoseResult, dose_calculate
from openkap.clinical.protocols import Protocol, protocol
from openkap.dosing.models import ChartEntry, DosingSession, SessionAddendum, SessionStatus
from openkap.inventory.models import DosageForm, Lot
from openkap.inventory.services import ledger_administer
from openkap.plans.models import Appointment, AppointmentStatus
from openkap.safety.services import adverse_event_from_chart_entry

Kind = ChartEntry.Kind

# The stock a route is given from (a lot of another form cannot be drawn for this route).
DOSAGE_FORMS_OF_ROUTE: dict[str, tuple[str, ...]] = {
    "iv": (DosageForm.INJECTION,),
    "im": (DosageForm.INJECTION,),
    "intranasal_esketamine": (DosageForm.NASAL,),
    "sublingual": (DosageForm.SUBLINGUAL, DosageForm.ORAL),
    "oral": (DosageForm.ORAL, DosageForm.SUBLINGUAL),
}
# How far an observation's time may be from now: a little ahead for clock drift, and back to the
# start of a long session for a set written down on paper first.
FUTURE_TOLERANCE = timedelta(minutes=2)
PAST_LIMIT = timedelta(hours=12)
CHARTABLE = (SessionStatus.READY, SessionStatus.IN_PROGRESS, SessionStatus.DISCHARGED)
VITAL_FIELDS = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
# Plausible ranges only (refuse typing errors), for the gate's form and the chart alike; clinical
# limits are the protocol's pre-dose and alert limits (knowledge data).
VITAL_RANGES = {
    "systolic": (50, 300),
    "diastolic": (20, 200),
    "heart_rate": (20, 250),
    "spo2": (50, 100),
    "respiratory_rate": (2, 60),
}


class ChartConflict(Exception):
    """Someone else changed the session's state after this page was loaded."""

    def __init__(self) -> None:
        super().__init__(
            "The session was changed by someone else while you were looking at it (entries made "
            "meanwhile are kept). Nothing of yours was saved: look at it as it is now and try again."
        )


@dataclass(frozen=True)
class DoseInput:
    """What the prescriber enters to confirm the dose (the calculation's inputs)."""

    dose_mg_per_kg: float | None = None
    weight_kg: float | None = None
    dose_mg: float | None = None
    infusion_min: float | None = None
    concentration_mg_per_ml: float | None = None
    diluent_ml: float | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class EntryInput:
    """One chart entry as typed. Only the fields of its kind are used."""

    kind: str
    client_id: uuid.UUID
    observed_at: datetime | None = None
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None
    score: int | None = None
    term: str = ""
    severity: str = ""
    text: str = ""


def _audit(actor: User, session: DosingSession, action: Action, detail: dict[str, Any]) -> None:
    audit_record(
        action=action,
        category=Category.DOSING,
        actor=actor,
        patient=session.patient,
        object_type="dosing_session",
        object_id=session.pk,
        detail=detail,
    )


def _locked(session: DosingSession, expected_version: int | None) -> DosingSession:
    locked = (
        DosingSession.objects.select_for_update(of=("self",), no_key=True)
        .select_related("plan", "patient", "appointment")
        .get(pk=session.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ChartConflict
    return locked


def _bump(session: DosingSession, **fields: Any) -> None:
    DosingSession.objects.filter(pk=session.pk).update(version=F("version") + 1, **fields)
    session.refresh_from_db()


def session_protocol(session: DosingSession) -> Protocol:
    return protocol(session.protocol_id)


# --- The dose --------------------------------------------------------------------------------------


def previous_dose(session: DosingSession) -> DosingSession | None:
    """The patient's last earlier session on the same route with a confirmed dose."""
    return (
        DosingSession.objects.filter(
            patient_id=session.patient_id,
            plan__route=session.plan.route,
            dose_mg__isnull=False,
            appointment__starts_at__lt=session.appointment.starts_at,
        )
        .exclude(pk=session.pk)
        .order_by("-appointment__starts_at")
        .first()
    )


def dose_preview(session: DosingSession, dose: DoseInput) -> DoseResult:
    """The calculation for the inputs, on this session's route and protocol (raises DoseError)."""
    return dose_calculate(
        DoseRequest(route=session.plan.route, protocol_id=session.protocol_id, **asdict(dose))
    )


@transaction.atomic
def dosing_dose_confirm(
    *,
    actor: User,
    session: DosingSession,
    dose: DoseInput,
    lot: Lot | None,
    change_rationale: str,
    expected_version: int,
) -> DosingSession:
    """The prescriber confirms the dose for this session: the calculation (rule, source, inputs,
    result) is kept with it. A dose different from the last session's needs its rationale."""
    require_permission(actor, Permission.DOSING_CONFIRM, session.patient.clinic_id)
    session = _locked(session, expected_version)
    if session.status != SessionStatus.READY:
        raise ValidationError(
            {"__all__": "The dose is confirmed once the gate is cleared and before dosing starts."}
        )
    try:
        result = dose_preview(session, dose)
    except DoseError as error:
        raise ValidationError({error.field: str(error)}) from None
    errors: dict[str, str] = {}
    if lot is None:
        errors["lot"] = "Choose the lot the dose is drawn from."
    else:
        _check_lot(session, lot, errors)
    previous = previous_dose(session)
    changed = previous is not None and previous.dose_mg != Decimal(str(result.dose_mg))
    if changed and not change_rationale.strip():
        errors["change_rationale"] = (
            f"The last session's dose was {previous.dose_mg} mg: say why this dose differs."  # type: ignore[union-attr]
        )
    if errors:
        raise ValidationError(errors)
    calculation = {
        **asdict(result),
        "warnings": list(result.warnings),
        "previous_dose_mg": str(previous.dose_mg) if previous else None,
    }
    _bump(
        session,
        dose_mg=Decimal(str(result.dose_mg)),
        dose_calculation=calculation,
        dose_change_rationale=change_rationale.strip() if changed else "",
        dose_confirmed_at=timezone.now(),
        dose_confirmed_by=actor,
        lot=lot,
    )
    _audit(
        actor,
        session,
        Action.UPDATE,
        {"step": "dose_confirm", "dose_mg": str(result.dose_mg), "changed": changed},
    )
    return session


def _check_lot(session: DosingSession, lot: Lot, errors: dict[str, str]) -> None:
    if lot.clinic_id != session.patient.clinic_id:
        errors["lot"] = "This lot is not held at this clinic."
    elif lot.product.dosage_form not in DOSAGE_FORMS_OF_ROUTE.get(session.plan.route, ()):
        errors["lot"] = f"A {lot.product.get_dosage_form_display()} lot is not for this route."
    elif lot.expires_on < timezone.localdate():
        errors["lot"] = f"This lot expired on {lot.expires_on:%Y-%m-%d}."


# --- Dosing starts: the dose leaves the ledger -----------------------------------------------------


@transaction.atomic
def dosing_start(
    *,
    actor: User,
    session: DosingSession,
    client_id: uuid.UUID,
    observed_at: datetime | None,
    wasted_mg: Decimal,
    witness: User | None,
    witness_password: str,
    request: HttpRequest | None,
    expected_version: int,
) -> DosingSession:
    """Dosing begins: the confirmed dose is recorded as administered from its lot (and the residue
    wasted, witnessed), and the chart's clock starts."""
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    if ChartEntry.objects.filter(client_id=client_id, session_id=session.pk).exists():
        return DosingSession.objects.get(pk=session.pk)  # a retried start: already done
    session = _locked(session, expected_version)
    if session.status != SessionStatus.READY:
        raise ValidationError({"__all__": "Dosing can start only once, after the gate is cleared."})
    if session.dose_mg is None or session.lot is None:
        raise ValidationError({"__all__": "A prescriber confirms the dose before dosing starts."})
    when = _observed(observed_at)
    entry = ledger_administer(
        actor=actor,
        clinic=session.patient.clinic,
        lot=session.lot,
        amount_mg=session.dose_mg,
        wasted_mg=wasted_mg,
        witness=witness,
        witness_password=witness_password,
        session_ref=session.session_ref,
        patient=session.patient,
        request=request,
    )
    ChartEntry.objects.create(
        session=session,
        kind=Kind.DOSE_START,
        observed_at=when,
        text=f"{session.dose_mg.normalize():f} mg from lot {session.lot.lot_number}",
        entered_at=timezone.now(),
        entered_by=actor,
        client_id=client_id,
    )
    _bump(
        session,
        status=SessionStatus.IN_PROGRESS,
        dose_started_at=when,
        ledger_entry=entry,
    )
    _audit(
        actor,
        session,
        Action.UPDATE,
        {"step": "dose_start", "ledger_entry": entry.pk, "wasted_mg": str(wasted_mg)},
    )
    return session


def _observed(observed_at: datetime | None) -> datetime:
    now = timezone.now()
    if observed_at is None:
        return now
    if observed_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"observed_at": "This time is in the future."})
    if observed_at < now - PAST_LIMIT:
        raise ValidationError({"observed_at": "This time is more than 12 hours ago."})
    return observed_at


# --- Charting --------------------------------------------------------------------------------------


def dosing_state(entries: list[ChartEntry]) -> str:
    """Where dosing stands, from the entries: not_started, running, paused or ended."""
    state = "not_started"
    for entry in entries:
        if entry.kind == Kind.DOSE_START:
            state = "running"
        elif entry.kind == Kind.PAUSE and state == "running":
            state = "paused"
        elif entry.kind == Kind.RESUME and state == "paused":
            state = "running"
        elif entry.kind in (Kind.DOSE_END, Kind.STOP):
            state = "ended"
    return state


# Which dosing states each control entry may follow.
_CONTROL_FROM = {
    Kind.PAUSE: ("running",),
    Kind.RESUME: ("paused",),
    Kind.DOSE_END: ("running",),
    Kind.STOP: ("running", "paused"),
}


@transaction.atomic
def chart_entry_add(*, actor: User, session: DosingSession, entry: EntryInput) -> ChartEntry:
    """Append one entry to the session's chart. The same client id twice is one entry."""
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    existing = ChartEntry.objects.filter(client_id=entry.client_id).first()
    if existing is not None:
        if existing.session_id != session.pk:
            raise ValidationError({"client_id": "This entry id belongs to another session."})
        return existing
    # Lock the session only to read its state consistently; other entries are not blocked for
    # long and nobody's entry replaces anybody else's.
    session = _locked(session, None)
    if session.status not in CHARTABLE:
        raise ValidationError(
            {
                "__all__": "The chart is signed: add an addendum instead."
                if session.status == SessionStatus.SIGNED
                else "Chart after the gate is cleared."
            }
        )
    if entry.kind == Kind.DOSE_START:
        raise ValidationError({"kind": "Dosing starts with the dose drawn from the ledger."})
    fields = _entry_fields(session, entry)
    when = _observed(entry.observed_at)
    if entry.kind in _CONTROL_FROM:
        state = dosing_state(list(session.entries.all()))
        if state not in _CONTROL_FROM[Kind(entry.kind)]:
            raise ValidationError(
                {"kind": f"Dosing is {state.replace('_', ' ')}: cannot {Kind(entry.kind).label}."}
            )
    try:
        with transaction.atomic():
            created = ChartEntry.objects.create(
                session=session,
                kind=entry.kind,
                observed_at=when,
                entered_at=timezone.now(),
                entered_by=actor,
                client_id=entry.client_id,
                **fields,
            )
    except IntegrityError:
        # The same entry arrived twice at once: the other save recorded it.
        return ChartEntry.objects.get(client_id=entry.client_id)
    if created.kind == Kind.SIDE_EFFECT:
        # Every side effect charted in a session is an adverse event of that session's dose.
        adverse_event_from_chart_entry(actor=actor, entry=created)
    if entry.kind in (Kind.DOSE_END, Kind.STOP):
        _bump(session, dose_ended_at=when)
    _audit(
        actor,
        session,
        Action.CREATE,
        {
            "step": "chart_entry",
            "kind": entry.kind,
            "entry": created.pk,
            "alerts": len(created.alerts),
        },
    )
    return created


def _entry_fields(session: DosingSession, entry: EntryInput) -> dict[str, Any]:
    """The fields of an entry of its kind, checked; the alerts it raises, from the core."""
    kind = entry.kind
    if kind not in Kind.values:
        raise ValidationError({"kind": "Not a kind of chart entry."})
    if kind == Kind.VITALS:
        values = {name: getattr(entry, name) for name in VITAL_FIELDS}
        given = {name: value for name, value in values.items() if value is not None}
        if not given:
            raise ValidationError({"systolic": "Enter at least one vital sign."})
        errors = {
            name: f"{value} is not a plausible value ({low}-{high})."
            for name, value in given.items()
            for low, high in [VITAL_RANGES[name]]
            if not low <= value <= high
        }
        if (values["systolic"] is None) != (values["diastolic"] is None):
            errors.setdefault("diastolic", "Enter both blood pressures, or neither.")
        elif values["systolic"] is not None and values["diastolic"] >= values["systolic"]:
            errors.setdefault("diastolic", "Must be below the systolic pressure.")
        if errors:
            raise ValidationError(errors)
        alerts = rules.vital_alerts(
            session_protocol(session), {k: float(v) for k, v in given.items()}
        )
        return {**given, "text": entry.text.strip(), "alerts": [asdict(a) for a in alerts]}
    if kind in (Kind.SEDATION, Kind.DISSOCIATION):
        if entry.score is None:
            raise ValidationError({"score": "Choose a rating."})
        instrument = "moaas" if kind == Kind.SEDATION else "dissociation"
        try:
            alerts = rules.rating_alerts(instrument_id=instrument, score=entry.score)
        except ValueError as error:
            raise ValidationError({"score": str(error)}) from None
        return {
            "score": entry.score,
            "text": entry.text.strip(),
            "alerts": [asdict(a) for a in alerts],
        }
    if kind == Kind.SIDE_EFFECT:
        terms = {term.id for term in rules.side_effect_terms()}
        grades = {grade.id for grade in rules.severity_grades()}
        errors = {}
        if entry.term not in terms:
            errors["term"] = "Choose a side effect from the list."
        if entry.severity not in grades:
            errors["severity"] = "Choose how severe it is."
        if errors:
            raise ValidationError(errors)
        return {"term": entry.term, "severity": entry.severity, "text": entry.text.strip()}
    if kind == Kind.INTERVENTION:
        if entry.term not in {term.id for term in rules.interventions()}:
            raise ValidationError({"term": "Choose an intervention from the list."})
        return {"term": entry.term, "text": entry.text.strip()}
    if kind in (Kind.NOTE, Kind.STOP, Kind.PAUSE) and not entry.text.strip():
        what = {Kind.NOTE: "the note", Kind.STOP: "why dosing stopped", Kind.PAUSE: "why"}
        raise ValidationError({"text": f"Write {what[Kind(kind)]}."})
    return {"text": entry.text.strip()}


# --- After: discharge, signature, addenda ----------------------------------------------------------


def discharge_inputs(
    session: DosingSession,
    *,
    alert_and_oriented: bool | None,
    escort_name: str,
    aftercare_given: bool,
    now: datetime | None = None,
) -> rules.DischargeInputs:
    """The discharge criteria's inputs: the chart's latest values and the nurse's answers."""
    now = now or timezone.now()
    entries = list(session.entries.all())
    vitals = [e for e in entries if e.kind == Kind.VITALS]
    last_vitals: dict[str, float] = {}
    for entry in vitals:  # ordered by time: later values replace earlier ones
        for name in VITAL_FIELDS:
            value = getattr(entry, name)
            if value is not None:
                last_vitals[name] = float(value)

    def latest(kind: str) -> int | None:
        scores = [e.score for e in entries if e.kind == kind and e.score is not None]
        return scores[-1] if scores else None

    def minutes_since(moment: datetime | None) -> float | None:
        return None if moment is None else (now - moment).total_seconds() / 60

    return rules.DischargeInputs(
        minutes_since_dose_start=minutes_since(session.dose_started_at),
        last_vitals=last_vitals,
        minutes_since_last_vitals=minutes_since(vitals[-1].observed_at if vitals else None),
        last_sedation=latest(Kind.SEDATION),
        last_dissociation=latest(Kind.DISSOCIATION),
        alert_and_oriented=alert_and_oriented,
        escort_name=escort_name.strip(),
        aftercare_given=aftercare_given,
    )


@transaction.atomic
def dosing_discharge(
    *,
    actor: User,
    session: DosingSession,
    alert_and_oriented: bool | None,
    escort_name: str,
    aftercare_given: bool,
    expected_version: int,
) -> DosingSession:
    """Discharge the patient once every criterion is met; the appointment is then done."""
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    session = _locked(session, expected_version)
    if session.status != SessionStatus.IN_PROGRESS:
        raise ValidationError({"__all__": "Only a session in progress can be discharged."})
    if dosing_state(list(session.entries.all())) in ("running", "paused"):
        raise ValidationError(
            {"__all__": "Dosing has not ended: record the end (or stop) of dosing first."}
        )
    result = rules.discharge_evaluate(
        session_protocol(session),
        discharge_inputs(
            session,
            alert_and_oriented=alert_and_oriented,
            escort_name=escort_name,
            aftercare_given=aftercare_given,
        ),
    )
    if not result.ready:
        unmet = [f"{item.label}: {item.detail}" for item in result.items if item.status != "met"]
        raise ValidationError({"__all__": ["Not ready for discharge.", *unmet]})
    now = timezone.now()
    _bump(
        session,
        status=SessionStatus.DISCHARGED,
        discharge_items=[asdict(item) for item in result.items],
        aftercare_given=aftercare_given,
        escort_present=escort_name.strip(),
        discharged_at=now,
        discharged_by=actor,
    )
    Appointment.objects.filter(pk=session.appointment_id).update(
        status=AppointmentStatus.DONE, version=F("version") + 1
    )
    _audit(actor, session, Action.UPDATE, {"step": "discharge", "version": result.version})
    return session


@transaction.atomic
def dosing_sign(*, actor: User, session: DosingSession, expected_version: int) -> DosingSession:
    """Sign the chart: from now on it is locked, and corrections are addenda. The caller has
    checked the signer's password."""
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    session = _locked(session, expected_version)
    if session.status != SessionStatus.DISCHARGED:
        raise ValidationError({"__all__": "The chart is signed after the patient is discharged."})
    _bump(session, status=SessionStatus.SIGNED, signed_at=timezone.now(), signed_by=actor)
    _audit(actor, session, Action.UPDATE, {"step": "sign"})
    return session


@transaction.atomic
def dosing_addendum_add(
    *, actor: User, session: DosingSession, reason: str, text: str
) -> SessionAddendum:
    """A correction or addition to a signed chart, with its reason."""
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    session = _locked(session, None)
    if session.status != SessionStatus.SIGNED:
        raise ValidationError(
            {"__all__": "Addenda are for signed charts; chart the entry in the session instead."}
        )
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why the signed chart needs an addendum."
    if not text.strip():
        errors["text"] = "Write the addendum."
    if errors:
        raise ValidationError(errors)
    addendum = SessionAddendum.objects.create(
        session=session,
        written_at=timezone.now(),
        written_by=actor,
        reason=reason.strip(),
        text=text.strip(),
    )
    _audit(actor, session, Action.CREATE, {"step": "addendum", "addendum": addendum.pk})
    return addendum
