"""The demo's dosing sessions: a clinic with an active plan on every in-office route (two IV plans),
the demo lots of every dosage form, and the dosing demo loaded on top, through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import PASSWORD
from openkap.accounts.models import Clinic, Role, User
from openkap.audit.models import AuditEvent
from openkap.consent.models import ConsentDocument, ConsentKind, SignedConsent, body_sha256
from openkap.dosing import demo
from openkap.dosing.chart_services import DOSAGE_FORMS_OF_ROUTE
from openkap.dosing.models import ChartEntry, DosingSession, GateOverride, SessionStatus
from openkap.inventory import services as inventory
from openkap.inventory.models import DosageForm, EntryKind, LedgerEntry, Lot
from openkap.patients.models import Patient
from openkap.plans import services as plans
from openkap.plans.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    PlanStatus,
    TreatmentPlan,
)
from openkap.plans.tests.factories import sign_screening, signing_request
from openkap.screening.models import Measurement, PregnancyStatus, ReproductiveStatus

pytestmark = pytest.mark.django_db

# route, protocol, weight (kg)
PLANS = [
    ("iv", "iv-racemic-ketamine", "68.4"),
    ("iv", "iv-racemic-ketamine", "91.2"),
    ("intranasal_esketamine", "esketamine-trd", "74.0"),
    ("im", "kap-im", "58.9"),
    ("sublingual", "kap-sublingual-in-office", "63.5"),
]
ROUTES = {route for route, _, _ in PLANS}


@pytest.fixture(autouse=True)
def clinic_day(clinic: Clinic) -> Iterator[None]:
    """Days are the clinic's days (as on the Today page), whatever the hour in UTC."""
    with timezone.override(ZoneInfo(clinic.timezone)):
        yield


@dataclass
class DemoClinic:
    clinic: Clinic
    nurse: User
    prescriber: User

    def load(self) -> bool:
        return demo.load(
            clinic=self.clinic, nurse=self.nurse, prescriber=self.prescriber, password=PASSWORD
        )


def _consent_everything(patient: Patient, prescriber: User) -> None:
    for kind in ConsentKind:
        document = ConsentDocument.objects.filter(clinic=patient.clinic, kind=kind).first()
        if document is None:
            body = f"{kind.label}: the clinic's text."
            document = ConsentDocument.objects.create(
                clinic=patient.clinic,
                kind=kind,
                version=1,
                title=str(kind.label),
                body=body,
                body_sha256=body_sha256(body),
                basis="test",
                change_summary="first",
                published_by=prescriber,
            )
        SignedConsent.objects.create(
            patient=patient,
            document=document,
            kind=kind,
            version=document.version,
            title=document.title,
            signed_body=document.body,
            signed_body_sha256=document.body_sha256,
            typed_name=patient.legal_given_name,
            understood=True,
            method=SignedConsent.Method.TABLET,
            signed_at=timezone.now(),
            signed_in_user=prescriber,
        )
    ReproductiveStatus.objects.create(
        patient=patient, pregnancy=PregnancyStatus.NOT_PREGNANT, updated_by=prescriber
    )


def _receive(
    clinic: Clinic, admin: User, nurse: User, name: str, form: str, mg: int, count: int
) -> Lot:
    product = inventory.product_add(
        actor=admin,
        clinic=clinic,
        name=name,
        dosage_form=form,
        strength=f"{mg} mg",
        concentration_mg_per_ml=Decimal(50) if form == DosageForm.INJECTION else None,
        container="vial" if form == DosageForm.INJECTION else "unit",
        mg_per_container=Decimal(mg),
    )
    return inventory.ledger_receive(
        actor=nurse,
        clinic=clinic,
        product=product,
        lot_number=f"LOT-{form}",
        expires_on=timezone.localdate() + timedelta(days=365),
        containers=Decimal(count),
        invoice_number=f"INV-{form}",
        supplier_name="Demo Wholesale",
        supplier_dea="RA1234563",
        received_on=timezone.localdate() - timedelta(days=20),
    ).lot


@pytest.fixture
def demo_clinic(
    clinic: Clinic, make_staff: Callable[..., User], make_patient: Callable[..., Patient]
) -> DemoClinic:
    prescriber = make_staff("dr.demo", clinic, Role.PRESCRIBER)
    nurse = make_staff("nurse.demo", clinic, Role.NURSE)
    admin = make_staff("admin.demo", clinic, Role.CLINIC_ADMIN)
    for route, protocol_id, weight in PLANS:
        patient = make_patient(clinic, emergency_contact_name="Jordan Escort")
        _consent_everything(patient, prescriber)
        Measurement.objects.create(
            patient=patient, taken_at=timezone.now(), weight_kg=Decimal(weight), created_by=nurse
        )
        sign_screening(patient, prescriber, route=route, setting="in_office")
        plan = plans.plan_create(
            actor=prescriber,
            patient=patient,
            indication_code="F33.1",
            route=route,
            setting="in_office",
            psychotherapy="cbt",
            format="individual",
            protocol_id=protocol_id,
            start_date=timezone.localdate(),
        )
        plans.plan_activate(
            request=signing_request(prescriber),
            actor=prescriber,
            plan=plan,
            expected_version=plan.version,
            password=PASSWORD,
        )
    _receive(clinic, admin, nurse, "Ketamine 50 mg/mL 10 mL", DosageForm.INJECTION, 500, 4)
    _receive(clinic, admin, nurse, "Esketamine 28 mg device", DosageForm.NASAL, 28, 30)
    _receive(clinic, admin, nurse, "Ketamine 100 mg troche", DosageForm.SUBLINGUAL, 100, 20)
    return DemoClinic(clinic=clinic, nurse=nurse, prescriber=prescriber)


