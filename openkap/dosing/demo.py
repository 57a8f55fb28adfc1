"""Demo dosing sessions for `openkap demo`: for the demo clinic's active plans, completed and signed
session charts of every route the plans use, today's dosing appointments to walk the gate from
"Today's sessions", and one session in progress today. Synthetic data only.

Every record is made by the session services, as a clinic would have made it (audit rows, ledger
draws, the gate's and the discharge check's own decisions). A past session is recorded with the
services' clock (`django.utils.timezone.now`) set to the moment each step happened on its
appointment's day. Shifting the times afterwards is not possible: on PostgreSQL a signed chart, its
entries, its addenda and the controlled-substance ledger refuse any update, and the discharge check
reads the clock against the chart's latest vitals.

The plans demo starts its plans from today on, so no dosing appointment is in the past; a plan
without one is moved back (its start date and its whole schedule, by whole days) so that some of its
doses are in the last two weeks and, for a dense schedule, one falls today. Past preparation and
integration sessions are then marked done. A plan whose patient cannot pass the gate (a consent to
sign again, say) is moved so that its first dose is today, with no session: walking its gate shows
the hard stop.

Loaded once (skipped when the clinic has dosing sessions)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.clinical.gate import gate_evaluate
from openkap.clinical.protocols import Protocol, protocol
from openkap.dosing import chart_services as chart
from openkap.dosing.models import DosingSession, GateOutcome, SessionStatus
from openkap.dosing.services import NurseAnswers, chart_answers, dosing_gate_override
from openkap.dosing.services import dosing_gate_record as gate_record
from openkap.inventory.models import Lot
from openkap.inventory.services import lot_balance
from openkap.patients.models import Patient, SupportPerson
from openkap.plans.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    PlanStatus,
    TreatmentPlan,
)
from openkap.plans.services import appointment_complete
from openkap.screening.models import Measurement

DEMO_CLINIC = "Harbor Mind Brookline"
NURSE = "nurse.okafor"
PRESCRIBER = "dr.chen"
# Completed sessions per plan at most, all within the last HISTORY_DAYS (after the demo lots came).
PAST_SESSIONS = 3
HISTORY_DAYS = 14
# A plan whose next dose is further off than HISTORY_DAYS has its first dose this long ago.
SPARSE_FIRST_DOSE_DAYS_AGO = 10
# The session in progress today started this long ago.
IN_PROGRESS_MINUTES = 26
DEFAULT_WEIGHT_KG = 70.0
ESKETAMINE = "intranasal_esketamine"
MINUTE = timedelta(minutes=1)


# --- What happens at a session ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One chart entry, `minute` minutes after the start of dosing."""

    minute: int
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One demo session: the nurse's pre-dose readings, the prescriber's dose, and what happened."""

    predose: tuple[int, int, int, int]  # systolic, diastolic, heart rate, SpO2
    dose: dict[str, float]  # DoseInput fields (the weight and concentration are added)
    bp_rise: int = 8  # systolic rise at the peak of the session (the diastolic rises half of it)
    peak_dissociation: int = 2  # the dissociation rating at the peak (it resolves to 0)
    change_rationale: str = ""
    override_reason: str = ""
    steps: tuple[Step, ...] = ()
    vitals_at: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    pause: tuple[int, int] | None = None  # an infusion paused from minute, resumed at minute
    addendum: tuple[str, str] | None = None  # reason, text (written the next morning)


def _effect(minute: int, term: str, severity: str, text: str) -> Step:
    return Step(minute, "side_effect", {"term": term, "severity": severity, "text": text})


def _act(minute: int, term: str, text: str = "") -> Step:
    return Step(minute, "intervention", {"term": term, "text": text})


def _note(minute: int, text: str) -> Step:
    return Step(minute, "note", {"text": text})


IV_VISITS = [
    Visit(
        predose=(124, 78, 72, 98),
        dose={"dose_mg_per_kg": 0.5, "infusion_min": 40, "diluent_ml": 100},
        bp_rise=16,
        steps=(
            _note(
                1, "Eye mask and music on; agreed signal (raise a hand) rehearsed before the start."
            ),
            _effect(18, "dissociation", "mild", "Floating feeling, 'far away'; comfortable."),
            _effect(
                25, "elevated_blood_pressure", "mild", "Asymptomatic rise; re-checked in 10 min."
            ),
            _effect(44, "dizziness", "mild", "On sitting up; settled lying back for 10 min."),
        ),
    ),
    Visit(
        predose=(146, 92, 78, 97),
        dose={"dose_mg_per_kg": 0.5, "infusion_min": 40, "diluent_ml": 100},
        override_reason=(
            "Anxious on arrival (second infusion, ran to make the appointment); asymptomatic, no "
            "headache or chest pain. Repeat after 10 minutes seated 142/88. Proceed with BP every "
            "10 minutes; pause the infusion if above 180/100."
        ),
        bp_rise=12,
        steps=(
            _effect(16, "dissociation", "mild", ""),
            _effect(24, "nausea", "moderate", "Queasy; no vomiting."),
            _act(25, "antiemetic_standing_order", "Ondansetron 4 mg ODT per standing order."),
            _note(38, "Nausea settled after the antiemetic."),
            _effect(
                30, "elevated_blood_pressure", "mild", "Peak 156/96; asymptomatic; trending down."
            ),
        ),
    ),
    Visit(
        predose=(128, 80, 74, 98),
        dose={"dose_mg_per_kg": 0.6, "infusion_min": 40, "diluent_ml": 100},
        change_rationale=(
            "Partial response after two infusions (PHQ-9 down 4 points); 0.5 mg/kg well tolerated. "
            "Increase to 0.6 mg/kg, within the protocol's range."
        ),
        bp_rise=14,
        peak_dissociation=3,
        vitals_at={30: (184, 104, 96, 97), 35: (158, 92, 88, 98)},
        pause=(31, 37),
        steps=(
            _effect(15, "dissociation", "moderate", "Vivid imagery; calm; used no signal."),
            _effect(
                30,
                "elevated_blood_pressure",
                "moderate",
                "184/104, asymptomatic (no headache, chest pain or visual change).",
            ),
            _act(31, "infusion_paused", "Paused at 30 min for the pressure."),
            _act(31, "prescriber_called", "Dr Chen at the bedside at 32 min."),
            _act(35, "vitals_rechecked", "158/92 after 4 minutes paused; resume per Dr Chen."),
            _act(36, "reassurance_grounding", "Reassured; music lowered."),
        ),
        addendum=(
            "Information received after signing",
            "Phone follow-up the next morning: slept well; a mild headache on waking settled by "
            "mid-morning without medication; no further symptoms. Next infusion as planned; BP to "
            "be watched closely at 0.6 mg/kg.",
        ),
    ),
    # Today's (in progress): the same dose as last time.
    Visit(
        predose=(122, 76, 70, 98),
        dose={"dose_mg_per_kg": 0.6, "infusion_min": 40, "diluent_ml": 100},
        bp_rise=14,
        steps=(_effect(14, "dissociation", "mild", "Relaxed; eyes closed under the mask."),),
    ),
]

ESKETAMINE_VISITS = [
    Visit(
        predose=(126, 80, 74, 98),
        dose={"dose_mg": 56},
        bp_rise=26,
        steps=(
            _note(5, "Second device given 5 minutes after the first; head tilted back 45 degrees."),
            _effect(12, "dissociation", "moderate", "Strange, dreamlike; reassured."),
            _act(13, "reassurance_grounding", ""),
            _effect(40, "elevated_blood_pressure", "mild", "Peak at 40 min as expected."),
            _effect(52, "nausea", "mild", "No vomiting; no antiemetic needed."),
        ),
    ),
    Visit(
        predose=(124, 78, 72, 98),
        dose={"dose_mg": 84},
        change_rationale=(
            "56 mg well tolerated for the first dose; label induction dose is 56 or 84 mg: increase "
            "to 84 mg for efficacy."
        ),
        bp_rise=22,
        steps=(
            _note(10, "Three devices given 5 minutes apart."),
            _effect(15, "dissociation", "moderate", ""),
            _effect(60, "dizziness", "mild", "Resolved lying down."),
        ),
    ),
    Visit(
        predose=(120, 76, 70, 99),
        dose={"dose_mg": 84},
        bp_rise=18,
        steps=(
            _note(10, "Three devices given 5 minutes apart."),
            _effect(14, "dissociation", "mild", ""),
            _effect(30, "numbness", "mild", "Tingling of the lips."),
        ),
    ),
    Visit(predose=(122, 78, 72, 98), dose={"dose_mg": 84}),
]

IM_VISITS = [
    Visit(
        predose=(116, 72, 66, 99),
        dose={"dose_mg_per_kg": 0.5},
        bp_rise=14,
        peak_dissociation=3,
        steps=(
            _note(1, "Injected into the deltoid; eye mask and music on; therapist present."),
            _effect(8, "dissociation", "moderate", "Intense imagery; reached for the therapist."),
            _act(9, "reassurance_grounding", "Hand held; reminded of the agreed signal."),
            _effect(22, "numbness", "mild", ""),
            _effect(40, "dizziness", "mild", "On standing; sat back down for 10 min."),
        ),
    ),
    Visit(predose=(118, 74, 68, 99), dose={"dose_mg_per_kg": 0.5}),
]

SUBLINGUAL_VISITS = [
    Visit(
        predose=(120, 78, 70, 98),
        dose={"dose_mg": 100},
        bp_rise=10,
        steps=(
            _note(15, "Troche held under the tongue 15 minutes, then saliva spat out."),
            _effect(25, "dissociation", "mild", ""),
            _effect(35, "euphoria", "mild", "Laughing, 'light'."),
            _effect(50, "nausea", "mild", ""),
        ),
    ),
    Visit(
        predose=(118, 76, 68, 98),
        dose={"dose_mg": 150},
        change_rationale="Little effect at 100 mg; increase to 150 mg within the protocol's range.",
        bp_rise=12,
        steps=(
            _note(15, "Troche held under the tongue 15 minutes, then saliva spat out."),
            _effect(30, "dissociation", "moderate", ""),
        ),
    ),
    Visit(predose=(120, 76, 70, 98), dose={"dose_mg": 150}),
]

VISITS = {
    "iv": IV_VISITS,
    ESKETAMINE: ESKETAMINE_VISITS,
    "im": IM_VISITS,
    "sublingual": SUBLINGUAL_VISITS,
}


# --- The services' clock ---------------------------------------------------------------------------


class _Clock:
    """What `timezone.now()` answers while a past session is recorded; never ahead of real time."""

    def __init__(self, real_now: Callable[[], datetime]) -> None:
        self.real_now = real_now
        self.at = real_now()

    def set(self, moment: datetime) -> None:
        # In UTC, as the real clock answers (the audit chain hashes the time as it is stored).
        self.at = min(moment, self.real_now()).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at


@contextmanager
def _services_clock() -> Iterator[_Clock]:
    clock = _Clock(timezone.now)
    with mock.patch.object(timezone, "now", clock):
        yield clock


# --- Loading ---------------------------------------------------------------------------------------


def _request(user: User) -> HttpRequest:
    # The prescriber's override checks their password again, through the authentication backends.
    request = RequestFactory().post("/dosing/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def _answers(patient: Patient, route: str, visit: Visit) -> NurseAnswers:
    escort = SupportPerson.objects.filter(patient=patient, is_escort=True).first()
    systolic, diastolic, heart_rate, spo2 = visit.predose
    return NurseAnswers(
        fasting=True,
        no_alcohol=True,
        escort_name=escort.name if escort else patient.emergency_contact_name or "Family member",
        systolic=systolic,
        diastolic=diastolic,
        heart_rate=heart_rate,
        spo2=spo2,
        interacting_held=True,
        suicide_check="negative",
        rems_enrolled=True if route == ESKETAMINE else None,
        eye_mask=True,
        music=True,
        agreed_signal="Raise a hand",
    )


def _can_pass(plan: TreatmentPlan) -> bool:
    """Whether the patient can be dosed at all today (no hard stop from the chart itself)."""
    answers = chart_answers(
        plan.patient,
        setting=plan.setting,
        nurse=_answers(plan.patient, plan.route, VISITS[plan.route][0]),
    )
    return gate_evaluate(protocol(plan.protocol_id), answers).outcome != "hard_stop"


def _dosing(plan: TreatmentPlan) -> list[Appointment]:
    return list(
        Appointment.objects.filter(plan=plan, kind=AppointmentKind.DOSING).order_by("starts_at")
    )


def _move_back(plan: TreatmentPlan, days: int) -> None:
    """The plan started `days` earlier: its dates and its whole schedule move back together."""
    if days <= 0:
        return
    shift = timedelta(days=days)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        start_date=plan.start_date - shift,
        created_at=plan.created_at - shift,
        signed_at=plan.signed_at - shift if plan.signed_at else None,
    )
    for appointment in Appointment.objects.filter(plan=plan):
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=appointment.starts_at - shift
        )


def _days_back(plan: TreatmentPlan, with_history: bool) -> int:
    """How far to move the plan back: a dose today after up to PAST_SESSIONS recent ones."""
    today = timezone.localdate()
    days = [timezone.localdate(a.starts_at) for a in _dosing(plan)]
    if not days or days[0] < today:
        return 0  # the plan already has a past: leave it as it is
    if not with_history:
        return (days[0] - today).days
    last = min(PAST_SESSIONS, len(days) - 1)
    within = [n for n in range(1, last + 1) if (days[n] - days[0]).days <= HISTORY_DAYS]
    if within:
        return (days[within[-1]] - today).days
    return (days[0] - today).days + SPARSE_FIRST_DOSE_DAYS_AGO


def _weight_kg(patient: Patient) -> float:
    measurement = (
        Measurement.objects.filter(patient=patient, weight_kg__isnull=False)
        .order_by("-taken_at")
        .first()
    )
    return (
        float(measurement.weight_kg) if measurement and measurement.weight_kg else DEFAULT_WEIGHT_KG
    )


def _lot_for(clinic: Clinic, route: str, amount_mg: Decimal) -> Lot | None:
    forms = chart.DOSAGE_FORMS_OF_ROUTE.get(route, ())
    lots = Lot.objects.filter(
        clinic=clinic, product__dosage_form__in=forms, expires_on__gte=timezone.localdate()
    ).select_related("product")
    for lot in lots.order_by("expires_on", "pk"):
        if lot_balance(lot) >= amount_mg:
            return lot
    return None


def _dosing_minutes(proto: Protocol, route: str, visit: Visit) -> int:
    """How long dosing lasts: the infusion (and its pause), the devices 5 min apart, the troche."""
    if proto.infusion is not None:
        paused = visit.pause[1] - visit.pause[0] if visit.pause else 0
        return int(visit.dose.get("infusion_min", proto.infusion.minutes)) + paused
    if route == ESKETAMINE:
        return 5 * (int(visit.dose["dose_mg"]) // 28 - 1)
    if route == "sublingual":
        return 15
    return 1  # a single injection


def _timeline(proto: Protocol, route: str, visit: Visit) -> tuple[list[Step], int]:
    """Every chart entry of the session in time order, and the minute of discharge."""
    dosing = _dosing_minutes(proto, route, visit)
    # When the blood pressure peaks (esketamine: about 40 min), and when dissociation does.
    peak = {"iv": 30, ESKETAMINE: 40, "im": 15}.get(route, 30)
    dissociation_peak = min(peak, 20)
    schedule = proto.vitals
    # Monitoring lasts the protocol's minimum, and for an infusion two sets after its end.
    until = max(proto.minimum_monitoring_minutes, dosing + 2 * (schedule.every_minutes_after or 0))
    minutes = set(schedule.due_minutes(dosing_minutes=dosing, until_minutes=until)) - {0}
    if schedule.every_minutes_during and dosing < schedule.every_minutes_during:
        # A single dose: sets at the protocol's interval through the first half hour.
        minutes |= set(range(schedule.every_minutes_during, 31, schedule.every_minutes_during))
    minutes -= {until}
    vitals_minutes = sorted({-5, *minutes, until - 2, *visit.vitals_at})
    discharge = until + 2
    steps: list[Step] = [Step(m, "vitals", _vitals(visit, m, peak, until)) for m in vitals_minutes]
    # Ratings with every set of vitals, and about every 20 minutes between sparse sets.
    rating_minutes = {m for m in vitals_minutes if m > 0} | {15}
    points = sorted(rating_minutes)
    for before, after in pairwise(points):
        rating_minutes |= set(range(before + 20, after - 9, 20))
    for minute in sorted(rating_minutes):
        dissociation = _dissociation(visit, minute, dissociation_peak, until)
        sedation = 5 if dissociation == 0 else (3 if dissociation >= 3 else 4)
        steps.append(Step(minute, "sedation", {"score": sedation}))
        steps.append(Step(minute, "dissociation", {"score": dissociation}))
    if visit.pause:
        steps.append(Step(visit.pause[0], "pause", {"text": "Blood pressure above 180/100."}))
        steps.append(Step(visit.pause[1], "resume", {"text": "Pressure down; Dr Chen agrees."}))
    steps.append(Step(dosing, "dose_end", {"text": _end_text(route)}))
    steps.extend(visit.steps)
    order = {"dose_end": 0, "pause": 0, "resume": 0}
    return sorted(steps, key=lambda s: (s.minute, order.get(s.kind, 1))), discharge


def _end_text(route: str) -> str:
    return {
        "iv": "Infusion complete; line flushed.",
        ESKETAMINE: "Last device given.",
        "sublingual": "Troche dissolved; saliva spat out.",
    }.get(route, "Injection given.")


def _curve(minute: int, peak: int, until: int) -> float:
    """0 before dosing, rising to 1 at the peak, back to 0 fifteen minutes before discharge."""
    if minute <= 0:
        return 0.0
    if minute <= peak:
        return minute / peak
    return max(0.0, 1 - (minute - peak) / max(until - 15 - peak, 1))


def _vitals(visit: Visit, minute: int, peak: int, until: int) -> dict[str, Any]:
    if minute in visit.vitals_at:
        systolic, diastolic, heart_rate, spo2 = visit.vitals_at[minute]
    else:
        rise = visit.bp_rise * _curve(minute, peak, until)
        systolic, diastolic, heart_rate, spo2 = visit.predose
        systolic += round(rise) - (4 if minute < 0 else 0)  # settled a little after the gate
        diastolic += round(rise / 2) - (2 if minute < 0 else 0)
        heart_rate += round(rise / 3) + (minute % 3)
        spo2 -= 1 if 0 < minute <= peak + 10 else 0
    return {
        "systolic": systolic,
        "diastolic": diastolic,
        "heart_rate": heart_rate,
        "spo2": spo2,
        "respiratory_rate": 14 if minute % 2 else 16,
    }


def _dissociation(visit: Visit, minute: int, peak: int, until: int) -> int:
    if minute >= until - 15:
        return 0
    return max(
        1 if minute <= peak else 0, round(visit.peak_dissociation * _curve(minute, peak, until))
    )


class _Recorder:
    """Records one session through the services, with the clock at each step's time."""

    def __init__(self, clock: _Clock, nurse: User, prescriber: User, password: str) -> None:
        self.clock = clock
        self.nurse = nurse
        self.prescriber = prescriber
        self.password = password

    def gate_and_dose(
        self, appointment: Appointment, visit: Visit, start: datetime
    ) -> DosingSession | None:
        plan = appointment.plan
        route = plan.route
        self.clock.set(start - 17 * MINUTE)
        session = gate_record(
            actor=self.nurse,
            appointment=appointment,
            nurse=_answers(plan.patient, route, visit),
            expected_version=None,
        )
        if session.status == SessionStatus.GATE:
            if session.gate_outcome != GateOutcome.SOFT_STOP or not visit.override_reason:
                return None  # stopped: left at the gate as the nurse recorded it
            self.clock.set(start - 12 * MINUTE)
            dosing_gate_override(
                request=_request(self.prescriber),
                actor=self.prescriber,
                session=session,
                reason=visit.override_reason,
                password=self.password,
                expected_version=session.version,
            )
            session.refresh_from_db()
        dose = dict(visit.dose)
        if "dose_mg_per_kg" in dose:
            dose["weight_kg"] = _weight_kg(plan.patient)
        estimate = Decimal(
            str(round(dose.get("dose_mg", 0) or dose["dose_mg_per_kg"] * dose["weight_kg"], 1))
        )
        lot = _lot_for(plan.patient.clinic, route, estimate)
        if lot is None:
            return None
        if lot.product.concentration_mg_per_ml and route in ("iv", "im"):
            dose["concentration_mg_per_ml"] = float(lot.product.concentration_mg_per_ml)
        self.clock.set(start - 8 * MINUTE)
        session = chart.dosing_dose_confirm(
            actor=self.prescriber,
            session=session,
            dose=chart.DoseInput(
                dose_mg_per_kg=dose.get("dose_mg_per_kg"),
                weight_kg=dose.get("weight_kg"),
                dose_mg=dose.get("dose_mg"),
                infusion_min=dose.get("infusion_min"),
                concentration_mg_per_ml=dose.get("concentration_mg_per_ml"),
                diluent_ml=dose.get("diluent_ml"),
            ),
            lot=lot,
            change_rationale=visit.change_rationale,
            expected_version=session.version,
        )
        self.clock.set(start)
        return chart.dosing_start(
            actor=self.nurse,
            session=session,
            client_id=uuid.uuid4(),
            observed_at=None,
            wasted_mg=Decimal(0),
            witness=None,
            witness_password="",
            request=None,
            expected_version=session.version,
        )

    def chart(self, session: DosingSession, steps: list[Step], start: datetime) -> None:
        for step in steps:
            observed = start + step.minute * MINUTE
            self.clock.set(observed + MINUTE)  # typed in a minute after it was seen
            chart.chart_entry_add(
                actor=self.nurse,
                session=session,
                entry=chart.EntryInput(
                    kind=step.kind, client_id=uuid.uuid4(), observed_at=observed, **step.fields
                ),
            )

    def finish(self, session: DosingSession, visit: Visit, start: datetime, discharge: int) -> None:
        session.refresh_from_db()
        self.clock.set(start + discharge * MINUTE)
        session = chart.dosing_discharge(
            actor=self.nurse,
            session=session,
            alert_and_oriented=True,
            escort_name=session.gate_answers.get("escort_name", ""),
            aftercare_given=True,
            expected_version=session.version,
        )
        self.clock.set(start + (discharge + 18) * MINUTE)
        session = chart.dosing_sign(
            actor=self.prescriber, session=session, expected_version=session.version
        )
        if visit.addendum:
            reason, text = visit.addendum
            next_morning = timezone.localtime(start).replace(hour=9, minute=40) + timedelta(days=1)
            self.clock.set(next_morning)
            chart.dosing_addendum_add(
                actor=self.prescriber, session=session, reason=reason, text=text
            )


