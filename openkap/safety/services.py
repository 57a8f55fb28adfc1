"""Safety writes: adverse events (from the session chart, reported later by a clinician or by the
patient in the portal, graded and followed to their outcome), long-term monitoring results, the
clinic's monitoring cadence and the reminders of checks due. Each checks permission, changes the
data and writes its audit row (Category.SAFETY) in one transaction."""

from __future__ import annotations

import functools
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.notifications import care_team_emails, care_team_notify
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.monitoring import MonitoringError, interval_checked, monitoring_checks
from openkap.clinical.session import severity_grades, side_effect_terms
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.patients.models import Patient
from openkap.safety.models import (
    AdverseEvent,
    EventOutcome,
    EventSource,
    MonitoringCadence,
    MonitoringReminder,
    MonitoringResult,
    ScreenResult,
)

logger = logging.getLogger(__name__)

# A patient may report something the list does not name; a clinician codes it later.
OTHER_TERM = "other"
# Outcomes that say the event is over: they need the day it resolved (or ended).
ENDED_OUTCOMES = frozenset({EventOutcome.RESOLVED, EventOutcome.RESOLVED_WITH_SEQUELAE})
# Clocks differ a little between the phone or tablet and the server.
_CLOCK_SKEW = timedelta(minutes=5)
UPDATE_FIELDS = (
    "term",
    "severity",
    "serious",
    "serious_reason",
    "outcome",
    "resolved_at",
    "session",
    "description",
)


class AdverseEventConflict(Exception):
    """Someone saved the event since the form was opened: nothing was saved."""

    def __init__(self, changed: list[str]) -> None:
        super().__init__("The adverse event was changed by someone else.")
        self.changed = changed


class CadenceConflict(Exception):
    """Someone changed the clinic's cadence since the form was opened: nothing was saved."""


def _audit(
    actor: User | None, patient: Patient, action: Action, event: AdverseEvent, **detail: Any
) -> None:
    audit_record(
        action=action,
        category=Category.SAFETY,
        actor=actor,
        patient=patient,
        object_type="adverse_event",
        object_id=event.pk,
        detail=detail,
    )


# --- Adverse events -------------------------------------------------------------------------------


def term_ids(*, with_other: bool = False) -> set[str]:
    ids = {term.id for term in side_effect_terms()}
    return ids | {OTHER_TERM} if with_other else ids


def severity_ids() -> set[str]:
    return {grade.id for grade in severity_grades()}


@transaction.atomic
def adverse_event_from_chart_entry(*, actor: User, entry: ChartEntry) -> AdverseEvent | None:
    """The adverse event of a side effect charted in a session, linked to the session (and so its
    dose) and to the entry. Called by chart_entry_add right after it saves the entry; the same
    entry twice is one event. Any other kind of entry has none (None)."""
    if entry.kind != ChartEntry.Kind.SIDE_EFFECT:
        return None
    session = DosingSession.objects.select_related("patient").get(pk=entry.session_id)
    require_permission(actor, Permission.DOSING_CHART, session.patient.clinic_id)
    return _event_of_entry(actor=actor, entry=entry, session=session)


def _event_of_entry(
    *, actor: User | None, entry: ChartEntry, session: DosingSession
) -> AdverseEvent:
    existing = AdverseEvent.objects.filter(chart_entry=entry).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            event = AdverseEvent.objects.create(
                patient=session.patient,
                session=session,
                chart_entry=entry,
                source=EventSource.SESSION,
                term=entry.term,
                severity=entry.severity,
                onset_at=entry.observed_at,
                description=entry.text,
                reported_at=entry.entered_at,
                reported_by=entry.entered_by,
            )
    except IntegrityError:
        # The same entry was turned into an event at the same moment by another request.
        return AdverseEvent.objects.get(chart_entry=entry)
    _audit(
        actor,
        session.patient,
        Action.CREATE,
        event,
        source=EventSource.SESSION,
        term=event.term,
        severity=event.severity,
        chart_entry=entry.pk,
        session=session.pk,
    )
    return event


@transaction.atomic
def adverse_event_backfill(*, clinic: Clinic | None = None) -> int:
    """Make the adverse event of every charted side effect that has none (entries charted before
    the chart called the hook). Run by an operator (`openkap safety backfill`): no actor."""
    entries = ChartEntry.objects.filter(
        kind=ChartEntry.Kind.SIDE_EFFECT, adverse_event__isnull=True
    ).select_related("session__patient")
    if clinic is not None:
        entries = entries.filter(session__patient__clinic=clinic)
    made = 0
    for entry in entries.order_by("pk"):
        _event_of_entry(actor=None, entry=entry, session=entry.session)
        made += 1
    return made


