"""Demo data of the quality self-audit for `openkap demo`: the Brookline clinic's staff licences
(one expiring soon, one not recorded), two emergency drills, and its esketamine REMS certification.
The page then shows a realistic mix: most items met, some needing attention, one missing.
All numbers are synthetic."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.quality.models import CredentialKind, DrillScenario, StaffCredential
from openkap.quality.services import credential_add, drill_record, rems_certification_set

DEMO_CLINIC = "Harbor Mind Brookline"
ADMIN = "admin.walsh"

# username, kind, credential, number, issuer, issued (days ago), expires (days from today)
LICENCES: tuple[tuple[str, str, str, str, str, int, int], ...] = (
    (
        "dr.chen",
        CredentialKind.MEDICAL_LICENCE,
        "MD",
        "MA-0261734",
        "Massachusetts Board of Registration in Medicine",
        900,
        560,
    ),
    ("dr.chen", CredentialKind.DEA_PRACTITIONER, "", "BC1234563", "DEA", 700, 395),
    ("dr.chen", CredentialKind.ACLS, "", "ACLS-55120", "American Heart Association", 300, 430),
    (
        "dr.park",
        CredentialKind.MEDICAL_LICENCE,
        "DO",
        "MA-0271190",
        "Massachusetts Board of Registration in Medicine",
        600,
        720,
    ),
    ("dr.park", CredentialKind.DEA_PRACTITIONER, "", "FP2345674", "DEA", 500, 590),
    # Expires soon: the page asks for attention.
    ("dr.park", CredentialKind.ACLS, "", "ACLS-48817", "American Heart Association", 690, 41),
    (
        "nurse.okafor",
        CredentialKind.NURSING_LICENCE,
        "RN",
        "RN-2290417",
        "Massachusetts Board of Registration in Nursing",
        400,
        330,
    ),
    # nurse.okafor's ACLS/BLS is not recorded: the page shows it missing.
    (
        "therapist.haddad",
        CredentialKind.MENTAL_HEALTH_LICENCE,
        "LCSW",
        "LCSW-118245",
        "Massachusetts Board of Registration of Social Workers",
        800,
        250,
    ),
)

DRILLS: tuple[tuple[int, str, tuple[str, ...], str, str, bool], ...] = (
    (
        160,
        DrillScenario.HYPERTENSIVE_CRISIS,
        ("dr.chen", "nurse.okafor"),
        "Simulated BP 192/118 at 40 min of an IV infusion: infusion stopped within 1 min, "
        "prescriber at the chair in 3 min; the antihypertensive was in the emergency kit.",
        "Post the hypertension steps on the infusion room wall.",
        True,
    ),
    (
        45,
        DrillScenario.AIRWAY,
        ("dr.park", "nurse.okafor", "therapist.haddad"),
        "Simulated desaturation to 86% after IM dosing: jaw thrust and oxygen in 90 s; the "
        "bag-valve mask was in the wrong cupboard.",
        "Move the bag-valve mask to the dosing room's crash cart; check it at the weekly count.",
        False,
    ),
)


def load_for_demo() -> bool:
    clinic = Clinic.objects.filter(name=DEMO_CLINIC).first()
    admin = User.objects.filter(username=ADMIN).first()
    if clinic is None or admin is None:
        return False
    if StaffCredential.objects.filter(clinic=clinic).exists():
        return False
    today = timezone.localdate()
    names = {entry[0] for entry in LICENCES} | {n for drill in DRILLS for n in drill[2]}
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    for username, kind, title, number, issuer, issued_ago, expires_in in LICENCES:
        if username not in users:
            continue
        credential_add(
            actor=admin,
            clinic=clinic,
            holder=users[username],
            kind=kind,
            title=title,
            number=number,
            issuer=issuer,
            issued_on=today - timedelta(days=issued_ago),
            expires_on=today + timedelta(days=expires_in),
        )
    for days_ago, scenario, people, findings, follow_up, done in DRILLS:
        drill_record(
            actor=admin,
            clinic=clinic,
            held_on=today - timedelta(days=days_ago),
            scenario=scenario,
            participants=[users[name] for name in people if name in users],
            other_participants="Front desk: M. Rivera (called 911 in the scenario)",
            findings=findings,
            follow_up=follow_up,
            follow_up_done=done,
        )
    rems_certification_set(
        actor=admin,
        clinic=clinic,
        expected_version=0,
        certified=True,
        number="HCS-DEMO-40812",
        certified_on=date(today.year - 1, 3, 14),
        authorized_representative="Aidan Walsh (clinic administrator)",
        dispenses=False,
    )
    return True
