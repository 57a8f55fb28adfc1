"""ICD-10-CM codes: normalised with their dot, checked against the code set of the pinned
simple-icd-10-cm package, and searched by code prefix and description words, billable codes first."""

from __future__ import annotations

import pytest

from openkap.clinical.icd10 import (
    Icd10Error,
    icd10_description,
    icd10_exists,
    icd10_is_billable,
    icd10_leaves_under,
    icd10_normalize,
    icd10_search,
    icd10_validate,
)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("I71.2", "I71.2"),
        ("i712", "I71.2"),
        (" F32.3 ", "F32.3"),
        ("F29", "F29"),
        ("t400x1a", "T40.0X1A"),
    ],
)
def test_it_normalises_a_code(written, normal):
    assert icd10_normalize(written) == normal


@pytest.mark.parametrize(
    "written", ["", "XYZ", "71.2", "I71.", "I7.12", "I71.23456", "I20-I25", "F3"]
)
def test_it_refuses_a_malformed_code(written):
    with pytest.raises(Icd10Error, match="not a well-formed ICD-10-CM code"):
        icd10_normalize(written)


@pytest.mark.parametrize("code", ["I71", "I71.2", "F32.3", "T40.0X1A", "I1A.0", "Z33.1", "QA0"])
def test_it_knows_real_codes(code):
    assert icd10_exists(code)


@pytest.mark.parametrize("code", ["I71.7", "A00.000", "F32.99999", "I20-I25", "XYZ"])
def test_it_does_not_know_codes_outside_the_code_set(code):
    assert not icd10_exists(code)


def test_validate_explains_a_code_that_is_not_in_the_code_set():
    with pytest.raises(Icd10Error, match=r"'I71\.7' is not an ICD-10-CM code"):
        icd10_validate("I71.7")


def test_billable_means_no_more_specific_code():
    assert icd10_is_billable("F32.3")
    assert not icd10_is_billable("I71.2")
    assert icd10_is_billable("I71.20")


def test_it_describes_a_code():
    assert icd10_description("f323") == (
        "Major depressive disorder, single episode, severe with psychotic features"
    )
    assert icd10_description("I71.7") is None


def test_search_by_code_prefix():
    results = icd10_search("I71.0", 50)
    assert results
    assert all(r.code.startswith("I71.0") for r in results)
    assert {"I71.00", "I71.010", "I71.0"} <= {r.code for r in results}


def test_search_by_words_of_the_description():
    codes = {r.code for r in icd10_search("psychotic features", 50)}
    assert "F32.3" in codes
    assert "F31.5" in codes


def test_search_matches_word_beginnings_in_any_order():
    codes = {r.code for r in icd10_search("aneurysm thoracic", 50)}
    assert "I71.20" in codes


def test_search_puts_billable_codes_first():
    results = icd10_search("I71", 100)
    billable = [r.billable for r in results]
    assert billable == sorted(billable, reverse=True)
    assert billable[0] is True
    assert False in billable


def test_search_respects_the_limit_and_empty_text():
    assert len(icd10_search("disorder", 7)) == 7
    assert icd10_search("   ", 10) == []
    assert icd10_search("zzzzqqq", 10) == []


def test_it_lists_the_billable_codes_under_a_code():
    assert icd10_leaves_under("F32.3") == ()
    leaves = icd10_leaves_under("I71.0")
    assert "I7100" in leaves
    assert "I71010" in leaves
    assert "I7101" not in leaves  # not billable: it has codes below it
    assert icd10_leaves_under("I71.7") == ()
