"""rems_missing names every required field of the REMS Patient Monitoring Form that is not filled."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from openkap.clinical.rems import rems_missing

# A complete form, written by hand from clinical.md §1.5.
COMPLETE: dict[str, object] = {
    "patient_first_name": "Robin",
    "patient_last_name": "Doe",
    "patient_birthdate": "1980-04-02",
    "patient_sex": "female",
    "first_treatment": False,
    "med_benzodiazepines": False,
    "med_non_benzo_hypnotics": False,
    "med_psychostimulants": True,
    "med_maois": False,
    "hcp_first_name": "Nora",
    "hcp_last_name": "Nightingale",
    "hcp_phone": "555 010 4001",
    "hcp_email": "nora@example.org",
    "setting_name": "North",
    "setting_address": "1 Harbor Way",
    "setting_city": "Springfield",
    "setting_state": "IL",
    "setting_zip": "62701",
    "treatment_date": "2026-11-21",
    "dose_mg": 56,
    "total_minutes": 125,
    "ready_to_leave_minutes": 90,
    "vitals_ok_before": True,
    "vitals_ok_end": True,
    "bp_before_systolic": 130,
    "bp_before_diastolic": 84,
    "bp_40_systolic": 152,
    "bp_40_diastolic": 94,
    "bp_end_systolic": 126,
    "bp_end_diastolic": 80,
    "ae_sedation": False,
    "ae_dissociation": False,
    "ae_respiratory_depression": False,
}


def test_it_finds_nothing_missing_on_a_complete_form() -> None:
    assert rems_missing(COMPLETE) == ()


def test_it_names_a_missing_required_field() -> None:
    values = {k: v for k, v in COMPLETE.items() if k != "hcp_email"}
    assert rems_missing(values) == ("hcp_email",)


def test_it_counts_blank_text_as_missing_and_no_as_an_answer() -> None:
    values = {**COMPLETE, "patient_last_name": "   ", "med_maois": False}
    assert rems_missing(values) == ("patient_last_name",)


def test_it_names_every_missing_field_in_the_order_of_the_form() -> None:
    values = {**COMPLETE, "bp_40_systolic": None, "patient_sex": "", "dose_mg": None}
    assert rems_missing(values) == ("patient_sex", "dose_mg", "bp_40_systolic")


def test_it_does_not_require_the_optional_fields() -> None:
    # Middle initial, lot number, opioids and other medications are not required.
    assert "patient_middle_initial" not in COMPLETE
    assert "lot_number" not in COMPLETE
    assert rems_missing(COMPLETE) == ()


def test_it_asks_for_enrolment_only_at_the_first_treatment() -> None:
    assert rems_missing({**COMPLETE, "first_treatment": True}) == ("patient_enrolled",)
    assert rems_missing({**COMPLETE, "first_treatment": True, "patient_enrolled": True}) == ()


def test_it_asks_for_adverse_event_details_only_when_one_happened() -> None:
    assert rems_missing({**COMPLETE, "ae_dissociation": True}) == ("ae_details",)
    done = {**COMPLETE, "ae_dissociation": True, "ae_details": "Resolved by 75 minutes."}
    assert rems_missing(done) == ()


def test_an_empty_form_misses_every_unconditional_required_field() -> None:
    missing = rems_missing({})
    assert set(missing) == set(COMPLETE)
    assert "patient_enrolled" not in missing and "ae_details" not in missing


@given(st.sets(st.sampled_from(sorted(COMPLETE))))
def test_removing_fields_makes_exactly_those_missing(removed: set[str]) -> None:
    values = {k: v for k, v in COMPLETE.items() if k not in removed}
    # first_treatment and the adverse events are all "no" in COMPLETE: no conditional field joins.
    assert set(rems_missing(values)) == removed