def _signed(route: str) -> list[DosingSession]:
    return list(
        DosingSession.objects.filter(plan__route=route, status=SessionStatus.SIGNED)
        .select_related("appointment", "lot__product", "ledger_entry", "patient")
        .order_by("appointment__starts_at")
    )


def test_it_records_a_signed_session_of_every_route(demo_clinic: DemoClinic) -> None:
    assert demo_clinic.load()
    today = timezone.localdate()
    for route in ROUTES:
        sessions = _signed(route)
        assert sessions, f"no signed {route} session"
        for session in sessions:
            appointment = session.appointment
            assert appointment.status == AppointmentStatus.DONE
            day = timezone.localdate(appointment.starts_at)
            assert today - timedelta(days=demo.HISTORY_DAYS) <= day < today
            # Every time of the chart is on the appointment's day, in the order of the care.
            assert session.dose_started_at is not None and session.discharged_at is not None
            assert session.signed_at is not None and session.dose_confirmed_at is not None
            assert timezone.localdate(session.dose_started_at) == day
            assert session.gate_recorded_at < session.dose_confirmed_at < session.dose_started_at
            assert session.dose_started_at < session.discharged_at < session.signed_at
            # The dose was drawn from a lot of the route's dosage form, as much as was confirmed.
            assert session.lot is not None and session.ledger_entry is not None
            assert session.dose_mg is not None
            assert session.lot.product.dosage_form in DOSAGE_FORMS_OF_ROUTE[route]
            assert session.ledger_entry.amount_mg == -session.dose_mg
            assert session.ledger_entry.occurred_at == session.dose_started_at
            assert session.dose_calculation["rule"]
            # Every discharge criterion was met.
            assert session.discharge_items
            assert all(item["status"] == "met" for item in session.discharge_items)
    # Every dosing appointment before today took place, and its chart is signed.
    for appointment in Appointment.objects.filter(kind=AppointmentKind.DOSING):
        if timezone.localdate(appointment.starts_at) < today:
            assert appointment.status == AppointmentStatus.DONE
            session = DosingSession.objects.get(appointment=appointment)
            assert session.status == SessionStatus.SIGNED


