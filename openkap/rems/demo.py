"""Demo esketamine REMS Patient Monitoring Forms for `openkap demo`, so the dashboard of forms due
shows every state: the oldest signed esketamine session has its form signed off and submitted
online (with the portal's confirmation) the next morning, the newest has its form signed off and
waiting to be submitted (due in a few days), and the sessions between have no form yet (the
dashboard offers to start it). Synthetic data only.

Every form is made by the REMS services, as the nurse would: prepared from the chart, the fields
the chart cannot answer typed in (the monitoring nurse's telephone and email, when the patient
would have been ready to leave, the details of the adverse events), signed off with the nurse's
password, and the submission recorded. The services' clock is set to the time of each step, after
the session and never ahead of real time. The healthcare setting's address on the form is the
clinic's: the demo clinic is given one (through the clinic settings) if it has none.

Loaded once (skipped when the clinic has REMS forms)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.services import clinic_settings_update
from openkap.demo.loading import Clock, password_checks_remembered, services_clock
from openkap.dosing.models import ChartEntry, DosingSession, SessionStatus
from openkap.rems import services
from openkap.rems.models import RemsMonitoringForm, SubmissionMethod
from openkap.rems.selectors import ESKETAMINE_ROUTE

DEMO_CLINIC = "Harbor Mind Brookline"
NURSE = "nurse.okafor"
ADMIN = "admin.walsh"
# The demo clinic's address and telephone (fictional: the 555-01xx range), for a clinic without.
ADDRESS: dict[str, object] = {
    "address_line": "1450 Beacon St, Suite 300",
    "city": "Brookline",
    "state": "MA",
    "postal_code": "02446",
    "phone": "(617) 555-0100",
}
MINUTE = timedelta(minutes=1)


def _request(user: User) -> HttpRequest:
    # Sign-off checks the nurse's password again, through the authentication backends.
    request = RequestFactory().post("/rems/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def _ensure_address(clinic: Clinic, admin: User | None) -> Clinic:
    if clinic.address_line or admin is None:
        return clinic
    return clinic_settings_update(
        actor=admin, clinic=clinic, expected_version=clinic.version, data=ADDRESS
    )


def _ready_minutes(session: DosingSession) -> int:
    """When the ratings had settled (sedation 5, no dissociation) for good, in minutes from the
    first device, rounded up to 5 minutes: the nurse's answer to "when would the patient have been
    ready to leave" without the 2-hour minimum."""
    assert session.dose_started_at is not None
    ratings = session.entries.filter(
        kind__in=(ChartEntry.Kind.SEDATION, ChartEntry.Kind.DISSOCIATION)
    ).order_by("observed_at", "pk")
    settled = session.dose_started_at
    unsettled = False
    for entry in ratings:
        calm = (entry.kind == ChartEntry.Kind.SEDATION and entry.score == 5) or (
            entry.kind == ChartEntry.Kind.DISSOCIATION and entry.score == 0
        )
        if not calm:
            unsettled = True
        elif unsettled:
            settled, unsettled = entry.observed_at, False
    minutes = int((settled - session.dose_started_at).total_seconds() // 60)
    return -(-minutes // 5) * 5


def _details(session: DosingSession, ready: int) -> str:
    """The adverse events as the chart recorded them, in the nurse's words."""
    assert session.dose_started_at is not None
    started = session.dose_started_at
    parts = []
    for entry in session.entries.filter(kind=ChartEntry.Kind.SIDE_EFFECT).order_by("observed_at"):
        minute = int((entry.observed_at - started).total_seconds() // 60)
        text = f"{entry.term.replace('_', ' ').capitalize()} ({entry.severity}) at {minute} min"
        parts.append(f"{text}: {entry.text.rstrip('.')}" if entry.text else text)
    dissociation = session.entries.filter(kind=ChartEntry.Kind.DISSOCIATION)
    peak = max((e.score or 0 for e in dissociation), default=0)
    sedation = session.entries.filter(kind=ChartEntry.Kind.SEDATION)
    deepest = min((e.score or 5 for e in sedation), default=5)
    vitals = session.entries.filter(kind=ChartEntry.Kind.VITALS, spo2__isnull=False)
    lowest = min((e.spo2 or 100 for e in vitals), default=None)
    breathing = f" (lowest SpO2 {lowest}%)" if lowest is not None else ""
    parts.append(
        f"Dissociation rated up to {peak} and MOAA/S down to {deepest}, both settled by about "
        f"{ready} min; no respiratory depression{breathing}"
    )
    return ". ".join(parts) + "."


def _sign_off(
    session: DosingSession, clinic: Clinic, nurse: User, password: str, clock: Clock
) -> None:
    assert session.discharged_at is not None
    clock.at(session.discharged_at + 25 * MINUTE)
    form = services.rems_form_prepare(actor=nurse, session=session)
    ready = _ready_minutes(session)
    clock.at(session.discharged_at + 31 * MINUTE)
    form = services.rems_form_update(
        actor=nurse,
        form=form,
        expected_version=form.version,
        answers={
            "hcp_phone": clinic.phone,
            "hcp_email": nurse.email,
            "ready_to_leave_minutes": str(ready),
            "ae_details": _details(session, ready),
        },
    )
    clock.at(session.discharged_at + 34 * MINUTE)
    services.rems_form_sign_off(
        request=_request(nurse),
        actor=nurse,
        form=form,
        expected_version=form.version,
        password=password,
    )


def _submit(session: DosingSession, nurse: User, clock: Clock) -> None:
    form = RemsMonitoringForm.objects.get(session=session)
    assert form.signed_off_at is not None
    next_morning = timezone.localtime(form.signed_off_at).replace(hour=9, minute=12)
    submitted = min(next_morning + timedelta(days=1), clock.real_now())
    clock.at(submitted)
    services.rems_form_record_submission(
        actor=nurse,
        form=form,
        expected_version=form.version,
        submitted_on=timezone.localdate(submitted),
        method=SubmissionMethod.ONLINE,
        confirmation_reference=f"SPR-{timezone.localdate(submitted):%y%m%d}-{form.pk:05d}",
    )


@transaction.atomic
def load(*, clinic: Clinic, nurse: User, admin: User | None, password: str) -> bool:
    """The clinic's demo REMS forms; False when it has some already or no signed esketamine
    session."""
    if RemsMonitoringForm.objects.filter(patient__clinic=clinic).exists():
        return False
    sessions = list(
        DosingSession.objects.filter(
            patient__clinic=clinic, plan__route=ESKETAMINE_ROUTE, status=SessionStatus.SIGNED
        )
        .select_related("patient__clinic")
        .order_by("dose_started_at", "pk")
    )
    if not sessions:
        return False
    clinic = _ensure_address(clinic, admin)
    # The newest is signed off only when there is another to submit; the ones between stay empty.
    with timezone.override(ZoneInfo(clinic.timezone)), services_clock() as clock:
        _sign_off(sessions[0], clinic, nurse, password, clock)
        _submit(sessions[0], nurse, clock)
        if len(sessions) > 1:
            _sign_off(sessions[-1], clinic, nurse, password, clock)
    return True


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    nurse = User.objects.filter(username=NURSE).first()
    if clinic is None or nurse is None:
        return False
    admin = User.objects.filter(username=ADMIN).first()
    with password_checks_remembered():
        return load(clinic=clinic, nurse=nurse, admin=admin, password=password)
