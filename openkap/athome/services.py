"""Writing the at-home programme. Every write checks who may make it, changes the data and audits
(Category.AT_HOME) in one transaction. Ledger movements go through openkap.inventory.services."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.notifications import care_team_notify
from openkap.accounts.permissions import Permission, require_permission
from openkap.athome.models import (
    AlertKind,
    AtHomeAlert,
    CheckIn,
    CountContext,
    Dispensing,
    DispensingReturn,
    DoseTaken,
    HowItWent,
    Method,
    Outcome,
    PatientCount,
    SessionReport,
    VirtualVisit,
)
from openkap.athome.selectors import at_home_dosing_appointments, is_virtual, latest_checkin
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.athome import (
    CheckinAnswers,
    EscalationFacts,
    SessionFacts,
    checkin_evaluate,
    escalations_due,
    load_checkin,
)
from openkap.clinical.protocols import protocol as load_protocol
from openkap.clinical.session import severity_grades
from openkap.inventory.models import Lot
from openkap.inventory.services import ledger_dispense_home, ledger_return_destroy
from openkap.outcomes.models import SuicideRiskAlert
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentStatus, PlanStatus, TreatmentPlan
from openkap.safety.models import AdverseEvent
from openkap.safety.services import adverse_event_report_by_patient
from openkap.screening.models import Setting

logger = logging.getLogger(__name__)


def _audit(
    actor: User | None,
    patient: Patient,
    action: Action,
    object_type: str,
    object_id: object,
    **detail: Any,
) -> None:
    audit_record(
        action=action,
        category=Category.AT_HOME,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _require_patient(user: User, patient: Patient) -> None:
    """The signed-in patient themself, through their portal account."""
    if (
        user.kind != User.Kind.PATIENT
        or not user.is_active
        or getattr(getattr(user, "portal_account", None), "patient_id", None) != patient.pk
    ):
        raise PermissionDenied


def _require_at_home_session(patient: Patient, appointment: Appointment) -> None:
    if (
        appointment.patient_id != patient.pk
        or appointment.kind != "dosing"
        or appointment.plan.setting != Setting.AT_HOME
    ):
        raise ValidationError({"appointment": "This is not one of your at-home sessions."})
    if appointment.status == AppointmentStatus.CANCELLED or (
        appointment.plan.status != PlanStatus.ACTIVE
    ):
        raise ValidationError({"appointment": "This session is not going ahead."})


def _clinic_day(patient: Patient, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(patient.clinic.timezone)).date()


# --- Dispensing and counts --------------------------------------------------------------------------


@dataclass(frozen=True)
class DispenseInput:
    lot: Lot
    units: int
    mg_per_unit: Decimal
    units_per_session: int
    method: str
    carrier: str
    tracking: str
    dispensed_on: date


def dispensing_record(
    *, actor: User, patient: Patient, plan: TreatmentPlan, data: DispenseInput
) -> Dispensing:
    """Dispense tablets or troches for home use: a ledger entry (dispensed for home use) out of the
    lot, and the dispensing record with how it went (shipped with carrier and tracking, or handed
    over)."""
    require_permission(actor, Permission.CS_RECORD, patient.clinic_id)
    errors: dict[str, str] = {}
    if plan.patient_id != patient.pk or plan.setting != Setting.AT_HOME:
        errors["plan"] = "Choose this patient's at-home plan."
    elif plan.status != PlanStatus.ACTIVE:
        errors["plan"] = "The plan is not active."
    if data.units <= 0:
        errors["units"] = "Give the number of tablets or troches (more than 0)."
    if data.mg_per_unit <= 0:
        errors["mg_per_unit"] = "Give the strength of one tablet or troche in mg."
    elif data.mg_per_unit != data.lot.product.mg_per_container:
        # One ledger container is one tablet or troche: the ledger counts mg from the product.
        errors["mg_per_unit"] = (
            f"This lot's product holds {float(data.lot.product.mg_per_container):g} mg a unit."
        )
    if data.units_per_session <= 0:
        errors["units_per_session"] = "Give the tablets or troches per session (more than 0)."
    elif data.units > 0 and data.units_per_session > data.units:
        errors["units_per_session"] = "More per session than dispensed."
    if data.method not in Method.values:
        errors["method"] = "Choose shipped or handed over."
    elif data.method == Method.SHIPPED and not (data.carrier.strip() and data.tracking.strip()):
        errors["tracking"] = "A shipment needs its carrier and tracking number."
    if errors:
        raise ValidationError(errors)
    how = (
        f"Shipped by {data.carrier.strip()}, tracking {data.tracking.strip()}"
        if data.method == Method.SHIPPED
        else "Handed over at the clinic"
    )
    with transaction.atomic():
        entry = ledger_dispense_home(
            actor=actor,
            clinic=patient.clinic,
            lot=data.lot,
            amount_mg=data.units * data.mg_per_unit,
            units=Decimal(data.units),
            patient=patient,
            dispensed_on=data.dispensed_on,
            reason=f"Dispensed for home use: {data.units} x {float(data.mg_per_unit):g} mg. {how}.",
        )
        dispensing = Dispensing.objects.create(
            clinic=patient.clinic,
            patient=patient,
            plan=plan,
            lot=data.lot,
            ledger_entry=entry,
            units=data.units,
            mg_per_unit=data.mg_per_unit,
            units_per_session=data.units_per_session,
            method=data.method,
            carrier=data.carrier.strip() if data.method == Method.SHIPPED else "",
            tracking=data.tracking.strip() if data.method == Method.SHIPPED else "",
            dispensed_on=data.dispensed_on,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        _audit(
            actor,
            patient,
            Action.CREATE,
            "home_dispensing",
            dispensing.pk,
            units=data.units,
            amount_mg=str(dispensing.amount_mg),
            ledger_entry=entry.pk,
        )
    return dispensing


def expected_units(dispensing: Dispensing) -> int:
    """What the patient should hold: dispensed, minus the doses taken from it, minus returns."""
    taken = DoseTaken.objects.filter(dispensing=dispensing).count()
    returned = dispensing.returns.aggregate(total=Sum("units"))["total"] or 0
    return int(dispensing.units - taken * dispensing.units_per_session - returned)


def dispensing_return(
    *,
    actor: User,
    dispensing: Dispensing,
    units: int,
    reason: str,
    witness: User | None,
    witness_password: str,
    request: HttpRequest | None = None,
) -> DispensingReturn:
    """Leftovers the patient gave back: recorded into the ledger and destroyed (witnessed)."""
    require_permission(actor, Permission.CS_RECORD, dispensing.clinic_id)
    if units <= 0:
        raise ValidationError({"units": "Give the number returned (more than 0)."})
    if units > expected_units(dispensing):
        raise ValidationError(
            {"units": f"More than the patient should hold ({expected_units(dispensing)})."}
        )
    with transaction.atomic():
        returned, destroyed = ledger_return_destroy(
            actor=actor,
            clinic=dispensing.clinic,
            lot=dispensing.lot,
            amount_mg=units * dispensing.mg_per_unit,
            patient=dispensing.patient,
            reason=reason,
            witness=witness,
            witness_password=witness_password,
            request=request,
        )
        record = DispensingReturn.objects.create(
            dispensing=dispensing,
            units=units,
            returned_entry=returned,
            waste_entry=destroyed,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        _audit(
            actor,
            dispensing.patient,
            Action.CREATE,
            "home_return",
            record.pk,
            units=units,
            dispensing=dispensing.pk,
        )
    return record


def patient_count_record(
    *,
    user: User,
    patient: Patient,
    dispensing: Dispensing,
    counted_units: int,
    context: str,
    appointment: Appointment | None = None,
) -> PatientCount:
    """The patient's own count, kept with what is expected; a difference alerts the care team."""
    _require_patient(user, patient)
    if dispensing.patient_id != patient.pk:
        raise ValidationError({"dispensing": "Choose one of your deliveries."})
    if counted_units < 0:
        raise ValidationError({"counted_units": "Give the number you counted (0 or more)."})
    if context not in CountContext.values:
        raise ValidationError({"context": "Say when you counted."})
    with transaction.atomic():
        count = PatientCount.objects.create(
            dispensing=dispensing,
            patient=patient,
            context=context,
            appointment=appointment,
            counted_units=counted_units,
            expected_units=expected_units(dispensing),
            counted_at=timezone.now(),
            counted_by=user,
        )
        _audit(
            user,
            patient,
            Action.CREATE,
            "home_count",
            count.pk,
            counted=counted_units,
            expected=count.expected_units,
        )
        if count.discrepancy != 0:
            _raise(
                patient,
                AlertKind.COUNT_MISMATCH,
                str(count.pk),
                f"Counted {counted_units}, expected {count.expected_units}.",
            )
    return count


