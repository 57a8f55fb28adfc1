"""Demo intake and screenings for `openkap demo`: one patient per outcome, with realistic intake
(problems coded in ICD-10-CM, medications, vitals, baseline PHQ-9 and GAD-7). Synthetic people only.

Everything goes through the services, as in the clinic: audited, evaluated by the real engine, and
signed with the demo prescriber's password. Loaded once (skipped when the clinic has screenings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.http import HttpRequest
from django.test import RequestFactory

from openkap.accounts.models import Clinic, User
from openkap.patients.models import Patient, Sex
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
        height_cm=Decimal("168.0"),
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


@transaction.atomic
def load(*, clinic: Clinic, prescriber: User, nurse: User, password: str) -> bool:
    """Screenings of every outcome for the first patients of the clinic; False if already there."""
    if Screening.objects.filter(patient__clinic=clinic).exists():
        return False
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn")[: len(CASES)])
    for case, patient in zip(CASES, patients, strict=False):
        _intake(case, patient, nurse)
        evaluator = prescriber if case.sign_as else nurse
        draft = services.screening_evaluate(
            actor=evaluator,
            patient=patient,
            expected_version=None,
            route=case.route,
            setting=case.setting,
        )
        if not case.sign_as:
            continue
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
    return load(clinic=clinic, prescriber=prescriber, nurse=nurse, password=password)