def _check_event_fields(
    *,
    patient: Patient,
    term: str,
    severity: str,
    onset_at: datetime,
    session: DosingSession | None,
    serious: bool = False,
    serious_reason: str = "",
    with_other: bool,
    description: str = "",
) -> None:
    errors: dict[str, str] = {}
    if term not in term_ids(with_other=with_other):
        errors["term"] = "Choose a side effect from the list."
    elif term == OTHER_TERM and not description.strip():
        errors["description"] = "Describe what happened."
    if severity not in severity_ids():
        errors["severity"] = "Choose how severe it is."
    if onset_at > timezone.now() + _CLOCK_SKEW:
        errors["onset_at"] = "Cannot be in the future."
    if session is not None:
        if session.patient_id != patient.pk or session.dose_started_at is None:
            errors["session"] = "Choose one of this patient's sessions."
        elif onset_at < session.dose_started_at - _CLOCK_SKEW:
            errors["onset_at"] = "Cannot be before the session's dose was started."
    if serious and not serious_reason.strip():
        errors["serious_reason"] = "Say why it is serious (e.g. hospitalisation)."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def adverse_event_record(
    *,
    actor: User,
    patient: Patient,
    term: str,
    severity: str,
    onset_at: datetime,
    description: str = "",
    session: DosingSession | None = None,
    serious: bool = False,
    serious_reason: str = "",
    outcome: str = EventOutcome.UNKNOWN,
) -> AdverseEvent:
    """An adverse event reported to a clinician after the session (by phone, at a visit)."""
    require_permission(actor, Permission.SAFETY_RECORD, patient.clinic_id)
    _check_event_fields(
        patient=patient,
        term=term,
        severity=severity,
        onset_at=onset_at,
        session=session,
        serious=serious,
        serious_reason=serious_reason,
        with_other=False,
    )
    if outcome not in EventOutcome.values or outcome in ENDED_OUTCOMES:
        raise ValidationError({"outcome": "Record the resolution by updating the event."})
    event = AdverseEvent.objects.create(
        patient=patient,
        session=session,
        source=EventSource.CLINICIAN,
        term=term,
        severity=severity,
        serious=serious,
        serious_reason=serious_reason.strip() if serious else "",
        outcome=outcome,
        onset_at=onset_at,
        description=description.strip(),
        reported_at=timezone.now(),
        reported_by=actor,
    )
    _audit(
        actor,
        patient,
        Action.CREATE,
        event,
        source=EventSource.CLINICIAN,
        term=term,
        severity=severity,
        serious=serious,
    )
    return event


@transaction.atomic
def adverse_event_report_by_patient(
    *,
    user: User,
    patient: Patient,
    term: str,
    severity: str,
    onset_at: datetime,
    description: str,
    session: DosingSession | None = None,
) -> AdverseEvent:
    """A side effect the patient reports in the portal; their care team grades it."""
    if (
        user.kind != User.Kind.PATIENT
        or not user.is_active
        or getattr(getattr(user, "portal_account", None), "patient_id", None) != patient.pk
    ):
        raise PermissionDenied
    _check_event_fields(
        patient=patient,
        term=term,
        severity=severity,
        onset_at=onset_at,
        session=session,
        with_other=True,
        description=description,
    )
    event = AdverseEvent.objects.create(
        patient=patient,
        session=session,
        source=EventSource.PATIENT,
        term=term,
        severity=severity,
        onset_at=onset_at,
        description=description.strip(),
        reported_at=timezone.now(),
        reported_by=None,
    )
    _audit(user, patient, Action.CREATE, event, source=EventSource.PATIENT, term=term)
    grade = next((g for g in severity_grades() if g.id == severity), None)
    if grade is not None and grade.alerts_care_team:
        link = f"{str(settings.OPENKAP_BASE_URL).rstrip('/')}{reverse('safety:events')}"
        transaction.on_commit(
            functools.partial(
                patient_report_notify, clinic_id=patient.clinic_id, grade=grade.label, link=link
            )
        )
    return event


