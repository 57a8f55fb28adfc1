"""Demo treatment plans for `openkap demo`: a signed, active plan with its generated schedule for
each demo patient whose signed screening is eligible, each on a protocol of its screened route and
setting. Loaded once (skipped when the clinic has plans)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.demo.loading import password_checks_remembered
from openkap.patients.models import Patient
from openkap.plans import protocols, services
from openkap.plans.models import Appointment, AppointmentKind, Format, Psychotherapy, TreatmentPlan
from openkap.screening.models import (
    Decision,
    Problem,
    ProblemStatus,
    Screening,
    ScreeningStatus,
)

DEMO_CLINIC = "Harbor Mind Brookline"
DEMO_PRESCRIBER = "dr.chen"
DEMO_THERAPIST = "therapist.haddad"
# Demo variety (not clinical choices): modality and format by the patient's turn in the list.
MODALITIES = [Psychotherapy.MINDFULNESS, Psychotherapy.CBT, Psychotherapy.EXISTENTIAL]
FORMATS = [Format.INDIVIDUAL, Format.GROUP, Format.INDIVIDUAL]
INDICATION = "F33.1"  # recurrent major depression, moderate: when the chart has no active problem
# The protocol of a route and setting where several match (esketamine: the label's TRD schedule, not
# the MDSI one); otherwise the matching protocols are taken in turn.
PREFERRED_PROTOCOL = {("intranasal_esketamine", "in_office"): "esketamine-trd"}


def _indication(patient: Patient) -> str:
    """The plan treats the patient's first active problem, as entered at intake."""
    problem = (
        Problem.objects.filter(patient=patient, status=ProblemStatus.ACTIVE).order_by("pk").first()
    )
    return problem.code if problem is not None else INDICATION


def _request(user: User) -> HttpRequest:
    # Signing a plan checks the prescriber's password again, through the authentication backends.
    request = RequestFactory().post("/plans/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def _start_for(turn: int) -> date:
    # From today on, so that the Schedule page of a freshly loaded demo has this week's sessions.
    return timezone.localdate() + timedelta(days=turn)


@transaction.atomic
def load(*, clinic: Clinic, prescriber: User, therapist: User | None, password: str) -> bool:
    if TreatmentPlan.objects.filter(patient__clinic=clinic).exists():
        return False
    choices = protocols.protocol_choices()
    screenings = Screening.objects.filter(
        patient__clinic=clinic, status=ScreeningStatus.SIGNED, final_decision=Decision.ELIGIBLE
    ).select_related("patient")
    made = False
    for turn, screening in enumerate(screenings.order_by("pk")):
        patient = screening.patient
        if services.eligible_screening(patient) != screening:
            continue  # superseded by a newer screening
        setting = screening.setting or "in_office"
        matching = [
            choice
            for choice in choices
            if choice.route == screening.route
            and (not choice.settings or setting in choice.settings)
        ]
        if not matching:
            continue
        preferred = PREFERRED_PROTOCOL.get((screening.route, setting))
        choice = next((c for c in matching if c.id == preferred), matching[turn % len(matching)])
        plan = services.plan_create(
            actor=prescriber,
            patient=patient,
            indication_code=_indication(patient),
            route=screening.route,
            setting=setting,
            psychotherapy=MODALITIES[turn % len(MODALITIES)],
            format=FORMATS[turn % len(FORMATS)],
            protocol_id=choice.id,
            start_date=_start_for(turn),
        )
        services.plan_activate(
            request=_request(prescriber),
            actor=prescriber,
            plan=plan,
            expected_version=plan.version,
            password=password,
        )
        Appointment.objects.filter(plan=plan, kind=AppointmentKind.DOSING).update(
            clinician=prescriber
        )
        if therapist is not None:
            Appointment.objects.filter(plan=plan).exclude(kind=AppointmentKind.DOSING).update(
                clinician=therapist
            )
        made = True
    return made


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    prescriber = User.objects.filter(username=DEMO_PRESCRIBER).first()
    if clinic is None or prescriber is None:
        return False
    therapist = User.objects.filter(username=DEMO_THERAPIST).first()
    with password_checks_remembered():
        return load(clinic=clinic, prescriber=prescriber, therapist=therapist, password=password)
