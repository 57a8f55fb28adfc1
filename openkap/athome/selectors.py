"""Reading the at-home programme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.athome.models import (
    AtHomeAlert,
    CheckIn,
    Dispensing,
    DoseTaken,
    PatientCount,
    SessionReport,
    VirtualVisit,
)
from openkap.clinical.gate import load_gate
from openkap.consent.selectors import consent_status
from openkap.patients.models import Patient
from openkap.plans.models import (
    OPEN_STATUSES,
    Appointment,
    AppointmentKind,
    PlanStatus,
    TreatmentPlan,
)
from openkap.screening.models import Decision, Screening, ScreeningStatus, Setting

# The escalation command looks back this far for missed check-ins (older ones are history).
MISSED_LOOKBACK = timedelta(hours=24)


def at_home_plan(patient: Patient) -> TreatmentPlan | None:
    """The patient's current at-home plan (active first, then the newest draft or ended one)."""
    plans = TreatmentPlan.objects.filter(patient=patient, setting=Setting.AT_HOME)
    return (
        plans.filter(status=PlanStatus.ACTIVE).order_by("-start_date").first()
        or plans.order_by("-created_at").first()
    )


def at_home_dosing_appointments(*, before: datetime) -> QuerySet[Appointment]:
    """At-home dosing sessions of active plans that started in the look-back window."""
    return (
        Appointment.objects.filter(
            kind=AppointmentKind.DOSING,
            plan__setting=Setting.AT_HOME,
            plan__status=PlanStatus.ACTIVE,
            starts_at__lte=before,
            starts_at__gte=before - MISSED_LOOKBACK,
        )
        .select_related("patient__clinic", "plan")
        .order_by("starts_at")
    )


def is_virtual(appointment: Appointment) -> bool:
    """Every session of an at-home plan other than the dose itself is held by video."""
    return (
        appointment.plan.setting == Setting.AT_HOME and appointment.kind != AppointmentKind.DOSING
    )


def latest_checkin(appointment: Appointment) -> CheckIn | None:
    return CheckIn.objects.filter(appointment=appointment).order_by("-recorded_at", "-pk").first()


@dataclass(frozen=True)
class SessionRow:
    appointment: Appointment
    checkins: list[CheckIn]
    dose: DoseTaken | None
    report: SessionReport | None

    @property
    def latest(self) -> CheckIn | None:
        return self.checkins[0] if self.checkins else None

    @property
    def is_today(self) -> bool:
        """In the time zone in force (the views activate the clinic's)."""
        return timezone.localdate(self.appointment.starts_at) == timezone.localdate()

    @property
    def passed_today(self) -> bool:
        latest = self.latest
        return (
            latest is not None
            and latest.outcome == "pass"
            and timezone.localdate(latest.recorded_at) == timezone.localdate()
        )


def session_rows(plan: TreatmentPlan) -> list[SessionRow]:
    appointments = list(
        Appointment.objects.filter(plan=plan, kind=AppointmentKind.DOSING)
        .select_related("plan")
        .order_by("starts_at")
    )
    checkins: dict[int, list[CheckIn]] = {}
    for checkin in CheckIn.objects.filter(appointment__in=appointments).order_by(
        "-recorded_at", "-pk"
    ):
        checkins.setdefault(checkin.appointment_id, []).append(checkin)
    doses = {d.appointment_id: d for d in DoseTaken.objects.filter(appointment__in=appointments)}
    reports = {
        r.appointment_id: r for r in SessionReport.objects.filter(appointment__in=appointments)
    }
    return [
        SessionRow(a, checkins.get(a.pk, []), doses.get(a.pk), reports.get(a.pk))
        for a in appointments
    ]


def next_session(rows: list[SessionRow]) -> SessionRow | None:
    """The session to check in for: today's without a dose, else the next one to come."""
    today = timezone.localdate()
    for row in rows:
        if row.appointment.status not in OPEN_STATUSES or row.dose is not None:
            continue
        if timezone.localdate(row.appointment.starts_at) >= today:
            return row
    return None