# --- Check-in, dose, report -------------------------------------------------------------------------


def checkin_submit(
    *, user: User, patient: Patient, appointment: Appointment, answers: CheckinAnswers
) -> CheckIn:
    """Evaluate and keep a check-in (a new row every time). A blocked one alerts the care team."""
    _require_patient(user, patient)
    _require_at_home_session(patient, appointment)
    if DoseTaken.objects.filter(appointment=appointment).exists():
        raise ValidationError({"appointment": "You already took this session's dose."})
    day = _clinic_day(patient, appointment.starts_at)
    if day != _clinic_day(patient, timezone.now()):
        raise ValidationError(
            {"appointment": f"This session is on {day:%A %d %B %Y}: check in on that day."}
        )
    result = checkin_evaluate(answers, protocol=load_protocol(appointment.plan.protocol_id))
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            clinic=patient.clinic,
            patient=patient,
            appointment=appointment,
            monitor_name=answers.monitor_name.strip()[:200],
            answers={
                key: value
                for key, value in answers.__dict__.items()
                if key not in ("patient_name", "substances_today")
            }
            | {
                "substances_today": None
                if answers.substances_today is None
                else list(answers.substances_today)
            },
            items=[item.__dict__ for item in result.items],
            outcome=result.outcome,
            data_version=result.data_version,
            protocol_id=result.protocol_id,
            recorded_at=timezone.now(),
            recorded_by=user,
        )
        _audit(
            user,
            patient,
            Action.CREATE,
            "home_checkin",
            checkin.pk,
            outcome=result.outcome,
            failed=[item.id for item in result.failed],
            appointment=appointment.pk,
        )
        if result.outcome != "pass":
            _raise(
                patient,
                AlertKind.BLOCKED_CHECKIN,
                str(checkin.pk),
                "Told not to dose: " + ", ".join(item.label for item in result.failed) + ".",
            )
    return checkin