def patient_report_notify(*, clinic_id: int, grade: str, link: str) -> int:
    """E-mail the care team that a patient reported a side effect of a grade the knowledge file
    marks for it (no name, no term)."""
    clinic = Clinic.objects.get(pk=clinic_id)
    return care_team_notify(
        clinic_id=clinic_id,
        subject=f"OpenKAP: a patient of {clinic.name} reported a {grade.lower()} side effect",
        what=(
            f"A patient of {clinic.name} has just reported a side effect they graded "
            f"{grade.lower()} in the portal. Follow it up."
        ),
        link=link,
    )


@transaction.atomic
def adverse_event_update(
    *, actor: User, event: AdverseEvent, expected_version: int, data: dict[str, Any]
) -> AdverseEvent:
    """Grade the event, code its term, mark it serious (with the reason), follow it to its outcome.
    Refused with what changed if someone saved it since `expected_version`."""
    require_permission(actor, Permission.SAFETY_RECORD, event.patient.clinic_id)
    current = AdverseEvent.objects.select_for_update().get(pk=event.pk)
    values = {name: data[name] for name in UPDATE_FIELDS if name in data}
    if current.version != expected_version:
        # What the other person saved that differs from this form (what it would overwrite).
        raise AdverseEventConflict(
            [name for name, value in values.items() if getattr(current, name) != value]
        )
    candidate = {name: getattr(current, name) for name in UPDATE_FIELDS} | values
    _check_event_fields(
        patient=current.patient,
        term=candidate["term"],
        severity=candidate["severity"],
        onset_at=current.onset_at,
        session=candidate["session"],
        serious=candidate["serious"],
        serious_reason=candidate["serious_reason"] or "",
        with_other=False,
    )
    errors: dict[str, str] = {}
    outcome, resolved_at = candidate["outcome"], candidate["resolved_at"]
    if outcome not in EventOutcome.values:
        errors["outcome"] = "Choose an outcome."
    elif outcome in ENDED_OUTCOMES and resolved_at is None:
        errors["resolved_at"] = "Enter when it resolved."
    if resolved_at is not None:
        if outcome not in ENDED_OUTCOMES and outcome != EventOutcome.FATAL:
            errors["resolved_at"] = "Only a resolved (or fatal) event has an end time."
        elif resolved_at < current.onset_at:
            errors["resolved_at"] = "Cannot be before the onset."
        elif resolved_at > timezone.now() + _CLOCK_SKEW:
            errors["resolved_at"] = "Cannot be in the future."
    if errors:
        raise ValidationError(errors)
    if not candidate["serious"]:
        values["serious_reason"] = ""
    changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
    for name, value in values.items():
        setattr(current, name, value)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _audit(actor, current.patient, Action.UPDATE, current, fields=changed)
    return current


# --- Long-term monitoring -------------------------------------------------------------------------


def clinic_today(clinic: Clinic) -> date:
    from zoneinfo import ZoneInfo

    return timezone.localdate(timezone=ZoneInfo(clinic.timezone))


@transaction.atomic
def monitoring_result_record(
    *,
    actor: User,
    patient: Patient,
    check_id: str,
    performed_on: date,
    result: str,
    value: str = "",
    note: str = "",
) -> MonitoringResult:
    require_permission(actor, Permission.SAFETY_RECORD, patient.clinic_id)
    errors: dict[str, str] = {}
    if check_id not in {check.id for check in monitoring_checks()}:
        errors["check_id"] = "Choose a check from the list."
    if result not in ScreenResult.values:
        errors["result"] = "Choose the result."
    if performed_on > clinic_today(patient.clinic):
        errors["performed_on"] = "Cannot be in the future."
    if result == ScreenResult.ABNORMAL and not (value.strip() or note.strip()):
        errors["note"] = "Say what was abnormal (the score or values, or a note)."
    if errors:
        raise ValidationError(errors)
    row = MonitoringResult.objects.create(
        patient=patient,
        check_id=check_id,
        performed_on=performed_on,
        result=result,
        value=value.strip(),
        note=note.strip(),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.SAFETY,
        actor=actor,
        patient=patient,
        object_type="monitoring_result",
        object_id=row.pk,
        detail={"check": check_id, "result": result},
    )
    return row


def cadence_state(clinic: Clinic) -> str:
    """A fingerprint of the clinic's cadence rows: a form sends it back, to detect a change."""
    rows = MonitoringCadence.objects.filter(clinic=clinic).order_by("check_id")
    return ",".join(f"{row.check_id}:{row.version}" for row in rows)


