"""The bundled REMS form data holds every field of clinical.md §1.5, the submission rules and the
numbers as the research notes give them, with the [VERIFY] items marked unverified."""

from __future__ import annotations

from openkap.clinical.rems import rems_form_spec

# Every field clinical.md §1.5 lists, by the id the data gives it (written by hand from the notes).
SECTION_1_5 = {
    "patient_first_name",  # first name*
    "patient_middle_initial",  # MI
    "patient_last_name",  # last name*
    "patient_birthdate",  # birthdate*
    "patient_sex",  # sex*
    "first_treatment",  # whether this is the first treatment
    "patient_enrolled",  # (and, if so, whether enrolled)
    "med_benzodiazepines",
    "med_non_benzo_hypnotics",
    "med_psychostimulants",
    "med_maois",
    "med_opioids",  # the walkthrough mentions opioids
    "hcp_first_name",
    "hcp_last_name",
    "hcp_phone",
    "hcp_email",
    "setting_name",
    "setting_address",
    "setting_city",
    "setting_state",
    "setting_zip",
    "treatment_date",
    "dose_mg",
    "lot_number",
    "total_minutes",
    "ready_to_leave_minutes",
    "vitals_ok_before",
    "vitals_ok_end",
    "bp_before_systolic",
    "bp_before_diastolic",
    "bp_40_systolic",
    "bp_40_diastolic",
    "bp_end_systolic",
    "bp_end_diastolic",
    "ae_sedation",
    "ae_dissociation",
    "ae_respiratory_depression",
}
STARRED = {
    "patient_first_name",
    "patient_last_name",
    "patient_birthdate",
    "patient_sex",
    "med_benzodiazepines",
    "med_non_benzo_hypnotics",
    "med_psychostimulants",
    "med_maois",
    "hcp_first_name",
    "hcp_last_name",
    "hcp_phone",
    "hcp_email",
    "setting_name",
    "setting_address",
    "setting_city",
    "setting_state",
    "setting_zip",
    "treatment_date",
    "dose_mg",
}


def test_it_has_every_field_of_the_form() -> None:
    assert set(rems_form_spec().field_ids) >= SECTION_1_5


def test_the_starred_fields_are_required_by_the_form() -> None:
    spec = rems_form_spec()
    for field_id in STARRED:
        assert spec.field(field_id).required, field_id
        assert spec.field(field_id).required_by == "form", field_id


def test_the_evaluation_question_keeps_the_forms_wording() -> None:
    label = rems_form_spec().field("ready_to_leave_minutes").label
    assert "If there was not a 2-hour minimum monitoring requirement" in label
    assert "minutes from start of administration" in label


def test_the_adverse_event_block_is_marked_unverified() -> None:
    spec = rems_form_spec()
    for field_id in ("ae_sedation", "ae_dissociation", "ae_respiratory_depression"):
        field = spec.field(field_id)
        assert not field.sourced.verified
        assert "[VERIFY]" in field.sourced.note


def test_whether_the_form_is_still_required_is_marked_unverified() -> None:
    spec = rems_form_spec()
    assert not spec.requirement.verified
    assert "12/31/2024" in spec.requirement.note


def test_the_submission_rules_and_numbers_are_those_of_the_notes() -> None:
    spec = rems_form_spec()
    assert spec.window_days == 7
    assert set(spec.methods) == {"online", "fax"}
    assert spec.fax == "1-877-778-0091"
    assert spec.rems_phone == "1-855-382-6022"
    assert spec.minimum_minutes == 120


def test_every_fact_names_its_source() -> None:
    spec = rems_form_spec()
    for sourced in (
        spec.sourced,
        spec.requirement,
        spec.submission,
        spec.rems_contact,
        spec.monitoring,
        spec.blood_pressure,
        spec.medications,
        spec.adverse_events,
        *(field.sourced for field in spec.fields),
    ):
        assert sourced.source.strip()
        if not sourced.verified:
            assert sourced.note.strip()