def dose_taken_record(*, user: User, patient: Patient, appointment: Appointment) -> DoseTaken:
    """'I took my dose': only after a passed check-in today for this session, and once."""
    _require_patient(user, patient)
    _require_at_home_session(patient, appointment)
    checkin = latest_checkin(appointment)
    now = timezone.now()
    if checkin is None or checkin.outcome != "pass":
        raise ValidationError({"checkin": "Your check-in must pass before you take the dose."})
    if _clinic_day(patient, checkin.recorded_at) != _clinic_day(patient, now):
        raise ValidationError({"checkin": "Your check-in was on another day: check in again."})
    dispensing = (
        Dispensing.objects.filter(patient=patient, dispensed_on__lte=timezone.localdate(now))
        .order_by("-dispensed_on", "-pk")
        .first()
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                dose = DoseTaken.objects.create(
                    appointment=appointment,
                    patient=patient,
                    checkin=checkin,
                    dispensing=dispensing,
                    taken_at=now,
                    recorded_by=user,
                )
        except IntegrityError:
            raise ValidationError({"appointment": "This dose is already recorded."}) from None
        _audit(user, patient, Action.CREATE, "home_dose", dose.pk, checkin=checkin.pk)
    return dose


@dataclass(frozen=True)
class SideEffect:
    term: str
    severity: str
    description: str = ""


def report_submit(
    *,
    user: User,
    patient: Patient,
    appointment: Appointment,
    how_it_went: str,
    journal: str,
    side_effects: list[SideEffect],
) -> SessionReport:
    """The report after the session; each side effect is an AdverseEvent reported by the patient
    (a grade that alerts the care team is e-mailed by safety and raises an at-home alert)."""
    _require_patient(user, patient)
    _require_at_home_session(patient, appointment)
    dose = DoseTaken.objects.filter(appointment=appointment).first()
    if dose is None:
        raise ValidationError({"appointment": "Report after you have taken the session's dose."})
    if SessionReport.objects.filter(appointment=appointment).exists():
        raise ValidationError({"appointment": "You already reported on this session."})
    if how_it_went not in HowItWent.values:
        raise ValidationError({"how_it_went": "Choose how it went."})
    alerting = {grade.id for grade in severity_grades() if grade.alerts_care_team}
    with transaction.atomic():
        report = SessionReport.objects.create(
            appointment=appointment,
            patient=patient,
            how_it_went=how_it_went,
            journal=journal.strip(),
            submitted_at=timezone.now(),
            submitted_by=user,
        )
        events: list[AdverseEvent] = []
        for effect in side_effects:
            event = adverse_event_report_by_patient(
                user=user,
                patient=patient,
                term=effect.term,
                severity=effect.severity,
                onset_at=dose.taken_at,
                description=effect.description,
            )
            events.append(event)
            if effect.severity in alerting:
                _raise(
                    patient,
                    AlertKind.SEVERE_SIDE_EFFECT,
                    str(event.pk),
                    f"Reported after an at-home session: {effect.term} ({effect.severity}).",
                    email=False,  # safety e-mails the care team itself
                )
        report.adverse_events.set(events)
        _audit(
            user,
            patient,
            Action.CREATE,
            "home_report",
            report.pk,
            how_it_went=how_it_went,
            side_effects=len(events),
            journal=bool(report.journal),
        )
    return report


# --- Alerts -----------------------------------------------------------------------------------------


def _raise(patient: Patient, kind: str, ref: str, reason: str, *, email: bool = True) -> bool:
    """Raise an alert once per (kind, ref); False when it was already raised."""
    with transaction.atomic():
        if AtHomeAlert.objects.filter(kind=kind, ref=ref).exists():
            return False
        alert = AtHomeAlert.objects.create(
            clinic=patient.clinic,
            patient=patient,
            kind=kind,
            ref=ref,
            reason=reason,
            raised_at=timezone.now(),
        )
        _audit(None, patient, Action.CREATE, "home_alert", alert.pk, kind=kind)
        if email:
            link = f"{str(settings.OPENKAP_BASE_URL).rstrip('/')}{reverse('athome:alerts')}"
            transaction.on_commit(
                functools.partial(
                    alert_email, clinic_id=patient.clinic_id, kind=str(kind), link=link
                )
            )
    return True


def alert_email(*, clinic_id: int, kind: str, link: str) -> int:
    """E-mail the care team what kind of at-home alert is waiting, and where (no name)."""
    clinic = Clinic.objects.get(pk=clinic_id)
    label = AlertKind(kind).label.lower()
    return care_team_notify(
        clinic_id=clinic_id,
        subject=f"OpenKAP: at-home alert at {clinic.name} ({label})",
        what=f"An at-home patient of {clinic.name} needs the care team: {label}.",
        link=link,
    )


class AlreadyAcknowledged(Exception):
    pass


def alert_acknowledge(*, actor: User, alert: AtHomeAlert, action_taken: str) -> AtHomeAlert:
    require_permission(actor, Permission.SAFETY_RECORD, alert.clinic_id)
    text = action_taken.strip()
    if not text:
        raise ValidationError(
            {"action_taken": "Say what was done (for example: called the patient and monitor)."}
        )
    with transaction.atomic():
        current = AtHomeAlert.objects.select_for_update().get(pk=alert.pk)
        if current.acknowledged_at is not None:
            raise AlreadyAcknowledged
        current.acknowledged_at = timezone.now()
        current.acknowledged_by = actor
        current.action_taken = text
        current.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
        _audit(actor, current.patient, Action.UPDATE, "home_alert", current.pk, acknowledged=True)
    return current


def escalate(*, now: datetime | None = None) -> int:
    """Raise every alert due now (each once). Run by `openkap athome escalate` every few minutes."""
    now = now or timezone.now()
    appointments = list(at_home_dosing_appointments(before=now))
    checked = set(
        CheckIn.objects.filter(appointment__in=appointments).values_list(
            "appointment_id", flat=True
        )
    )
    sessions = tuple(
        SessionFacts(
            ref=str(a.pk),
            starts_at=a.starts_at,
            checked_in=a.pk in checked,
            # Cancelled, marked missed or charted as done by the clinic: nothing to chase.
            cancelled=a.status
            in (AppointmentStatus.CANCELLED, AppointmentStatus.MISSED, AppointmentStatus.DONE),
        )
        for a in appointments
    )
    at_home_patients = {a.patient_id for a in appointments} | set(
        TreatmentPlan.objects.filter(setting=Setting.AT_HOME, status=PlanStatus.ACTIVE).values_list(
            "patient_id", flat=True
        )
    )
    suicide = SuicideRiskAlert.objects.filter(
        patient_id__in=at_home_patients, acknowledged_at__isnull=True
    )
    already = frozenset(AtHomeAlert.objects.values_list("kind", "ref"))
    facts = EscalationFacts(
        sessions=sessions,
        blocked_checkins=tuple(
            str(pk)
            for pk in CheckIn.objects.filter(outcome=Outcome.BLOCKED).values_list("pk", flat=True)
        ),
        suicide_alerts=tuple(str(a.pk) for a in suicide),
        already=already,
    )
    raised = 0
    by_appointment = {str(a.pk): a for a in appointments}
    suicide_by_pk = {str(a.pk): a for a in suicide}
    for escalation in escalations_due(facts, now=now, data=load_checkin()):
        if escalation.kind == "missed_checkin":
            patient = by_appointment[escalation.ref].patient
            email = True
        elif escalation.kind == "suicide_risk":
            patient = suicide_by_pk[escalation.ref].patient
            email = False  # outcomes e-mailed the care team already
        else:
            checkin = CheckIn.objects.select_related("patient__clinic").get(pk=escalation.ref)
            patient = checkin.patient
            email = True
        raised += _raise(patient, escalation.kind, escalation.ref, escalation.reason, email=email)
    return raised


# --- Virtual sessions -------------------------------------------------------------------------------


def virtual_link_set(*, actor: User, appointment: Appointment, join_url: str) -> VirtualVisit:
    require_permission(actor, Permission.DOSING_CHART, appointment.patient.clinic_id)
    if not is_virtual(appointment):
        raise ValidationError({"join_url": "Only a virtual session of an at-home plan has a link."})
    url = join_url.strip()
    if not url.startswith("https://"):
        raise ValidationError({"join_url": "Give the video link (it starts with https://)."})
    with transaction.atomic():
        visit, created = VirtualVisit.objects.update_or_create(
            appointment=appointment,
            defaults={"join_url": url, "set_at": timezone.now(), "set_by": actor},
        )
        _audit(
            actor,
            appointment.patient,
            Action.CREATE if created else Action.UPDATE,
            "virtual_visit",
            visit.pk,
            appointment=appointment.pk,
        )
    return visit
