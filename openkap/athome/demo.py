"""The demo clinic's at-home patient for `openkap demo`: a portal account, troches dispensed and
counted, past check-ins (one blocked, then passed), doses taken, reports after the sessions, video
links for the virtual sessions, and today's session whose check-in can be walked in the portal.
Synthetic data only; every record is made by the services, with their clock set to the moment it
happened (never ahead of real time). Loaded once (skipped when the clinic has at-home check-ins)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.athome import services
from openkap.athome.models import AtHomeAlert, CheckIn, CountContext, Dispensing, Method
from openkap.clinical.athome import CheckinAnswers
from openkap.inventory.models import DosageForm, EntryKind, LedgerEntry, Lot
from openkap.patients.models import Patient
from openkap.plans.models import Appointment, AppointmentKind, PlanStatus, TreatmentPlan
from openkap.portal.demo import portal_username
from openkap.portal.models import PortalAccount
from openkap.portal.services import portal_account_activate, portal_invitation_create
from openkap.screening.models import Setting

DEMO_CLINIC = "Harbor Mind Brookline"
NURSE = "nurse.okafor"
FRONT_DESK = "frontdesk.rivera"
VIDEO = "https://video.example.org/harbor-mind/"


class _Clock:
    def __init__(self) -> None:
        self.real = timezone.now
        self.at = self.real()

    def set(self, moment: datetime) -> None:
        self.at = min(moment, self.real()).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at


@contextmanager
def _clock() -> Iterator[_Clock]:
    clock = _Clock()
    with mock.patch.object(timezone, "now", clock):
        yield clock


def _answers(patient: Patient, monitor: str, **changes: object) -> CheckinAnswers:
    fields: dict[str, object] = {
        "patient_name": patient.legal_name(),
        "monitor_name": monitor,
        "monitor_adult": True,
        "monitor_typed_name": monitor,
        "monitor_will_stay": True,
        "safe_place": True,
        "alcohol_today": False,
        "substances_today": (),
        "systolic": 126,
        "diastolic": 80,
        "heart_rate": 68,
        "driving_planned": False,
    }
    fields.update(changes)
    return CheckinAnswers(**fields)  # type: ignore[arg-type]


def _account(patient: Patient, desk: User, password: str) -> User:
    account = PortalAccount.objects.filter(patient=patient).select_related("user").first()
    if account is None:
        new = portal_invitation_create(actor=desk, patient=patient)
        account = portal_account_activate(
            invitation_id=new.invitation.pk, username=portal_username(patient), password=password
        )
        User.objects.filter(pk=account.user_id).update(is_demo_account=True)
    return User.objects.get(pk=account.user_id)


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    nurse = User.objects.filter(username=NURSE).first()
    desk = User.objects.filter(username=FRONT_DESK).first()
    if clinic is None or nurse is None or desk is None:
        return False
    if CheckIn.objects.filter(clinic=clinic).exists():
        return False
    plan = (
        TreatmentPlan.objects.filter(
            patient__clinic=clinic, setting=Setting.AT_HOME, status=PlanStatus.ACTIVE
        )
        .select_related("patient__clinic")
        .first()
    )
    lot = (
        Lot.objects.filter(clinic=clinic, product__dosage_form=DosageForm.SUBLINGUAL)
        .select_related("product")
        .first()
    )
    if plan is None or lot is None:
        return False
    # The demo's alerts are not e-mailed (the console backend would print them).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _load(plan, lot, nurse, desk, password)


@transaction.atomic
def _load(plan: TreatmentPlan, lot: Lot, nurse: User, desk: User, password: str) -> bool:
    patient = plan.patient
    zone = ZoneInfo(patient.clinic.timezone)
    user = _account(patient, desk, password)
    monitor = next(
        (s.name for s in patient.support_persons.filter(is_home_support=True)), "Dana Hart"
    )
    doses = list(
        Appointment.objects.filter(plan=plan, kind=AppointmentKind.DOSING).order_by("starts_at")
    )
    now = timezone.now()
    past = [a for a in doses if a.starts_at + timedelta(hours=3) < now]
    received = (
        LedgerEntry.objects.filter(lot=lot, kind=EntryKind.RECEIPT).order_by("occurred_at").first()
    )
    first = doses[0].starts_at.astimezone(zone).date() if doses else timezone.localdate()
    dispensed_on = first - timedelta(days=3)
    if received is not None:
        dispensed_on = max(dispensed_on, received.occurred_at.astimezone(zone).date())

    def at(day: object, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=zone)  # type: ignore[arg-type]

    with _clock() as clock:
        clock.set(at(dispensed_on, 11))
        dispensing = services.dispensing_record(
            actor=nurse,
            patient=patient,
            plan=plan,
            data=services.DispenseInput(
                lot=lot,
                units=len(doses) or 4,
                mg_per_unit=Decimal(lot.product.mg_per_container),
                units_per_session=1,
                method=Method.SHIPPED,
                carrier="UPS",
                tracking="1Z999AA10123456784",
                dispensed_on=dispensed_on,
            ),
        )
        clock.set(at(dispensed_on + timedelta(days=1), 18, 30))
        services.patient_count_record(
            user=user,
            patient=patient,
            dispensing=dispensing,
            counted_units=dispensing.units,
            context=CountContext.RECEIPT,
        )
        for number, appointment in enumerate(past, start=1):
            _past_session(clock, user, nurse, patient, appointment, dispensing, monitor, number)
        # Video links for the virtual sessions still to come.
        for appointment in Appointment.objects.filter(plan=plan, starts_at__gte=now).exclude(
            kind=AppointmentKind.DOSING
        ):
            clock.set(now)
            services.virtual_link_set(
                actor=nurse, appointment=appointment, join_url=f"{VIDEO}{appointment.pk:06d}"
            )
    return True


def _past_session(
    clock: _Clock,
    user: User,
    nurse: User,
    patient: Patient,
    appointment: Appointment,
    dispensing: Dispensing,
    monitor: str,
    number: int,
) -> None:
    start = appointment.starts_at
    if number == 1:
        # The monitor was late home from work: the first check-in is blocked, then passes.
        clock.set(start - timedelta(minutes=25))
        blocked = services.checkin_submit(
            user=user,
            patient=patient,
            appointment=appointment,
            answers=_answers(patient, "", monitor_typed_name="", monitor_will_stay=False),
        )
        clock.set(start - timedelta(minutes=10))
        alert = AtHomeAlert.objects.get(kind="blocked_checkin", ref=str(blocked.pk))
        services.alert_acknowledge(
            actor=nurse,
            alert=alert,
            action_taken=(
                f"Called the patient: {monitor} was on the way home. Told him to wait and check "
                "in again when the monitor arrived."
            ),
        )
    else:
        clock.set(start - timedelta(minutes=20))
        services.patient_count_record(
            user=user,
            patient=patient,
            dispensing=dispensing,
            counted_units=services.expected_units(dispensing),
            context=CountContext.SESSION,
            appointment=appointment,
        )
    clock.set(start + timedelta(minutes=5 if number == 1 else -5))
    services.checkin_submit(
        user=user, patient=patient, appointment=appointment, answers=_answers(patient, monitor)
    )
    clock.set(start + timedelta(minutes=8 if number == 1 else 0))
    services.dose_taken_record(user=user, patient=patient, appointment=appointment)
    clock.set(start + timedelta(hours=2, minutes=40))
    services.report_submit(
        user=user,
        patient=patient,
        appointment=appointment,
        how_it_went="well" if number == 1 else "mixed",
        journal=(
            "Felt floaty for about an hour; the music helped. Daniel sat with me the whole "
            "time. Want to talk about the memory of my father that came up."
            if number == 1
            else "Harder this time: some nausea at the start and a wave of sadness. Settled "
            "after an hour. Slept well."
        ),
        side_effects=[]
        if number == 1
        else [services.SideEffect("nausea", "mild", "Queasy for 30 minutes; no vomiting.")],
    )
