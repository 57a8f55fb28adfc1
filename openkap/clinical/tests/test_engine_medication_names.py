"""Medication names are recognised however they are written (case, doses, salts, formulations,
combinations); a known medication without an interaction gives no finding, an unknown one an
information finding naming it."""

from __future__ import annotations

import pytest

from .engine_helpers import rules_of, screen


@pytest.mark.parametrize(
    "written",
    [
        "Alprazolam",
        "ALPRAZOLAM",
        "alprazolam 0.5 mg",
        "alprazolam ER",
        "Alprazolam extended-release 1 mg tablet",
        "alprazolam (Xanax)",
        "  alprazolam  ",
    ],
)
def test_it_recognises_a_benzodiazepine_however_written(written):
    decision = screen(medications=[written])
    assert rules_of(decision) == {"benzodiazepines": "caution"}
    assert decision.findings[0].inputs["medications"] == [written.strip()]


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("amphetamine/dextroamphetamine", "psychostimulants"),
        ("dextroamphetamine-amphetamine", "psychostimulants"),
        ("mixed amphetamine salts", "psychostimulants"),
        ("methylphenidate hydrochloride", "psychostimulants"),
        ("lithium carbonate 300 mg", None),
        ("divalproex sodium", None),
        ("St John's wort", "cyp-inducers"),
        ("Methylene blue", "maois"),
        ("sodium oxybate", "other-cns-depressants"),
    ],
)
def test_it_recognises_salts_and_combinations(written, rule):
    found = rules_of(screen(medications=[written]))
    assert "unknown-medication" not in found
    if rule is not None:
        assert rule in found
    else:
        assert found == {}


@pytest.mark.parametrize(
    "name", ["sertraline", "venlafaxine", "bupropion", "mirtazapine", "quetiapine", "lithium"]
)
def test_a_known_medication_without_an_interaction_gives_no_finding(name):
    decision = screen(medications=[name])
    assert decision.findings == ()
    assert decision.decision == "eligible"


def test_an_unknown_medication_is_reported_by_name():
    decision = screen(medications=["sertraline", "Frobnicillin 20 mg"])
    assert decision.decision == "eligible"
    assert [(f.rule, f.level, f.inputs) for f in decision.findings] == [
        ("unknown-medication", "info", {"medications": ["Frobnicillin 20 mg"]})
    ]


def test_a_combination_with_an_unknown_part_is_unknown():
    assert "unknown-medication" in rules_of(screen(medications=["sertraline/frobnicillin"]))


def test_a_brand_name_is_not_taken_for_a_generic():
    assert rules_of(screen(medications=["Xanax"])) == {"unknown-medication": "info"}


def test_a_drug_in_two_classes_gives_both_findings():
    found = rules_of(screen(medications=["phenobarbital"]))
    assert found["other-cns-depressants"] == "caution"
    assert found["cyp-inducers"] == "info"


def test_the_same_medication_twice_gives_one_finding():
    decision = screen(medications=["alprazolam", "Alprazolam 1 mg"])
    assert len(decision.findings) == 1


def test_ketamine_on_the_medication_list_is_reconciled():
    assert rules_of(screen(medications=["ketamine"])) == {"ketamine-already-taken": "info"}


def test_alcohol_is_recognised():
    assert rules_of(screen(medications=["alcohol"])) == {"alcohol": "caution"}
