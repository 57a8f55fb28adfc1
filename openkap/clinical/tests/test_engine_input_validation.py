"""Input the engine cannot screen is refused with an InputError naming the field: wrong types,
implausible values, malformed or unknown ICD-10-CM codes, unknown routes, settings and fields."""

from __future__ import annotations

import pytest

from openkap.clinical.eligibility import (
    BloodPressure,
    InputError,
    ScreeningInput,
    evaluate,
    evaluate_json,
    loads_json,
    screening_input_from_json,
)

from .engine_helpers import PLAIN_ADULT


def refused(**fields) -> InputError:
    with pytest.raises(InputError) as error:
        screening_input_from_json({**PLAIN_ADULT, **fields})
    return error.value


def test_an_implausible_systolic_pressure_names_the_field_and_the_range():
    error = refused(blood_pressure={"systolic": 400, "diastolic": 80})
    assert error.field == "blood_pressure.systolic"
    assert str(error) == (
        "blood_pressure.systolic: 400 is not a plausible systolic pressure (50-300 mmHg)"
    )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"weight_kg": -5}, "weight_kg", "-5 is not a plausible weight (1-400 kg)"),
        ({"weight_kg": 0.5}, "weight_kg", "not a plausible weight"),
        ({"weight_kg": 401}, "weight_kg", "not a plausible weight"),
        ({"weight_kg": "70"}, "weight_kg", "must be a number"),
        ({"age_years": 121}, "age_years", "121 is not a plausible age (0-120 years)"),
        ({"age_years": -1}, "age_years", "not a plausible age"),
        ({"age_years": 40.5}, "age_years", "must be a whole number"),
        ({"age_years": "40"}, "age_years", "must be a whole number"),
        ({"age_years": True}, "age_years", "must be a whole number"),
        ({"age_years": None}, "age_years", "is required"),
        ({"sex": "f"}, "sex", "'f' is not one of female, male, other"),
        ({"sex": 1}, "sex", "must be one of"),
        ({"pregnant": "yes"}, "pregnant", "must be true or false"),
        ({"breastfeeding": 1}, "breastfeeding", "must be true or false"),
        ({"conditions": "I71.2"}, "conditions", "must be a list of texts"),
        ({"conditions": ["F32.1", "XYZ"]}, "conditions[1]", "not a well-formed ICD-10-CM code"),
        ({"conditions": ["I71.2.3"]}, "conditions[0]", "not a well-formed ICD-10-CM code"),
        ({"conditions": ["12345"]}, "conditions[0]", "not a well-formed ICD-10-CM code"),
        ({"conditions": ["I71.7"]}, "conditions[0]", "is not an ICD-10-CM code"),
        ({"conditions": ["I20-I25"]}, "conditions[0]", "not a well-formed ICD-10-CM code"),
        ({"conditions": [42]}, "conditions[0]", "must be a non-empty text"),
        ({"medications": ["alprazolam", " "]}, "medications[1]", "must be a non-empty text"),
        ({"medications": ["x" * 201]}, "medications[0]", "longer than 200 characters"),
        ({"allergies": [None]}, "allergies[0]", "must be a non-empty text"),
        ({"blood_pressure": {"systolic": 120}}, "blood_pressure.diastolic", "is required"),
        (
            {"blood_pressure": {"systolic": 120, "diastolic": 10}},
            "blood_pressure.diastolic",
            "not a plausible diastolic pressure (20-200 mmHg)",
        ),
        (
            {"blood_pressure": {"systolic": 120.5, "diastolic": 80}},
            "blood_pressure.systolic",
            "must be a whole number",
        ),
        (
            {"blood_pressure": {"systolic": 110, "diastolic": 120}},
            "blood_pressure",
            "diastolic 120 is not below systolic 110",
        ),
        (
            {"blood_pressure": {"systolic": 120, "diastolic": 80, "pulse": 70}},
            "blood_pressure.pulse",
            "unknown field",
        ),
        ({"blood_pressure": "120/80"}, "blood_pressure", "must be an object"),
        ({"heart_rate": 300}, "heart_rate", "300 is not a plausible heart rate (20-250 beats/min)"),
        ({"heart_rate": 10}, "heart_rate", "not a plausible heart rate"),
        ({"route": "nasal"}, "route", "'nasal' is not a known route"),
        ({"route": 3}, "route", "must be a text"),
        ({"setting": "home"}, "setting", "'home' is not a known setting"),
        ({"medication": ["alprazolam"]}, "medication", "unknown field"),
    ],
)
def test_it_names_the_field(fields, field, words):
    error = refused(**fields)
    assert error.field == field
    assert str(error).startswith(f"{field}: ")
    assert words in str(error)


def test_a_missing_required_field_is_named():
    with pytest.raises(InputError) as error:
        screening_input_from_json({"age_years": 40, "sex": "male"})
    assert error.value.field == "weight_kg"


def test_it_refuses_input_that_is_not_an_object():
    with pytest.raises(InputError) as error:
        evaluate_json("a patient")
    assert str(error.value).startswith("input: expected a JSON object or a list")


def test_it_names_the_index_of_the_bad_object_in_a_list():
    good = dict(PLAIN_ADULT)
    with pytest.raises(InputError) as error:
        evaluate_json([good, good, {**good, "weight_kg": -5}])
    assert error.value.field == "[2].weight_kg"
    assert str(error.value).startswith("[2].weight_kg: -5 is not a plausible weight")


def test_it_names_the_index_of_a_list_entry_that_is_not_an_object():
    with pytest.raises(InputError) as error:
        evaluate_json([dict(PLAIN_ADULT), 7])
    assert str(error.value).startswith("[1]: expected a JSON object")


def test_it_checks_a_screening_built_in_code_too():
    screening = ScreeningInput(
        age_years=40,
        sex="female",
        weight_kg=70,
        blood_pressure=BloodPressure(systolic=400, diastolic=80),
    )
    with pytest.raises(InputError) as error:
        evaluate(screening)
    assert error.value.field == "blood_pressure.systolic"


def test_it_accepts_a_whole_number_written_with_a_decimal_point():
    screening = screening_input_from_json(
        {**PLAIN_ADULT, "age_years": 40.0, "blood_pressure": {"systolic": 120.0, "diastolic": 80}}
    )
    assert screening.age_years == 40
    assert isinstance(screening.age_years, int)
    assert screening.blood_pressure == BloodPressure(systolic=120, diastolic=80)


def test_it_accepts_null_for_the_optional_fields():
    screening = screening_input_from_json(
        {**PLAIN_ADULT, "blood_pressure": None, "heart_rate": None, "route": None, "setting": None}
    )
    assert screening.blood_pressure is None
    assert screening.route is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "input: not valid JSON"),
        ('{"age_years": NaN}', "input: not valid JSON: NaN"),
        ('{"weight_kg": 70, "weight_kg": 80}', "weight_kg: given twice"),
    ],
)
def test_it_refuses_text_that_is_not_strict_json(text, words):
    with pytest.raises(InputError) as error:
        loads_json(text)
    assert str(error.value).startswith(words)


def test_it_reads_the_vocabulary_whatever_the_case():
    screening = screening_input_from_json(
        {**PLAIN_ADULT, "sex": "Female", "route": " IV", "setting": "In_Office"}
    )
    assert (screening.sex, screening.route, screening.setting) == ("female", "iv", "in_office")


def test_it_takes_null_lists_as_empty():
    screening = screening_input_from_json(
        {**PLAIN_ADULT, "conditions": None, "medications": None, "allergies": None}
    )
    assert screening.conditions == screening.medications == screening.allergies == ()