def _complete_past_visits(clock: _Clock, plan: TreatmentPlan, nurse: User) -> None:
    """Preparation and integration sessions whose time has passed took place."""
    now = clock.real_now()
    past = Appointment.objects.filter(plan=plan, status__in=OPEN_STATUSES).exclude(
        kind=AppointmentKind.DOSING
    )
    for appointment in past.select_related("clinician", "patient").order_by("starts_at"):
        ended = appointment.starts_at + appointment.duration_minutes * MINUTE
        if ended > now:
            continue
        clock.set(ended + 5 * MINUTE)
        appointment_complete(
            actor=appointment.clinician or nurse,
            appointment=appointment,
            expected_version=appointment.version,
        )


def _in_progress_plan(
    plans: list[TreatmentPlan], passing: dict[int, bool], today_of: dict[int, Appointment | None]
) -> TreatmentPlan | None:
    """The plan whose session today is shown in progress: IV first, one whose route keeps another
    plan's appointment today to walk from the gate (IV and esketamine), or another route's."""
    booked = [p for p in plans if today_of.get(p.pk) is not None]
    candidates = [p for p in booked if passing[p.pk]]
    for plan in sorted(candidates, key=lambda p: (p.route != "iv", p.pk)):
        if plan.route not in ("iv", ESKETAMINE) or any(
            other.route == plan.route and other.pk != plan.pk for other in booked
        ):
            return plan
    return None


