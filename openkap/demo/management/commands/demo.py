"""`openkap demo`: load the demo clinic (idempotent). `openkap demo --code USERNAME`: a demo account's
current one-time code, so a newcomer can sign in without a phone. Refused outside demo mode."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.mfa import DEVICE_NAME, current_code
from openkap.accounts.models import Organisation, Role, User
from openkap.accounts.services import clinic_create, staff_create
from openkap.athome import demo as athome_demo
from openkap.billing import demo as billing_demo
from openkap.demo.loading import services_clock
from openkap.demo.people import RELATIONSHIPS, Place, fictional_phone, synthetic_patient
from openkap.dosing import demo as dosing_demo
from openkap.integration import demo as integration_demo
from openkap.inventory import demo as inventory_demo
from openkap.outcomes import demo as outcomes_demo
from openkap.patients.models import Patient
from openkap.patients.services import patient_register, support_person_add
from openkap.plans import demo as plans_demo
from openkap.portal import demo as portal_demo
from openkap.quality import demo as quality_demo
from openkap.rems import demo as rems_demo
from openkap.screening import demo as screening_demo

ORGANISATION = "Harbor Mind Health (demo)"
HOME_SUPPORT_GIVEN = ["Dana", "Chris", "Robin", "Lee"]
HOME_SUPPORT_FAMILY = ["Hart", "Vance", "Moreau"]
DEMO_PASSWORD = "openkap-demo-2026"  # noqa: S105  (printed on purpose: synthetic demo accounts only)
CLINICS = [
    # name, MRN prefix, place, number of patients
    ("Brookline", "BRK", Place("Brookline", "MA", "024"), 30),
    ("Riverside", "RIV", Place("Cambridge", "MA", "021"), 20),
]
# username, first, last, credentials, {clinic: roles}
STAFF: list[tuple[str, str, str, str, dict[str, list[str]]]] = [
    ("dr.chen", "Lena", "Chen", "MD", {"Brookline": [Role.PRESCRIBER]}),
    ("nurse.okafor", "Grace", "Okafor", "RN", {"Brookline": [Role.NURSE]}),
    ("therapist.haddad", "Samir", "Haddad", "LCSW", {"Brookline": [Role.THERAPIST]}),
    ("frontdesk.rivera", "Maya", "Rivera", "", {"Brookline": [Role.FRONT_DESK]}),
    ("billing.novak", "Petra", "Novak", "", {"Brookline": [Role.BILLING]}),
    (
        "admin.walsh",
        "Aidan",
        "Walsh",
        "",
        {"Brookline": [Role.CLINIC_ADMIN], "Riverside": [Role.CLINIC_ADMIN]},
    ),
    (
        "dr.park",
        "Jun",
        "Park",
        "DO",
        {"Riverside": [Role.PRESCRIBER], "Brookline": [Role.PRESCRIBER]},
    ),
    ("nurse.mensah", "Kofi", "Mensah", "NP", {"Riverside": [Role.NURSE]}),
    ("frontdesk.costa", "Ana", "Costa", "", {"Riverside": [Role.FRONT_DESK]}),
]


# The demo's patients were registered from this many days ago, over a month.
REGISTERED_DAYS_AGO = 100


def demo_totp_key(username: str) -> str:
    # A fixed key per demo account, so the demo can be reloaded and codes stay the same.
    return hashlib.sha256(f"openkap-demo-totp:{username}".encode()).hexdigest()[:40]


class Command(BaseCommand):
    help = "Load the demo clinic (synthetic people only); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code", metavar="USERNAME", help="Print a demo account's current one-time code."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            self._print_code(options["code"])
            return
        created = self._load()
        # Consent documents and signatures, patient portal accounts, pre-screen leads (own check).
        created = (
            portal_demo.load(password=DEMO_PASSWORD, organisation_name=ORGANISATION) or created
        )
        # Intake and screenings of every outcome at Brookline (own check).
        created = (
            screening_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # Active treatment plans with their schedules for the eligible screenings (own check).
        created = (
            plans_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # Controlled-substance ledgers of both clinics (own check).
        created = (
            inventory_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # Dosing sessions: signed charts of past doses, today's appointments, one in progress.
        created = (
            dosing_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # REMS monitoring forms of the esketamine sessions: submitted, to submit, not started.
        created = (
            rems_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # Questionnaires from the plans; one portal patient's PHQ-9 history with a relapse.
        created = outcomes_demo.load_for_demo(organisation_name=ORGANISATION) or created
        # Integration notes of the past integration sessions (signed; the newest a draft).
        created = integration_demo.load_for_demo(password=DEMO_PASSWORD) or created
        # The at-home patient: dispensing, check-ins (one blocked), reports, video links.
        created = (
            athome_demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
            or created
        )
        # Price lists, payers and coverage of both clinics; portal patients' estimates (own check).
        created = billing_demo.load_for_demo(organisation_name=ORGANISATION) or created
        # Staff licences, emergency drills and the REMS certification (the quality self-audit).
        created = quality_demo.load_for_demo() or created
        self.stdout.write(
            self.style.SUCCESS("Demo clinic ready." if created else "Demo clinic already loaded.")
        )
        self._print_logins()

    def _print_code(self, username: str) -> None:
        if not settings.OPENKAP_DEMO_MODE:
            raise CommandError(
                "One-time codes are shown only in demo mode (never in production settings)."
            )
        user = User.objects.filter(username=username, is_demo_account=True).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if device is None:
            raise CommandError(f"{username!r} is not a demo account with an authenticator.")
        self.stdout.write(current_code(device))

    @transaction.atomic
    def _load(self) -> bool:
        if Organisation.objects.filter(name=ORGANISATION).exists():
            return False
        rng = random.Random(2026)  # the same demo clinic every time
        clinics = {
            short: clinic_create(
                organisation_name=ORGANISATION, name=f"Harbor Mind {short}", mrn_prefix=prefix
            )
            for short, prefix, _, _ in CLINICS
        }
        for username, first, last, credentials, roles_by_clinic in STAFF:
            first_clinic, *others = roles_by_clinic
            user = staff_create(
                actor=None,
                clinic=clinics[first_clinic],
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                credentials=credentials,
                roles=roles_by_clinic[first_clinic],
                is_demo_account=True,
            )
            for other in others:
                for role in roles_by_clinic[other]:
                    user.memberships.create(clinic=clinics[other], role=role)
            TOTPDevice.objects.create(
                user=user, name=DEVICE_NAME, confirmed=True, key=demo_totp_key(username)
            )
        registrars = {"Brookline": "frontdesk.rivera", "Riverside": "frontdesk.costa"}
        today = timezone.localdate()
        # Registered one after another over a month, about three months ago: screened, planned
        # and dosed since (the order of registration is the order of the MRNs).
        registered_from = timezone.now().replace(minute=0, second=0, microsecond=0)
        registered_from -= timedelta(days=REGISTERED_DAYS_AGO)
        turn = 0
        with services_clock() as clock:
            for short, _, place, count in CLINICS:
                registrar = User.objects.get(username=registrars[short])
                for _ in range(count):
                    clock.at(registered_from + timedelta(hours=13 * turn))
                    turn += 1
                    patient = patient_register(
                        actor=registrar,
                        clinic=clinics[short],
                        data=synthetic_patient(rng, place, today),
                    )
                    self._add_support(rng, registrar, patient)
        return True

    @staticmethod
    def _add_support(rng: random.Random, actor: User, patient: Patient) -> None:
        # Most patients have an escort; some also a trusted person at home; a few have nobody yet.
        if rng.random() < 0.15:
            return
        support_person_add(
            actor=actor,
            patient=patient,
            data={
                "name": patient.emergency_contact_name,
                "relationship": patient.emergency_contact_relationship,
                "phone": patient.emergency_contact_phone,
                "is_escort": True,
                "is_home_support": rng.random() < 0.6,
                "notes": "",
            },
        )
        if rng.random() < 0.25:
            support_person_add(
                actor=actor,
                patient=patient,
                data={
                    "name": f"{rng.choice(HOME_SUPPORT_GIVEN)} {rng.choice(HOME_SUPPORT_FAMILY)}",
                    "relationship": rng.choice(RELATIONSHIPS),
                    "phone": fictional_phone(rng),
                    "is_escort": False,
                    "is_home_support": True,
                    "notes": "Available evenings",
                },
            )

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, _, roles_by_clinic in STAFF:
            where = "; ".join(
                f"{', '.join(roles)} at {clinic}" for clinic, roles in roles_by_clinic.items()
            )
            self.stdout.write(f"  {username:<18} {first} {last:<8} {where}")
        self.stdout.write("Patient portal (/portal/login/, password only, same password):")
        for username, who in portal_demo.logins(ORGANISATION):
            self.stdout.write(f"  {username:<30} {who}")
        with_plan = billing_demo.patient_with_plan(ORGANISATION)
        if with_plan is not None:
            self.stdout.write(f"Patient with a plan for `openkap estimate`: MRN {with_plan.mrn}")
        with_charges = billing_demo.patient_with_charges(ORGANISATION)
        if with_charges is not None:
            self.stdout.write(
                f"Patient with charges and payments for `openkap superbill`: MRN {with_charges.mrn}"
            )
        self.stdout.write(
            "Second factor: in demo mode the code page shows each demo account's current 6-digit code;"
            "\n  or run: .venv/bin/openkap demo --code USERNAME"
        )
