"""The billing code lines of a completed dosing session, as plain data. No Django.

A signed dosing session is billed by its route (knowledge/billing/charge_rules.toml):

- IV infusion: the first hour (96365), each additional hour (96366, counted when the infusion runs
  more than the file's minutes past a full hour), and the drug (J3490);
- IM injection: the file's codes (96372 is unverified: payer-specific);
- intranasal esketamine, by the payer's method: "bundled" = one G code by the dose (G2082 up to the
  threshold, G2083 above it); "split_s0013" / "split_j0013" = the drug per 1 mg unit plus a visit code
  and observation codes;
- any other route (sublingual, oral, subcutaneous): the codes of the clinic's price-list item.

Every code named is in codes.toml (checked when the rules load).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from openkap.clinical.costs import billing_codes

RULES_FILE = Path(__file__).resolve().parent / "knowledge" / "billing" / "charge_rules.toml"

ESKETAMINE_METHODS: tuple[str, ...] = ("bundled", "split_s0013", "split_j0013")


class ChargeRuleError(ValueError):
    """Input the rules cannot bill; the message names what is missing."""


@dataclass(frozen=True)
class CodeLine:
    code: str
    units: int
    why: str


@cache
def charge_rules() -> dict[str, Any]:
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    known = billing_codes()
    named = [
        data["iv"]["first_hour"],
        data["iv"]["additional_hour"],
        data["iv"]["drug"],
        *data["im"]["codes"],
        data["esketamine"]["bundled_up_to_threshold"],
        data["esketamine"]["bundled_above_threshold"],
        data["esketamine"]["split_drug_s0013"],
        data["esketamine"]["split_drug_j0013"],
        data["esketamine"]["split_visit"],
        *data["esketamine"]["split_observation"],
    ]
    unknown = [code for code in named if code not in known]
    if unknown:
        raise ChargeRuleError(f"{RULES_FILE.name} names codes not in codes.toml: {unknown}")
    return data


def rules_version() -> str:
    return str(charge_rules()["version"])


def iv_additional_hours(minutes: int) -> int:
    """How many additional hours (96366) an infusion of `minutes` minutes counts."""
    if minutes < 0:
        raise ChargeRuleError("infusion minutes: must be zero or more.")
    grace = int(charge_rules()["iv"]["additional_hour_after_minutes"])
    beyond_first = minutes - 60
    if beyond_first <= grace:
        return 0
    return math.ceil((beyond_first - grace) / 60)


def session_code_lines(
    *,
    route: str,
    dose_mg: Decimal | None,
    infusion_minutes: int | None,
    esketamine_method: str,
    item_codes: Sequence[str],
) -> list[CodeLine]:
    """The code lines of one signed dosing session."""
    rules = charge_rules()
    if route == "iv":
        iv = rules["iv"]
        lines = [CodeLine(iv["first_hour"], 1, "IV infusion, first hour")]
        if infusion_minutes is not None:
            extra = iv_additional_hours(infusion_minutes)
            if extra:
                lines.append(
                    CodeLine(
                        iv["additional_hour"],
                        extra,
                        f"IV infusion, each additional hour ({infusion_minutes} min in all)",
                    )
                )
        lines.append(CodeLine(iv["drug"], 1, "Ketamine (unclassified drug)"))
        return lines
    if route == "im":
        return [CodeLine(code, 1, "Intramuscular ketamine") for code in rules["im"]["codes"]]
    if route == "intranasal_esketamine":
        return _esketamine(rules["esketamine"], dose_mg, esketamine_method)
    return [CodeLine(code, 1, "From the clinic's price list") for code in item_codes]


def _esketamine(rules: dict[str, Any], dose_mg: Decimal | None, method: str) -> list[CodeLine]:
    if method not in ESKETAMINE_METHODS:
        raise ChargeRuleError(f"esketamine billing: {method!r} is not one of {ESKETAMINE_METHODS}.")
    if dose_mg is None or dose_mg <= 0:
        raise ChargeRuleError("esketamine billing needs the dose given (mg).")
    threshold = Decimal(str(rules["threshold_mg"]))
    if method == "bundled":
        if dose_mg <= threshold:
            return [CodeLine(rules["bundled_up_to_threshold"], 1, f"Esketamine {_mg(dose_mg)} mg")]
        return [CodeLine(rules["bundled_above_threshold"], 1, f"Esketamine {_mg(dose_mg)} mg")]
    if dose_mg != dose_mg.to_integral_value():
        raise ChargeRuleError("esketamine split billing counts whole mg: the dose is not whole.")
    drug = rules["split_drug_s0013"] if method == "split_s0013" else rules["split_drug_j0013"]
    return [
        CodeLine(drug, int(dose_mg), f"Esketamine, 1 mg per unit ({_mg(dose_mg)} mg)"),
        CodeLine(rules["split_visit"], 1, "Office visit (E/M), clinic policy level"),
        *(CodeLine(code, 1, "Observation") for code in rules["split_observation"]),
    ]


def _mg(dose: Decimal) -> str:
    text = f"{dose:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