def virtual_sessions(plan: TreatmentPlan) -> list[tuple[Appointment, VirtualVisit | None]]:
    appointments = [
        a
        for a in Appointment.objects.filter(plan=plan)
        .exclude(kind=AppointmentKind.DOSING)
        .select_related("plan")
        .order_by("starts_at")
        if is_virtual(a)
    ]
    links = {v.appointment_id: v for v in VirtualVisit.objects.filter(appointment__in=appointments)}
    return [(a, links.get(a.pk)) for a in appointments]


def dispensings(patient: Patient) -> list[Dispensing]:
    return list(
        Dispensing.objects.filter(patient=patient)
        .select_related("lot__product", "ledger_entry", "recorded_by")
        .prefetch_related("returns", "counts")
        .order_by("-dispensed_on", "-pk")
    )


def counts(patient: Patient) -> list[PatientCount]:
    return list(PatientCount.objects.filter(patient=patient).order_by("-counted_at", "-pk"))


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str


def screening_steps(patient: Patient, plan: TreatmentPlan | None) -> list[Step]:
    """Where the patient is in remote screening (the portal pre-screen, the intake and screening
    the clinic signs, the consents the at-home dose needs, the plan and the preparation session)."""
    screening = (
        Screening.objects.filter(patient=patient, status=ScreeningStatus.SIGNED)
        .order_by("-signed_at")
        .first()
    )
    steps = [
        Step(
            "Screening reviewed and signed by a prescriber",
            screening is not None and screening.final_decision == Decision.ELIGIBLE,
            (
                f"Signed {timezone.localdate(screening.signed_at):%Y-%m-%d}: "
                f"{screening.get_final_decision_display()}"
                if screening is not None and screening.signed_at is not None
                else "The clinic completes your screening after the video intake."
            ),
        )
    ]
    required = load_gate().required_consents(
        plan.route if plan else "sublingual", Setting.AT_HOME.value
    )
    status = consent_status(patient)
    for kind in required:
        kind_status = status[kind]
        steps.append(
            Step(
                f"Consent: {kind_status.kind.label}",
                kind_status.is_current,
                kind_status.label,
            )
        )
    steps.append(
        Step(
            "At-home plan signed by a prescriber",
            plan is not None and plan.status == PlanStatus.ACTIVE,
            plan.get_status_display() if plan else "No at-home plan yet.",
        )
    )
    prep = (
        Appointment.objects.filter(plan=plan, kind=AppointmentKind.PREPARATION)
        .order_by("starts_at")
        .first()
        if plan
        else None
    )
    steps.append(
        Step(
            "Preparation session with the guide (video)",
            prep is not None and prep.status == "done",
            f"{prep.get_status_display()}, {timezone.localtime(prep.starts_at):%Y-%m-%d %H:%M}"
            if prep
            else "Not scheduled yet.",
        )
    )
    monitors = [s.name for s in patient.support_persons.filter(is_home_support=True)]
    steps.append(
        Step(
            "An adult monitor named with the clinic",
            bool(monitors),
            ", ".join(monitors) if monitors else "Tell the clinic who will stay with you.",
        )
    )
    return steps


def open_alerts(clinic: Clinic) -> list[AtHomeAlert]:
    return list(
        AtHomeAlert.objects.filter(clinic=clinic, acknowledged_at__isnull=True)
        .select_related("patient")
        .order_by("-raised_at")
    )


def recent_acknowledged(clinic: Clinic, *, limit: int = 20) -> list[AtHomeAlert]:
    return list(
        AtHomeAlert.objects.filter(clinic=clinic, acknowledged_at__isnull=False)
        .select_related("patient", "acknowledged_by")
        .order_by("-acknowledged_at")[:limit]
    )


def alerts_for_patient(patient: Patient) -> list[AtHomeAlert]:
    return list(AtHomeAlert.objects.filter(patient=patient).order_by("-raised_at"))


def programme_patients(clinic: Clinic) -> list[TreatmentPlan]:
    return list(
        TreatmentPlan.objects.filter(
            patient__clinic=clinic, setting=Setting.AT_HOME, status=PlanStatus.ACTIVE
        )
        .select_related("patient")
        .order_by("patient__legal_family_name", "patient__legal_given_name")
    )
