"""Synthetic people for the demo clinic. Names are common first and last names combined at random;
phone numbers use the 555-01xx range reserved for fiction; e-mail uses example.com. No real person."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_NAMES_F = [
    "Maria",
    "Aisha",
    "Emily",
    "Grace",
    "Sofia",
    "Hannah",
    "Priya",
    "Chloe",
    "Rosa",
    "Nora",
    "Leah",
    "Mei",
    "Olivia",
    "Fatima",
    "Julia",
    "Ines",
    "Camila",
    "Zoe",
    "Ruth",
    "Amara",
]
FIRST_NAMES_M = [
    "James",
    "Daniel",
    "Omar",
    "Lucas",
    "Ethan",
    "Mateo",
    "Samuel",
    "Kenji",
    "David",
    "Noah",
    "Elijah",
    "Arjun",
    "Theo",
    "Marcus",
    "Felix",
    "Jonah",
    "Rafael",
    "Isaac",
    "Caleb",
    "Tomas",
]
FIRST_NAMES_X = ["Alex", "Jordan", "Riley", "Sam", "Taylor", "Quinn"]
LAST_NAMES = [
    "Rivera",
    "Okafor",
    "Nguyen",
    "Schmidt",
    "Patel",
    "Kowalski",
    "Haddad",
    "Morales",
    "Bennett",
    "Lindqvist",
    "Tanaka",
    "O'Brien",
    "Abara",
    "Castillo",
    "Fischer",
    "Reyes",
    "Mensah",
    "Novak",
    "Delgado",
    "Chen",
    "Walsh",
    "Ibrahim",
    "Sorensen",
    "Greene",
    "Park",
    "Costa",
    "Adler",
    "Romero",
]
STREETS = [
    "Maple Ave",
    "Harbor St",
    "Elm Ct",
    "Beacon Rd",
    "Willow Ln",
    "Cedar Pl",
    "Orchard Way",
    "Mill St",
]
PAYERS = [
    ("BlueCross BlueShield", "BCB"),
    ("Aetna", "AET"),
    ("UnitedHealthcare", "UHC"),
    ("Cigna", "CIG"),
    ("Medicare", "MCR"),
    ("", ""),
]
RELATIONSHIPS = [
    "Spouse",
    "Partner",
    "Sister",
    "Brother",
    "Mother",
    "Father",
    "Friend",
    "Adult child",
]


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    postal_prefix: str


def fictional_phone(rng: random.Random) -> str:
    return f"({rng.choice(['617', '857', '781'])}) 555-01{rng.randint(0, 99):02d}"


def synthetic_patient(rng: random.Random, place: Place, today: date) -> dict[str, object]:
    sex = rng.choices(["female", "male", "other"], weights=[55, 42, 3])[0]
    names = {"female": FIRST_NAMES_F, "male": FIRST_NAMES_M, "other": FIRST_NAMES_X}[sex]
    given, family = rng.choice(names), rng.choice(LAST_NAMES)
    age_days = rng.randint(19 * 365, 74 * 365)
    payer, payer_code = rng.choice(PAYERS)
    contact_given = rng.choice(FIRST_NAMES_F + FIRST_NAMES_M)
    return {
        "legal_given_name": given,
        "legal_middle_name": rng.choice(["", "", "A.", "J.", "M.", "L."]),
        "legal_family_name": family,
        "preferred_name": rng.choice(["", "", "", given[:3] if len(given) > 4 else ""]),
        "pronouns": {"female": "she/her", "male": "he/him", "other": "they/them"}[sex],
        "date_of_birth": today - timedelta(days=age_days),
        "sex": sex,
        "phone": fictional_phone(rng),
        "email": f"{given.lower()}.{family.lower().replace(chr(39), '')}{rng.randint(1, 99)}@example.com",
        "address_line1": f"{rng.randint(3, 980)} {rng.choice(STREETS)}",
        "address_line2": rng.choice(["", "", f"Apt {rng.randint(1, 40)}"]),
        "city": place.city,
        "region": place.region,
        "postal_code": f"{place.postal_prefix}{rng.randint(10, 99)}",
        "country": "US",
        "emergency_contact_name": f"{contact_given} {family}",
        "emergency_contact_relationship": rng.choice(RELATIONSHIPS),
        "emergency_contact_phone": fictional_phone(rng),
        "insurance_payer": payer,
        "insurance_member_id": f"{payer_code}{rng.randint(10_000_000, 99_999_999)}"
        if payer
        else "",
        "insurance_group_number": f"G{rng.randint(1000, 9999)}" if payer else "",
    }
