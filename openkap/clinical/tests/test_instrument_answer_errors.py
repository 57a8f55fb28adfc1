"""Answers that cannot be scored raise AnswerError with a message naming the problem."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import AnswerError, score


def test_a_wrong_count_names_the_instrument_and_both_counts():
    with pytest.raises(AnswerError) as caught:
        score("phq9", [0] * 8)
    assert str(caught.value) == "answers: PHQ-9 takes 9 answers, got 8"
    assert caught.value.field == "answers"


def test_an_out_of_range_answer_names_the_item_and_the_range():
    answers = [0] * 20
    answers[6] = 5
    with pytest.raises(AnswerError) as caught:
        score("pcl5", answers)
    assert str(caught.value) == "answers: PCL-5 item 7 must be 0-4, got 5"
    assert caught.value.item == 7


def test_a_negative_answer_is_out_of_range():
    with pytest.raises(AnswerError, match="GAD-7 item 1 must be 0-3, got -1"):
        score("gad7", [-1, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("bad", [1.0, "1", None, True])
def test_a_non_integer_answer_is_refused(bad):
    with pytest.raises(AnswerError, match="MOAA/S item 1 is not an integer"):
        score("moaas", [bad])


def test_an_unknown_instrument_is_refused_with_the_known_ids():
    with pytest.raises(AnswerError) as caught:
        score("phq10", [0] * 9)
    assert caught.value.field == "instrument"
    assert "unknown instrument 'phq10'" in str(caught.value)
    assert "phq9" in str(caught.value)


def test_a_string_of_answers_is_not_a_list():
    with pytest.raises(AnswerError, match="must be a list of integers"):
        score("moaas", "3")  # type: ignore[arg-type]