@transaction.atomic
def load(*, clinic: Clinic, nurse: User, prescriber: User, password: str) -> bool:
    """Load the clinic's demo sessions; "today" and the times of day are the clinic's own."""
    if DosingSession.objects.filter(patient__clinic=clinic).exists():
        return False
    with timezone.override(ZoneInfo(clinic.timezone)):
        return _load(clinic=clinic, nurse=nurse, prescriber=prescriber, password=password)


def _load(*, clinic: Clinic, nurse: User, prescriber: User, password: str) -> bool:
    plans = list(
        TreatmentPlan.objects.filter(
            patient__clinic=clinic, status=PlanStatus.ACTIVE, route__in=list(VISITS)
        )
        .select_related("patient__clinic")
        .order_by("pk")
    )
    if not plans:
        return False
    passing = {plan.pk: _can_pass(plan) for plan in plans}
    for plan in plans:
        _move_back(plan, _days_back(plan, with_history=passing[plan.pk]))
        plan.refresh_from_db()
    today = timezone.localdate()
    today_of = {
        plan.pk: next((a for a in _dosing(plan) if timezone.localdate(a.starts_at) == today), None)
        for plan in plans
    }
    live = _in_progress_plan(plans, passing, today_of)
    with _services_clock() as clock:
        recorder = _Recorder(clock, nurse, prescriber, password)
        for plan in plans:
            if passing[plan.pk]:
                _record_past_doses(recorder, plan)
            _complete_past_visits(clock, plan, nurse)
        if live is not None:
            _start_live(recorder, live, today_of[live.pk], _next_visit(live))
    return True


