"""Reads for the REMS Patient Monitoring Form: what the chart says for each field, the forms a user
may open, and the forms due at a clinic. Scoped to the user's clinics; the views audit the reads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, clinic_ids_where, user_can
from openkap.clinical.rems import (
    SEX_CHOICES,
    rems_adverse_event_answers,
    rems_bp_at_40,
    rems_due_date,
    rems_form_spec,
    rems_medication_answers,
)
from openkap.clinical.rulepack import load_rule_pack
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.screening.models import Medication

ESKETAMINE_ROUTE = "intranasal_esketamine"


class RemsNotApplicable(Exception):
    """The session has no REMS form: not esketamine, or no dose given yet."""


def treatment_date_of(session: DosingSession) -> date:
    """The day of the first device, in the clinic's time zone."""
    assert session.dose_started_at is not None
    zone = ZoneInfo(session.patient.clinic.timezone)
    return timezone.localtime(session.dose_started_at, zone).date()


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


@dataclass(frozen=True)
class ChartValues:
    values: dict[str, Any]
    notes: dict[str, str]


def rems_chart_values(session: DosingSession) -> ChartValues:
    """Every field the chart can answer, with a note for each one it could not."""
    if session.plan.route != ESKETAMINE_ROUTE:
        raise RemsNotApplicable("This session is not an esketamine session.")
    started = session.dose_started_at
    if started is None:
        raise RemsNotApplicable("No dose has been given in this session yet.")
    patient = session.patient
    clinic = patient.clinic
    values: dict[str, Any] = {}
    notes: dict[str, str] = {}

    # Patient.
    values["patient_first_name"] = patient.legal_given_name
    values["patient_middle_initial"] = patient.legal_middle_name[:1].upper()
    values["patient_last_name"] = patient.legal_family_name
    values["patient_birthdate"] = patient.date_of_birth.isoformat()
    if patient.sex in dict(SEX_CHOICES):
        values["patient_sex"] = patient.sex
    else:
        notes["patient_sex"] = "The chart's sex is not one the form offers: answer by hand."
    earlier = (
        DosingSession.objects.filter(
            patient=patient,
            plan__route=ESKETAMINE_ROUTE,
            dose_started_at__isnull=False,
            dose_started_at__lt=started,
        )
        .exclude(pk=session.pk)
        .exists()
    )
    values["first_treatment"] = not earlier
    enrolled = session.gate_answers.get("rems_enrolled")
    if isinstance(enrolled, bool):
        values["patient_enrolled"] = enrolled
    else:
        notes["patient_enrolled"] = "The gate did not record the REMS enrolment."

    # Medications, by the rule pack's classes.
    pack = load_rule_pack()
    names = list(Medication.objects.filter(patient=patient).values_list("name", flat=True))
    classes = [pack.drug_classes_of(name) for name in names]
    for field_id, answer in rems_medication_answers(classes).items():
        if answer is None:
            notes[field_id] = "A medication on the list is not in the rule pack: answer by hand."
        else:
            values[field_id] = answer

    # The monitoring HCP: who discharged the patient, else who recorded the gate.
    hcp = session.discharged_by or session.gate_recorded_by
    values["hcp_first_name"] = hcp.first_name
    values["hcp_last_name"] = hcp.last_name

    # The setting.
    values["setting_name"] = clinic.name
    values["setting_address"] = clinic.address_line
    values["setting_city"] = clinic.city
    values["setting_state"] = clinic.state
    values["setting_zip"] = clinic.postal_code

    # The session.
    values["treatment_date"] = treatment_date_of(session).isoformat()
    if session.dose_mg is not None:
        dose = session.dose_mg
        values["dose_mg"] = int(dose) if dose == int(dose) else None
        if values["dose_mg"] is None:
            del values["dose_mg"]
            notes["dose_mg"] = f"The dose ({dose} mg) is not whole milligrams: enter it by hand."
    else:
        notes["dose_mg"] = "No confirmed dose on the session."
    if session.lot is not None:
        values["lot_number"] = session.lot.lot_number
    ended = session.discharged_at
    if ended is not None:
        values["total_minutes"] = int(_minutes(ended, started))
    else:
        notes["total_minutes"] = "The patient has not been discharged yet."

    # Vital signs.
    entries = list(ChartEntry.objects.filter(session=session).order_by("observed_at", "pk"))
    pressures = [
        e
        for e in entries
        if e.kind == "vitals" and e.systolic is not None and e.diastolic is not None
    ]
    before = [e for e in pressures if e.observed_at < started]
    if before:
        values["bp_before_systolic"] = before[-1].systolic
        values["bp_before_diastolic"] = before[-1].diastolic
    else:
        # The gate's pre-dose reading, when no set was charted before the first device.
        for measure in ("systolic", "diastolic"):
            reading = session.gate_answers.get(measure)
            if isinstance(reading, int | float) and not isinstance(reading, bool):
                values[f"bp_before_{measure}"] = int(reading)
    after = [e for e in pressures if e.observed_at >= started]
    at_40 = rems_bp_at_40(
        [(_minutes(e.observed_at, started), e.systolic or 0, e.diastolic or 0) for e in after]
    )
    if at_40 is not None:
        values["bp_40_systolic"], values["bp_40_diastolic"] = at_40
    else:
        spec = rems_form_spec()
        notes["bp_40_systolic"] = notes["bp_40_diastolic"] = (
            f"No blood pressure charted {spec.bp_at_minutes - spec.bp_window_minutes}-"
            f"{spec.bp_at_minutes + spec.bp_window_minutes} minutes after the first device."
        )
    gate_vitals = [i for i in session.gate_items if i.get("id") == "vitals"]
    if gate_vitals:
        values["vitals_ok_before"] = gate_vitals[0].get("status") == "pass"
    if ended is not None:
        last = [e for e in pressures if started <= e.observed_at <= ended]
        if last:
            values["bp_end_systolic"] = last[-1].systolic
            values["bp_end_diastolic"] = last[-1].diastolic
        last_set = [e for e in entries if e.kind == "vitals" and started <= e.observed_at <= ended]
        if last_set:
            values["vitals_ok_end"] = not last_set[-1].alerts
    else:
        for field_id in ("bp_end_systolic", "bp_end_diastolic", "vitals_ok_end"):
            notes[field_id] = "The patient has not been discharged yet."

    # Adverse events.
    terms = [e.term for e in entries if e.kind == "side_effect"]
    ratings = [
        (e.kind, e.score)
        for e in entries
        if e.kind in ("sedation", "dissociation") and e.score is not None
    ]
    values.update(rems_adverse_event_answers(terms, ratings))
    # Only what the chart knows: nothing empty (an empty value is "not filled", as on the form).
    return ChartValues(
        values={k: v for k, v in values.items() if v is not None and v != ""}, notes=notes
    )


