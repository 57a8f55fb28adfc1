"""The demo clinic's consent documents, signed consents, patient portal accounts and pre-screen leads.

Called by `openkap demo` (openkap/demo/management/commands/demo.py); safe to run again. Everything
goes through the same services as the pages, so the demo's audit trail is a real one."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from openkap.accounts.models import Clinic, User
from openkap.consent.models import ConsentDocument, ConsentKind
from openkap.consent.services import consent_document_publish, consent_sign, default_texts
from openkap.knowledge.selectors import clinic_rule_pack
from openkap.patients.models import Patient
from openkap.portal.models import PortalAccount
from openkap.portal.prescreen import engine_input, evaluate_answers
from openkap.portal.services import (
    lead_create,
    portal_account_activate,
    portal_invitation_create,
)

# Version 2 of the treatment consent: what changed, so the demo shows "re-consent needed".
V2_ADDITION = (
    "\n\n## Telling us about bladder symptoms\n\n"
    "Tell the clinic at once if you have pain when passing urine, need to go much more often or "
    "urgently, or see blood in your urine. The clinic will ask about these at every visit."
)
V2_SUMMARY = "Added: tell the clinic about bladder symptoms; the clinic asks at every visit."
SIGNED_KINDS = (
    ConsentKind.KETAMINE_TREATMENT,
    ConsentKind.NO_DRIVING,
    ConsentKind.CONTROLLED_SUBSTANCE,
)
PORTAL_PATIENTS_PER_CLINIC = {"Harbor Mind Brookline": 3, "Harbor Mind Riverside": 1}

# name, clinic short name, changes to the answers, what the example shows
LEADS: list[tuple[str, str, dict[str, Any]]] = [
    ("Avery Lindqvist", "Brookline", {}),
    ("Rowan Achebe", "Brookline", {"medications": ["antidepressant"], "route": "iv"}),
    (
        "Casey Moreno",
        "Brookline",
        {"systolic": 152, "diastolic": 96, "conditions": ["high_blood_pressure"]},
    ),
    ("Drew Takahashi", "Brookline", {"medications": ["benzodiazepine", "opioid"]}),
    ("Elliot Brandt", "Brookline", {"conditions": ["aneurysm"]}),
    (
        "Frankie Osei",
        "Brookline",
        {"conditions": ["psychotic_depression"], "suicidal_thoughts": "yes"},
    ),
    ("Harper Quinlan", "Riverside", {"pregnant": "yes", "sex": "female"}),
    ("Jesse Nakamura", "Riverside", {"conditions": ["brain_bleed"]}),
    ("Kai Fernandes", "Riverside", {"setting": "at_home", "route": "sublingual"}),
]


def _answers(clinic: Clinic, rng: random.Random, **changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "age": rng.randint(24, 67),
        "sex": rng.choice(["female", "male"]),
        "weight": str(rng.randint(120, 230)),
        "weight_unit": "lb",
        "pregnant": "no",
        "breastfeeding": "no",
        "conditions": [],
        "systolic": None,
        "diastolic": None,
        "substance": [],
        "medications": [],
        "allergy_ketamine": "no",
        "suicidal_thoughts": "no",
        "route": "",
        "setting": "in_office",
        "ride_home": rng.choice(["yes", "yes", "not_sure"]),
    }
    answers.update(changes)
    return answers


@transaction.atomic
def load(*, password: str, organisation_name: str) -> bool:
    """Load once; False when it is already there."""
    clinics = list(Clinic.objects.filter(organisation__name=organisation_name).order_by("name"))
    if not clinics or ConsentDocument.objects.filter(clinic__in=clinics).exists():
        return False
    rng = random.Random(3)  # noqa: S311  (the same synthetic demo every time)
    texts = default_texts()
    for clinic in clinics:
        for kind in ConsentKind:
            text = texts[kind.value]
            consent_document_publish(
                actor=None,
                clinic=clinic,
                kind=kind.value,
                title=text.title,
                body=text.body,
                basis=text.basis,
            )
        desk = User.objects.filter(
            memberships__clinic=clinic, memberships__role="front_desk"
        ).first()
        assert desk is not None
        patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn"))
        # Most patients signed at the front desk's tablet; a few have signed nothing yet.
        signers = [p for p in patients if rng.random() < 0.85]
        for patient in signers:
            for kind in SIGNED_KINDS:
                _sign(desk, patient, clinic, kind.value)
        # Then the clinic updated the treatment consent: everyone who signed v1 must re-consent...
        treatment = texts[ConsentKind.KETAMINE_TREATMENT.value]
        consent_document_publish(
            actor=None,
            clinic=clinic,
            kind=ConsentKind.KETAMINE_TREATMENT.value,
            title=treatment.title,
            body=treatment.body + V2_ADDITION,
            basis=treatment.basis,
            change_summary=V2_SUMMARY,
        )
        # ...and about half of them already have.
        for patient in signers[::2]:
            _sign(desk, patient, clinic, ConsentKind.KETAMINE_TREATMENT.value)
        # A few patients use the portal (the first ones have a v2 still to sign).
        for patient in patients[: PORTAL_PATIENTS_PER_CLINIC.get(clinic.name, 0)]:
            new = portal_invitation_create(actor=desk, patient=patient)
            account = portal_account_activate(
                invitation_id=new.invitation.pk,
                username=portal_username(patient),
                password=password,
            )
            User.objects.filter(pk=account.user_id).update(is_demo_account=True)
    by_short = {clinic.name.split()[-1]: clinic for clinic in clinics}
    for name, short, changes in LEADS:
        clinic = by_short[short]
        answers = _answers(clinic, rng, **changes)
        inputs = engine_input(answers)
        result = evaluate_answers(inputs, pack=clinic_rule_pack(clinic=clinic))
        lead_create(
            clinic=clinic,
            contact={
                "name": name,
                "phone": f"(617) 555-01{rng.randint(0, 99):02d}",
                "email": f"{name.split()[0].lower()}@example.com",
                "consent_to_contact": True,
            },
            answers=answers,
            engine_input=inputs,
            decision=result.decision,
            findings=result.findings,
            rule_pack=result.rule_pack,
            urgent=answers["suicidal_thoughts"] == "yes",
        )
    return True


def _sign(desk: User, patient: Patient, clinic: Clinic, kind: str) -> None:
    document = ConsentDocument.objects.filter(clinic=clinic, kind=kind).order_by("-version").first()
    assert document is not None
    consent_sign(
        actor=desk,
        patient=patient,
        document=document,
        typed_name=patient.legal_name(),
        understood=True,
        method="tablet",
        ip_address=None,
    )


def portal_username(patient: Patient) -> str:
    name = f"{patient.legal_given_name}.{patient.legal_family_name}".lower()
    return "patient." + "".join(c for c in name if c.isascii() and (c.isalnum() or c == "."))


def logins(organisation_name: str) -> list[tuple[str, str]]:
    """(username, who) of the demo's patient portal accounts."""
    accounts = PortalAccount.objects.filter(
        patient__clinic__organisation__name=organisation_name
    ).select_related("user", "patient", "patient__clinic")
    return [
        (a.user.username, f"{a.patient.display_name()}, {a.patient.clinic.name}")
        for a in accounts.order_by("user__username")
    ]