def _record_past_doses(recorder: _Recorder, plan: TreatmentPlan) -> None:
    """A signed session for each of the plan's dosing appointments before today."""
    today = timezone.localdate(recorder.clock.real_now())
    visits = iter(VISITS[plan.route])
    for appointment in _dosing(plan):
        if timezone.localdate(appointment.starts_at) >= today:
            break
        if appointment.status not in OPEN_STATUSES:
            continue
        visit = next(visits, VISITS[plan.route][-1])
        start = appointment.starts_at + 20 * MINUTE
        session = recorder.gate_and_dose(appointment, visit, start)
        if session is None:
            continue
        steps, discharge = _timeline(protocol(plan.protocol_id), plan.route, visit)
        recorder.chart(session, steps, start)
        recorder.finish(session, visit, start, discharge)


def _next_visit(plan: TreatmentPlan) -> Visit:
    done = DosingSession.objects.filter(plan=plan).count()
    visits = VISITS[plan.route]
    return visits[min(done, len(visits) - 1)]


def _start_live(
    recorder: _Recorder, plan: TreatmentPlan, appointment: Appointment | None, visit: Visit
) -> None:
    """Today's session, started IN_PROGRESS_MINUTES ago, charted so far."""
    if appointment is None:
        return
    real_now = recorder.clock.real_now()
    start = (real_now - IN_PROGRESS_MINUTES * MINUTE).replace(second=0, microsecond=0)
    booked = start - 20 * MINUTE
    if timezone.localdate(booked) == timezone.localdate(real_now):
        # The appointment was booked for the time the patient came in.
        Appointment.objects.filter(pk=appointment.pk).update(starts_at=booked)
        appointment.refresh_from_db()
    session = recorder.gate_and_dose(appointment, visit, start)
    if session is None:
        return
    steps, _ = _timeline(protocol(plan.protocol_id), plan.route, visit)
    so_far = [step for step in steps if step.minute <= IN_PROGRESS_MINUTES - 3]
    recorder.chart(session, so_far, start)


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    nurse = User.objects.filter(username=NURSE).first()
    prescriber = User.objects.filter(username=PRESCRIBER).first()
    if clinic is None or nurse is None or prescriber is None:
        return False
    return load(clinic=clinic, nurse=nurse, prescriber=prescriber, password=password)
