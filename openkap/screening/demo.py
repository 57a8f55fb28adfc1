"""Demo intake and screenings for `openkap demo`: one patient per outcome, with realistic intake
(problems coded in ICD-10-CM, medications, vitals, baseline PHQ-9 and GAD-7); then three patients
registered for the routes the first ones do not cover (esketamine, sublingual in office and at
home), with their consents and support people, eligible and signed. Synthetic people only.

Everything goes through the services, as in the clinic: audited, evaluated by the real engine, and
signed with the demo prescriber's password. Loaded once (skipped when the clinic has screenings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.consent.models import ConsentDocument, ConsentKind
from openkap.consent.services import consent_sign
from openkap.demo.loading import Clock, password_checks_remembered, services_clock
from openkap.patients.models import Patient, Sex
from openkap.patients.services import patient_register, support_person_add
from openkap.screening import services
from openkap.screening.models import PregnancyStatus, Screening


@dataclass(frozen=True)
class DemoCase:
    """One patient's intake, and what the prescriber does with the engine's answer."""

    problems: list[tuple[str, str, str]]  # code, description (as in the code set), status
    medications: list[tuple[str, str, str]]  # generic name, dose, frequency
    vitals: dict[str, int]
    weight_kg: str
    phq9: list[int]
    gad7: list[int]
    route: str
    setting: str
    allergies: list[tuple[str, str]] = field(default_factory=list)
    substances: list[tuple[str, str]] = field(default_factory=list)  # substance, frequency
    pcl5: list[int] | None = None
    asq: list[int] | None = None
    sign_as: str = ""  # "" leaves the draft for the prescriber
    reason: str = ""
    addendum: tuple[str, str] | None = None  # text, reason
    height_cm: str = "168.0"


CASES = [
    # Eligible, confirmed and signed.
    DemoCase(
        problems=[
            ("F33.1", "Major depressive disorder, recurrent, moderate", "active"),
            ("F41.1", "Generalized anxiety disorder", "active"),
        ],
        medications=[("sertraline", "150 mg", "once daily"), ("bupropion", "150 mg", "XL daily")],
        vitals={"systolic": 118, "diastolic": 76, "heart_rate": 68, "spo2": 98},
        weight_kg="68.4",
        phq9=[2, 2, 2, 2, 1, 2, 2, 1, 0],
        gad7=[2, 2, 1, 2, 1, 2, 1],
        route="iv",
        setting="in_office",
        substances=[("alcohol", "monthly"), ("cannabis", "past")],
        sign_as="eligible",
    ),
    # Needs review (pressure above 140/90, a benzodiazepine), reviewed into eligible with a reason.
    DemoCase(
        problems=[
            (
                "F33.2",
                "Major depressive disorder, recurrent severe without psychotic features",
                "active",
            ),
            ("I10", "Essential (primary) hypertension", "active"),
        ],
        medications=[
            ("escitalopram", "20 mg", "once daily"),
            ("lorazepam", "0.5 mg", "at bedtime as needed"),
            ("lisinopril", "10 mg", "once daily"),
        ],
        vitals={"systolic": 148, "diastolic": 92, "heart_rate": 76, "spo2": 97},
        weight_kg="91.2",
        phq9=[3, 2, 3, 2, 2, 2, 2, 1, 0],
        gad7=[2, 1, 2, 1, 1, 1, 1],
        route="iv",
        setting="in_office",
        allergies=[("penicillin", "hives")],
        sign_as="eligible",
        reason=(
            "Repeat blood pressure 134/84 after 10 minutes seated; hypertension treated and "
            "followed by the primary care physician. Lorazepam to be held the evening before "
            "each infusion per protocol; blood pressure every 10 minutes during the infusion."
        ),
    ),
    # Ineligible: an abdominal aortic aneurysm (hard stop) and psychotic depression (ECT suggested).
    DemoCase(
        problems=[
            ("I71.4", "Abdominal aortic aneurysm, without rupture", "active"),
            (
                "F33.3",
                "Major depressive disorder, recurrent, severe with psychotic symptoms",
                "active",
            ),
        ],
        medications=[("venlafaxine", "225 mg", "once daily"), ("quetiapine", "100 mg", "nightly")],
        vitals={"systolic": 136, "diastolic": 84, "heart_rate": 72, "spo2": 96},
        weight_kg="77.0",
        phq9=[3, 3, 3, 2, 2, 3, 2, 2, 0],
        gad7=[1, 1, 1, 1, 0, 1, 1],
        route="iv",
        setting="in_office",
        sign_as="ineligible",
    ),
    # A draft awaiting the prescriber (the nurse evaluated it); the PHQ-9 flags suicide risk.
    DemoCase(
        problems=[
            ("F43.10", "Post-traumatic stress disorder, unspecified", "active"),
            ("F33.1", "Major depressive disorder, recurrent, moderate", "active"),
        ],
        medications=[("prazosin", "2 mg", "at bedtime"), ("fluoxetine", "40 mg", "once daily")],
        vitals={"systolic": 126, "diastolic": 80, "heart_rate": 82, "spo2": 99},
        weight_kg="63.5",
        phq9=[2, 2, 2, 1, 1, 2, 1, 1, 1],
        gad7=[2, 2, 2, 1, 2, 2, 1],
        pcl5=[3, 2, 3, 3, 2, 3, 3, 1, 2, 2, 3, 2, 2, 2, 3, 2, 1, 3, 2, 3],
        asq=[1, 0, 0, 0, 0],
        route="sublingual",
        setting="in_office",
        substances=[("alcohol", "weekly")],
    ),
    # Eligible, signed, then an addendum with new information.
    DemoCase(
        problems=[("F32.1", "Major depressive disorder, single episode, moderate", "active")],
        medications=[("vortioxetine", "10 mg", "once daily")],
        vitals={"systolic": 112, "diastolic": 70, "heart_rate": 64, "spo2": 99},
        weight_kg="58.9",
        phq9=[2, 2, 1, 2, 1, 1, 2, 1, 0],
        gad7=[1, 1, 1, 1, 0, 1, 0],
        route="im",
        setting="in_office",
        sign_as="eligible",
        addendum=(
            "After signing, the patient reported a new prescription of propranolol 10 mg as "
            "needed for performance anxiety. Reviewed: no change to the decision; record it "
            "at the next intake review.",
            "New information after signing",
        ),
    ),
]


@dataclass(frozen=True)
class RoutePatient:
    """A patient registered for a route the first cases do not cover: who they are, who comes with
    them or stays with them at home, which consents beyond the usual three they signed, the intake."""

    person: dict[str, Any]  # patient_register fields, with "age" (years) for the date of birth
    support: list[dict[str, Any]]  # support_person_add fields
    consents: tuple[str, ...]
    case: DemoCase


# The route patients came well before their plans (which the dosing demo moves back at most about
# six weeks): registered and consented this many days ago, intake and screening a week later.
REGISTERED_DAYS_AGO = 56
# The first patients (every screening outcome) were screened about two months ago.
CASES_SCREENED_DAYS_AGO = 63
SCREENED_DAYS_AGO = 49

# Consents every demo treatment patient signed at the front desk's tablet (the latest versions).
USUAL_CONSENTS = (
    ConsentKind.KETAMINE_TREATMENT,
    ConsentKind.NO_DRIVING,
    ConsentKind.CONTROLLED_SUBSTANCE,
)

ROUTE_PATIENTS = [
    # Esketamine for treatment-resistant depression: two adequate antidepressant trials failed
    # (sertraline, then escitalopram with aripiprazole augmentation); continues an oral
    # antidepressant, as the label asks. F33.2 is the indication (TRD has no ICD-10-CM code).
    RoutePatient(
        person={
            "legal_given_name": "Marisol",
            "legal_middle_name": "I.",
            "legal_family_name": "Vega",
            "preferred_name": "Mari",
            "pronouns": "she/her",
            "age": 47,
            "sex": "female",
            "phone": "(617) 555-0163",
            "email": "marisol.vega47@example.com",
            "address_line1": "58 Beacon Rd",
            "address_line2": "Apt 3",
            "city": "Brookline",
            "region": "MA",
            "postal_code": "02446",
            "country": "US",
            "emergency_contact_name": "Teresa Vega",
            "emergency_contact_relationship": "Sister",
            "emergency_contact_phone": "(617) 555-0171",
            "insurance_payer": "BlueCross BlueShield",
            "insurance_member_id": "BCB40817263",
            "insurance_group_number": "G2211",
        },
        support=[
            {
                "name": "Teresa Vega",
                "relationship": "Sister",
                "phone": "(617) 555-0171",
                "is_escort": True,
                "is_home_support": False,
                "notes": "Drives her home after each session",
            }
        ],
        consents=(ConsentKind.ESKETAMINE_REMS,),
        case=DemoCase(
            problems=[
                (
                    "F33.2",
                    "Major depressive disorder, recurrent severe without psychotic features",
                    "active",
                ),
                ("F41.1", "Generalized anxiety disorder", "active"),
            ],
            medications=[("duloxetine", "60 mg", "once daily")],
            vitals={"systolic": 124, "diastolic": 78, "heart_rate": 74, "spo2": 98},
            weight_kg="74.0",
            height_cm="162.0",
            phq9=[3, 3, 2, 3, 2, 3, 2, 2, 0],
            gad7=[2, 2, 2, 1, 1, 2, 1],
            route="intranasal_esketamine",
            setting="in_office",
            substances=[("alcohol", "monthly")],
            sign_as="eligible",
        ),
    ),
    # Sublingual KAP in the office: depression with anxiety, a psychotherapy-assisted series.
    RoutePatient(
        person={
            "legal_given_name": "Ama",
            "legal_middle_name": "",
            "legal_family_name": "Boateng",
            "preferred_name": "",
            "pronouns": "she/her",
            "age": 34,
            "sex": "female",
            "phone": "(857) 555-0128",
            "email": "ama.boateng12@example.com",
            "address_line1": "211 Harvard St",
            "address_line2": "",
            "city": "Brookline",
            "region": "MA",
            "postal_code": "02446",
            "country": "US",
            "emergency_contact_name": "Kwame Boateng",
            "emergency_contact_relationship": "Brother",
            "emergency_contact_phone": "(857) 555-0139",
            "insurance_payer": "Aetna",
            "insurance_member_id": "AET71530948",
            "insurance_group_number": "G5087",
        },
        support=[
            {
                "name": "Kwame Boateng",
                "relationship": "Brother",
                "phone": "(857) 555-0139",
                "is_escort": True,
                "is_home_support": False,
                "notes": "",
            }
        ],
        consents=(),
        case=DemoCase(
            problems=[
                ("F33.1", "Major depressive disorder, recurrent, moderate", "active"),
                ("F41.1", "Generalized anxiety disorder", "active"),
            ],
            medications=[("escitalopram", "10 mg", "once daily")],
            vitals={"systolic": 116, "diastolic": 74, "heart_rate": 70, "spo2": 99},
            weight_kg="63.5",
            height_cm="170.0",
            phq9=[2, 2, 1, 2, 2, 2, 1, 1, 0],
            gad7=[2, 3, 2, 2, 1, 2, 2],
            route="sublingual",
            setting="in_office",
            substances=[("alcohol", "weekly")],
            sign_as="eligible",
        ),
    ),
    # At-home sublingual series (telehealth): his husband stays with him as the peer monitor.
    RoutePatient(
        person={
            "legal_given_name": "Yusuf",
            "legal_middle_name": "K.",
            "legal_family_name": "Karimi",
            "preferred_name": "",
            "pronouns": "he/him",
            "age": 52,
            "sex": "male",
            "phone": "(781) 555-0154",
            "email": "yusuf.karimi8@example.com",
            "address_line1": "17 Orchard Way",
            "address_line2": "",
            "city": "Brookline",
            "region": "MA",
            "postal_code": "02445",
            "country": "US",
            "emergency_contact_name": "Daniel Karimi",
            "emergency_contact_relationship": "Spouse",
            "emergency_contact_phone": "(781) 555-0187",
            "insurance_payer": "UnitedHealthcare",
            "insurance_member_id": "UHC26094417",
            "insurance_group_number": "G7310",
        },
        support=[
            {
                "name": "Daniel Karimi",
                "relationship": "Spouse",
                "phone": "(781) 555-0187",
                "is_escort": True,
                "is_home_support": True,
                "notes": "Peer monitor at home for every session; works from home",
            }
        ],
        consents=(ConsentKind.AT_HOME,),
        case=DemoCase(
            problems=[("F33.1", "Major depressive disorder, recurrent, moderate", "active")],
            medications=[("bupropion", "300 mg", "XL daily")],
            vitals={"systolic": 128, "diastolic": 82, "heart_rate": 66, "spo2": 97},
            weight_kg="82.5",
            height_cm="178.0",
            phq9=[2, 2, 2, 1, 2, 1, 2, 1, 0],
            gad7=[1, 1, 1, 1, 0, 1, 1],
            route="sublingual",
            setting="at_home",
            substances=[("alcohol", "monthly")],
            sign_as="eligible",
        ),
    ),
]


def _request(user: User) -> HttpRequest:
    # The signing services check the password through the authentication backends, with a request.
    request = RequestFactory().post("/screening/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def _intake(case: DemoCase, patient: Patient, nurse: User) -> None:
    for code, description, status in case.problems:
        services.problem_add(
            actor=nurse, patient=patient, code=code, description=description, status=status
        )
    for name, dose, frequency in case.medications:
        services.medication_add(
            actor=nurse, patient=patient, name=name, dose=dose, frequency=frequency
        )
    for substance, reaction in case.allergies:
        services.allergy_add(actor=nurse, patient=patient, substance=substance, reaction=reaction)
    for substance, frequency in case.substances:
        services.substance_use_set(
            actor=nurse, patient=patient, substance=substance, frequency=frequency
        )
    services.measurement_add(
        actor=nurse,
        patient=patient,
        weight_kg=Decimal(case.weight_kg),
        height_cm=Decimal(case.height_cm),
        systolic=case.vitals["systolic"],
        diastolic=case.vitals["diastolic"],
        heart_rate=case.vitals["heart_rate"],
        spo2=case.vitals["spo2"],
    )
    if patient.sex != Sex.MALE:
        services.reproductive_status_set(
            actor=nurse,
            patient=patient,
            expected_version=0,
            pregnancy=PregnancyStatus.NOT_PREGNANT,
            breastfeeding=False,
        )
    questionnaires = {"phq9": case.phq9, "gad7": case.gad7, "pcl5": case.pcl5, "asq": case.asq}
    for instrument_id, answers in questionnaires.items():
        if answers is not None:
            services.questionnaire_record(
                actor=nurse, patient=patient, instrument_id=instrument_id, answers=answers
            )


def _screen(
    case: DemoCase,
    patient: Patient,
    prescriber: User,
    nurse: User,
    password: str,
    clock: Clock | None = None,
) -> None:
    """The nurse's intake, the engine's evaluation, the prescriber's decision; with a clock, the
    evaluation 25 minutes after the intake and the signature 15 minutes after that."""
    _intake(case, patient, nurse)
    if clock is not None:
        clock.at(clock.moment + timedelta(minutes=25))
    evaluator = prescriber if case.sign_as else nurse
    draft = services.screening_evaluate(
        actor=evaluator,
        patient=patient,
        expected_version=None,
        route=case.route,
        setting=case.setting,
    )
    if not case.sign_as:
        return
    if clock is not None:
        clock.at(clock.moment + timedelta(minutes=15))
    signed = services.screening_sign(
        actor=prescriber,
        screening=draft,
        expected_version=draft.version,
        final_decision=case.sign_as,
        reason=case.reason,
        password=password,
        request=_request(prescriber),
    )
    if case.addendum is not None:
        text, reason = case.addendum
        services.screening_addendum_add(
            actor=prescriber,
            screening=signed,
            text=text,
            reason=reason,
            password=password,
            request=_request(prescriber),
        )


def _register(clinic: Clinic, nurse: User, item: RoutePatient) -> Patient:
    """Registered, with support people and signed consents (on the clinic's tablet, handed over by
    the nurse), as the front desk and the nurse would have done before the intake."""
    data = dict(item.person)
    age = data.pop("age")
    data["date_of_birth"] = timezone.localdate() - timedelta(days=round(age * 365.25) + 100)
    patient = patient_register(actor=nurse, clinic=clinic, data=data)
    for person in item.support:
        support_person_add(actor=nurse, patient=patient, data=person)
    for kind in (*USUAL_CONSENTS, *item.consents):
        document = (
            ConsentDocument.objects.filter(clinic=clinic, kind=kind).order_by("-version").first()
        )
        if document is None:
            continue  # the clinic has not published this consent (the portal demo publishes them)
        consent_sign(
            actor=nurse,
            patient=patient,
            document=document,
            typed_name=patient.legal_name(),
            understood=True,
            method="tablet",
            ip_address=None,
        )
    return patient


@transaction.atomic
def load(*, clinic: Clinic, prescriber: User, nurse: User, password: str) -> bool:
    """Screenings of every outcome for the first patients of the clinic, and the patients of the
    other routes registered and screened; False if the clinic already has screenings."""
    if Screening.objects.filter(patient__clinic=clinic).exists():
        return False
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn")[: len(CASES)])
    zone = ZoneInfo(clinic.timezone)
    today = timezone.localdate(timezone=zone)
    with services_clock() as clock:
        # Screened weeks ago: the dosing demo doses some of them in the past weeks, and a patient
        # is never dosed before their signed screening.
        for turn, (case, patient) in enumerate(zip(CASES, patients, strict=False)):
            screened = today - timedelta(days=CASES_SCREENED_DAYS_AGO - turn // 4)
            clock.at(datetime.combine(screened, time(9, 5 + 12 * (turn % 4)), tzinfo=zone))
            _screen(case, patient, prescriber, nurse, password, clock)
        for turn, item in enumerate(ROUTE_PATIENTS):
            registered = today - timedelta(days=REGISTERED_DAYS_AGO - turn)
            clock.at(datetime.combine(registered, time(10, 5 + 20 * turn), tzinfo=zone))
            patient = _register(clinic, nurse, item)
            screened = today - timedelta(days=SCREENED_DAYS_AGO - turn)
            clock.at(datetime.combine(screened, time(14, 10 + 15 * turn), tzinfo=zone))
            _screen(item.case, patient, prescriber, nurse, password, clock)
    return True


# The demo clinic and accounts of `openkap demo` that the screenings belong to.
DEMO_CLINIC = "Harbor Mind Brookline"
DEMO_PRESCRIBER = "dr.chen"
DEMO_NURSE = "nurse.okafor"


def load_for_demo(*, organisation_name: str, password: str) -> bool:
    clinic = Clinic.objects.filter(organisation__name=organisation_name, name=DEMO_CLINIC).first()
    prescriber = User.objects.filter(username=DEMO_PRESCRIBER).first()
    nurse = User.objects.filter(username=DEMO_NURSE).first()
    if clinic is None or prescriber is None or nurse is None:
        return False
    with password_checks_remembered():
        return load(clinic=clinic, prescriber=prescriber, nurse=nurse, password=password)