def test_its_charts_follow_the_protocol_and_resolve(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    for session in DosingSession.objects.filter(status=SessionStatus.SIGNED):
        entries = list(session.entries.all())
        assert session.dose_started_at is not None and session.discharged_at is not None
        minutes = [
            (e.observed_at - session.dose_started_at).total_seconds() / 60
            for e in entries
            if e.kind == ChartEntry.Kind.VITALS
        ]
        assert min(minutes) < 0, "no pre-dose vitals"
        before_discharge = (session.discharged_at - session.dose_started_at).total_seconds() / 60
        assert before_discharge - max(minutes) <= 15, "no vitals just before discharge"
        sedation = [e.score or 0 for e in entries if e.kind == ChartEntry.Kind.SEDATION]
        dissociation = [e.score or 0 for e in entries if e.kind == ChartEntry.Kind.DISSOCIATION]
        assert min(sedation) < 5 and sedation[-1] == 5
        assert max(dissociation) > 0 and dissociation[-1] == 0
        assert all(e.observed_at <= session.discharged_at for e in entries)
    iv = _signed("iv")[0]
    assert iv.dose_started_at is not None and iv.dose_ended_at is not None
    iv_minutes = sorted(
        (e.observed_at - iv.dose_started_at).total_seconds() / 60
        for e in iv.entries.filter(kind=ChartEntry.Kind.VITALS)
    )
    during = [m for m in iv_minutes if 0 < m <= 40]
    assert during[:4] == [10, 20, 30, 40], "IV vitals every 10 minutes during the infusion"
    esketamine = _signed("intranasal_esketamine")[0]
    assert esketamine.dose_started_at is not None and esketamine.discharged_at is not None
    assert esketamine.discharged_at - esketamine.dose_started_at >= timedelta(hours=2)
    assert esketamine.entries.filter(
        kind=ChartEntry.Kind.VITALS,
        observed_at=esketamine.dose_started_at + timedelta(minutes=40),
    ).exists(), "esketamine vitals at 40 minutes"


def test_it_shows_the_chart_events_a_demo_needs(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    signed = DosingSession.objects.filter(status=SessionStatus.SIGNED)
    overrides = GateOverride.objects.filter(session__in=signed)
    assert overrides.exists()
    assert all(o.session.gate_outcome == "soft_stop" and o.reason for o in overrides)
    assert signed.exclude(dose_change_rationale="").exists()
    entries = ChartEntry.objects.filter(session__in=signed)
    assert entries.filter(kind=ChartEntry.Kind.VITALS).exclude(alerts=[]).exists()
    paused = entries.filter(kind=ChartEntry.Kind.PAUSE, session__plan__route="iv")
    assert paused.exists()
    for pause in paused:
        assert pause.session.entries.filter(
            kind=ChartEntry.Kind.RESUME, observed_at__gt=pause.observed_at
        ).exists()
    assert entries.filter(kind=ChartEntry.Kind.INTERVENTION).exists()
    terms = set(entries.filter(kind=ChartEntry.Kind.SIDE_EFFECT).values_list("term", flat=True))
    assert {"dissociation", "elevated_blood_pressure", "nausea", "dizziness"} <= terms
    with_bp = signed.filter(entries__term="elevated_blood_pressure").distinct().count()
    assert 0 < with_bp < signed.count()
    assert signed.filter(addenda__isnull=False).exists()


def test_it_keeps_every_lot_balanced(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    for lot in Lot.objects.filter(clinic=demo_clinic.clinic):
        entries = LedgerEntry.objects.filter(lot=lot)
        received = sum(e.amount_mg for e in entries.filter(kind=EntryKind.RECEIPT))
        drawn = sum(-e.amount_mg for e in entries.exclude(kind=EntryKind.RECEIPT))
        assert inventory.lot_balance(lot) == received - drawn >= 0
    sessions = DosingSession.objects.exclude(ledger_entry=None)
    draws = LedgerEntry.objects.filter(kind=EntryKind.ADMINISTRATION)
    assert draws.count() == sessions.count()
    assert sum(-d.amount_mg for d in draws) == sum(s.dose_mg or 0 for s in sessions)


def test_it_leaves_todays_sessions_to_walk_and_one_in_progress(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    today = timezone.localdate()
    todays = [
        a
        for a in Appointment.objects.filter(kind=AppointmentKind.DOSING).select_related("plan")
        if timezone.localdate(a.starts_at) == today
    ]
    unstarted = {a.plan.route for a in todays if not DosingSession.objects.filter(appointment=a)}
    assert {"iv", "intranasal_esketamine"} <= unstarted
    live = DosingSession.objects.get(status=SessionStatus.IN_PROGRESS)
    assert timezone.localdate(live.appointment.starts_at) == today
    assert live.dose_started_at is not None and live.dose_started_at <= timezone.now()
    vitals = live.entries.filter(kind=ChartEntry.Kind.VITALS)
    assert vitals.count() >= 2
    assert all(v.observed_at <= timezone.now() for v in vitals)


def test_it_changes_nothing_when_loaded_again(demo_clinic: DemoClinic) -> None:
    assert demo_clinic.load()

    def snapshot() -> tuple[object, ...]:
        return (
            DosingSession.objects.count(),
            ChartEntry.objects.count(),
            LedgerEntry.objects.count(),
            AuditEvent.objects.count(),
            sorted(Appointment.objects.values_list("pk", "starts_at", "status")),
        )

    before = snapshot()
    assert not demo_clinic.load()
    assert snapshot() == before


def test_its_audit_trail_verifies(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{AuditEvent.objects.count()} rows verified" in out.getvalue()


def test_it_loads_nothing_without_plans(clinic: Clinic, make_staff: Callable[..., User]) -> None:
    nurse = make_staff("nurse.empty", clinic, Role.NURSE)
    prescriber = make_staff("dr.empty", clinic, Role.PRESCRIBER)
    assert not demo.load(clinic=clinic, nurse=nurse, prescriber=prescriber, password=PASSWORD)
    assert not DosingSession.objects.exists()


def test_the_demo_dates_stay_after_the_lots_arrived(demo_clinic: DemoClinic) -> None:
    demo_clinic.load()
    received: date = timezone.localdate() - timedelta(days=20)
    first = DosingSession.objects.order_by("dose_started_at").first()
    assert first is not None and first.dose_started_at is not None
    assert timezone.localdate(first.dose_started_at) > received


def test_the_demo_command_charts_every_route_its_plans_use_once() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    routes = set(
        TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE).values_list("route", flat=True)
    )
    assert routes
    signed = set(
        DosingSession.objects.filter(status=SessionStatus.SIGNED).values_list(
            "plan__route", flat=True
        )
    )
    assert signed == routes
    assert DosingSession.objects.filter(status=SessionStatus.IN_PROGRESS).count() == 1
    today = timezone.localdate()
    assert any(
        timezone.localdate(a.starts_at) == today and not hasattr(a, "dosing_session")
        for a in Appointment.objects.filter(kind=AppointmentKind.DOSING, plan__route="iv")
    )
    counts = (
        DosingSession.objects.count(),
        ChartEntry.objects.count(),
        LedgerEntry.objects.count(),
    )
    call_command("demo", stdout=out)
    assert (
        DosingSession.objects.count(),
        ChartEntry.objects.count(),
        LedgerEntry.objects.count(),
    ) == counts
