"""The code lines of a signed dosing session by route (openkap.clinical.charges, no Django)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkap.clinical import charges
from openkap.clinical.costs import billing_codes


def lines(route: str, **kwargs: object) -> list[tuple[str, int]]:
    values: dict[str, object] = {
        "dose_mg": None,
        "infusion_minutes": None,
        "esketamine_method": "bundled",
        "item_codes": [],
    }
    values.update(kwargs)
    return [(line.code, line.units) for line in charges.session_code_lines(route=route, **values)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("minutes", "extra"), [(40, 0), (60, 0), (90, 0), (91, 1), (150, 1), (151, 2)]
)
def test_it_counts_additional_infusion_hours_past_thirty_minutes(minutes: int, extra: int) -> None:
    assert charges.iv_additional_hours(minutes) == extra


def test_it_bills_a_forty_minute_iv_infusion_as_first_hour_and_drug() -> None:
    assert lines("iv", infusion_minutes=40) == [("96365", 1), ("J3490", 1)]


def test_it_adds_96366_for_a_long_infusion() -> None:
    assert lines("iv", infusion_minutes=100) == [("96365", 1), ("96366", 1), ("J3490", 1)]


def test_it_bills_an_im_session_with_96372() -> None:
    assert ("96372", 1) in lines("im")


@pytest.mark.parametrize(("dose", "code"), [("56", "G2082"), ("28", "G2082"), ("84", "G2083")])
def test_it_bundles_esketamine_by_the_dose(dose: str, code: str) -> None:
    assert lines("intranasal_esketamine", dose_mg=Decimal(dose)) == [(code, 1)]


def test_it_splits_esketamine_into_drug_units_visit_and_observation() -> None:
    got = lines("intranasal_esketamine", dose_mg=Decimal("84"), esketamine_method="split_s0013")
    assert got[0] == ("S0013", 84)
    assert ("99213", 1) in got and ("99415", 1) in got
    assert not {code for code, _ in got} & {"G2082", "G2083"}


def test_it_uses_j0013_when_the_payer_takes_it() -> None:
    got = lines("intranasal_esketamine", dose_mg=Decimal("56"), esketamine_method="split_j0013")
    assert got[0] == ("J0013", 56)


def test_it_refuses_esketamine_without_a_dose() -> None:
    with pytest.raises(charges.ChargeRuleError, match="dose"):
        lines("intranasal_esketamine", dose_mg=None)


def test_it_bills_sublingual_with_the_price_items_codes() -> None:
    assert lines("sublingual", item_codes=["99213", "0820T"]) == [("99213", 1), ("0820T", 1)]


def test_every_code_the_rules_name_is_in_the_codes_file() -> None:
    rules = charges.charge_rules()
    named = {rules["iv"]["first_hour"], rules["esketamine"]["split_visit"], *rules["im"]["codes"]}
    assert named <= set(billing_codes())


def test_the_code_rules_import_no_django() -> None:
    import subprocess
    import sys
    from pathlib import Path

    program = (
        "import sys\nfrom decimal import Decimal\nfrom openkap.clinical import charges\n"
        "charges.session_code_lines(route='iv', dose_mg=Decimal('35'), infusion_minutes=40,"
        " esketamine_method='bundled', item_codes=[])\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter and program)
        [sys.executable, "-c", program],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_every_unverified_rule_says_what_to_verify() -> None:
    rules = charges.charge_rules()
    for name in ("iv", "im", "esketamine"):
        assert rules[name]["source"]
        if not rules[name]["verified"]:
            assert "[VERIFY" in rules[name]["note"]