def rems_form_get_for_user(
    *, user: User, public_id: uuid.UUID, permission: Permission
) -> RemsMonitoringForm:
    """The form, if the user holds the permission in its patient's clinic: a form of a clinic the
    user has no role in does not exist for them (DoesNotExist); a role without the permission is
    refused (PermissionDenied)."""
    form = RemsMonitoringForm.objects.select_related(
        "patient__clinic",
        "session__plan",
        "session__appointment",
        "signed_off_by",
        "submission_recorded_by",
    ).get(public_id=public_id)
    if form.patient.clinic_id not in user.clinic_ids():
        raise RemsMonitoringForm.DoesNotExist
    if not user_can(user, permission, form.patient.clinic_id):
        raise PermissionDenied
    return form


def rems_session_for_user(*, user: User, appointment_id: int) -> DosingSession:
    """The dosing session of an appointment in one of the user's clinics where they may edit REMS
    forms (DoesNotExist otherwise)."""
    return DosingSession.objects.select_related(
        "patient__clinic", "plan", "lot", "discharged_by", "gate_recorded_by"
    ).get(
        appointment_id=appointment_id,
        patient__clinic_id__in=clinic_ids_where(user, Permission.REMS_EDIT),
    )


@dataclass(frozen=True)
class DueRow:
    session: DosingSession
    form: RemsMonitoringForm | None
    treatment_date: date
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def state(self) -> str:
        if self.form is None:
            return "Not started"
        return str(RemsFormStatus(self.form.status).label)


def rems_forms_due(*, clinic: Clinic, today: date) -> list[DueRow]:
    """The clinic's esketamine sessions with a dose given and no submission recorded, the oldest
    due date first (including sessions whose form has not been started)."""
    sessions = (
        DosingSession.objects.filter(
            patient__clinic=clinic,
            plan__route=ESKETAMINE_ROUTE,
            dose_started_at__isnull=False,
        )
        .exclude(rems_form__status=RemsFormStatus.SUBMITTED)
        .select_related("patient__clinic", "appointment", "rems_form")
    )
    rows: list[DueRow] = []
    for session in sessions:
        form: RemsMonitoringForm | None = getattr(session, "rems_form", None)
        treated = treatment_date_of(session)
        due = rems_due_date(treated)
        rows.append(
            DueRow(
                session=session,
                form=form,
                treatment_date=treated,
                due_on=due,
                days_left=(due - today).days,
            )
        )
    rows.sort(key=lambda row: (row.due_on, row.session.pk))
    return rows