@transaction.atomic
def monitoring_cadence_set(
    *, actor: User, clinic: Clinic, intervals: dict[str, int], expected_state: str
) -> list[str]:
    """The clinic's interval per check (within the knowledge file's limits). Returns the checks
    whose interval changed."""
    require_permission(actor, Permission.RULES_MANAGE, clinic.pk)
    # Lock the clinic row: two administrators saving at once are serialised, the second refused.
    Clinic.objects.select_for_update().get(pk=clinic.pk)
    if cadence_state(clinic) != expected_state:
        raise CadenceConflict
    errors: dict[str, str] = {}
    defaults = {check.id: check.interval_days for check in monitoring_checks()}
    for check_id, value in intervals.items():
        if check_id not in defaults:
            errors[check_id] = "Not a monitoring check."
            continue
        try:
            interval_checked(value, check_id)
        except MonitoringError as error:
            errors[check_id] = str(error).split(": ", 1)[-1]
    if errors:
        raise ValidationError(errors)
    existing = {row.check_id: row for row in MonitoringCadence.objects.filter(clinic=clinic)}
    changed = []
    now = timezone.now()
    for check_id, value in intervals.items():
        row = existing.get(check_id)
        current = row.interval_days if row is not None else defaults[check_id]
        if value == current:
            continue
        changed.append(check_id)
        if row is None:
            MonitoringCadence.objects.create(
                clinic=clinic,
                check_id=check_id,
                interval_days=value,
                updated_at=now,
                updated_by=actor,
            )
        else:
            MonitoringCadence.objects.filter(pk=row.pk).update(
                interval_days=value, updated_at=now, updated_by=actor, version=F("version") + 1
            )
    audit_record(
        action=Action.UPDATE,
        category=Category.SAFETY,
        actor=actor,
        clinic=clinic,
        object_type="monitoring_cadence",
        object_id=clinic.pk,
        detail={"changed": {check_id: intervals[check_id] for check_id in changed}},
    )
    return changed


@dataclass
class RemindResult:
    reminders: int = 0  # due checks newly reminded of
    emails: int = 0
    by_clinic: dict[int, int] = field(default_factory=dict)


def monitoring_remind(*, today: date | None = None, base_url: str = "") -> RemindResult:
    """Send one e-mail per clinic about its checks due or overdue that nobody was reminded of yet
    (each due check once: a second run the same day sends nothing). The e-mail names no patient:
    it says how many checks of each kind are due and links to the clinic's due list."""
    from openkap.safety.selectors import monitoring_due_for_clinic

    outcome = RemindResult()
    for clinic in Clinic.objects.order_by("pk"):
        with transaction.atomic():
            day = today or clinic_today(clinic)
            rows = [row for row in monitoring_due_for_clinic(clinic, today=day) if row.is_due]
            fresh = []
            for row in rows:
                _, created = MonitoringReminder.objects.get_or_create(
                    patient=row.patient,
                    check_id=row.due.check.id,
                    due_on=row.due.due_on,
                    defaults={"sent_at": timezone.now()},
                )
                if created:
                    fresh.append(row)
            if not fresh:
                continue
            recipients = care_team_emails(clinic.pk)
            counts = Counter(row.due.check.label for row in fresh)
            overdue = sum(row.due.status == "overdue" for row in fresh)
            lines = [f"- {label}: {count}" for label, count in sorted(counts.items())]
            link = f"{base_url.rstrip('/')}{reverse('safety:due')}"
            if recipients:
                send_mail(
                    subject=f"OpenKAP: {len(fresh)} long-term safety check(s) due at {clinic.name}",
                    message=(
                        f"{len(fresh)} long-term safety check(s) for patients on repeated dosing "
                        f"became due at {clinic.name} ({overdue} overdue):\n"
                        + "\n".join(lines)
                        + f"\n\nSee who and record the results: {link}\n"
                        "(This e-mail names no patient; the list is in OpenKAP.)"
                    ),
                    from_email=None,
                    recipient_list=recipients,
                )
                outcome.emails += 1
            audit_record(
                action=Action.CREATE,
                category=Category.SAFETY,
                actor=None,
                clinic=clinic,
                object_type="monitoring_reminder",
                object_id=clinic.pk,
                detail={"due": len(fresh), "recipients": len(recipients), "on": day.isoformat()},
                username="openkap monitoring remind",
            )
            outcome.reminders += len(fresh)
            outcome.by_clinic[clinic.pk] = len(fresh)
    return outcome
