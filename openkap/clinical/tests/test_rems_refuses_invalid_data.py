"""A REMS form data file with a bad value is refused with an error naming the key."""

from __future__ import annotations

import tomllib

import pytest

from openkap.clinical.rems import FORM_FILE, RemsSpecError, parse_form_spec

TEXT = FORM_FILE.read_text(encoding="utf-8")


def refused(text: str) -> str:
    with pytest.raises(RemsSpecError) as caught:
        parse_form_spec(tomllib.loads(text))
    return str(caught.value)


def test_the_bundled_file_is_accepted() -> None:
    assert parse_form_spec(tomllib.loads(TEXT)).window_days == 7


def test_it_refuses_a_window_of_no_days() -> None:
    assert "window_days" in refused(TEXT.replace("window_days = 7", "window_days = 0", 1))


def test_it_refuses_an_unknown_kind() -> None:
    message = refused(TEXT.replace('kind = "sex"', 'kind = "gender"', 1))
    assert "patient_sex" in message and "gender" in message


def test_it_refuses_a_required_field_that_does_not_say_who_requires_it() -> None:
    text = TEXT.replace('required = true\nrequired_by = "form"\n', "required = true\n", 1)
    assert "required_by" in refused(text)


def test_it_refuses_a_duplicate_field_id() -> None:
    text = TEXT.replace('id = "patient_last_name"', 'id = "patient_first_name"', 1)
    assert "patient_first_name" in refused(text)


def test_it_refuses_a_condition_on_a_field_that_is_not_yes_or_no() -> None:
    text = TEXT.replace(
        'required_when_any_yes = ["first_treatment"]', 'required_when_any_yes = ["dose_mg"]', 1
    )
    assert "dose_mg" in refused(text)


def test_it_refuses_an_unknown_submission_method() -> None:
    text = TEXT.replace('methods = ["online", "fax"]', 'methods = ["pigeon"]', 1)
    assert "methods" in refused(text)


def test_it_refuses_a_medication_class_for_a_field_that_is_not_a_medication() -> None:
    text = TEXT.replace("med_maois = [", "dose_mg = [", 1)
    assert "dose_mg" in refused(text)
