"""NIMH ASQ: four yes/no questions (a refusal counts as positive), question 5 asked only after a
positive answer; negative / non-acute positive / acute positive."""

from __future__ import annotations

import pytest

from openkap.clinical.instruments import AnswerError, score

NO, YES, DECLINED = 0, 1, 2


def test_four_noes_without_question_5_are_negative():
    result = score("asq", [NO, NO, NO, NO])
    assert (result.total, result.severity, result.flags) == (0, "negative", ())
    assert result.to_json()["result"] == "negative"


def test_four_noes_with_question_5_no_are_negative():
    assert score("asq", [NO, NO, NO, NO, NO]).severity == "negative"


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_any_yes_with_question_5_no_is_a_non_acute_positive(position):
    answers = [NO, NO, NO, NO, NO]
    answers[position] = YES
    result = score("asq", answers)
    assert result.total == 1
    assert result.severity == "non-acute positive"
    assert result.flags == ("suicide_risk",)


def test_a_declined_answer_counts_as_positive():
    result = score("asq", [NO, DECLINED, NO, NO, NO])
    assert result.severity == "non-acute positive"
    assert result.flags == ("suicide_risk",)


def test_yes_to_question_5_is_an_acute_positive():
    result = score("asq", [YES, YES, NO, NO, YES])
    assert result.total == 2
    assert result.severity == "acute positive"
    assert result.flags == ("suicide_risk", "suicide_risk_acute")


def test_a_yes_to_question_5_after_four_noes_is_never_discarded():
    assert score("asq", [NO, NO, NO, NO, YES]).severity == "acute positive"


def test_question_5_is_required_after_a_positive_answer():
    with pytest.raises(AnswerError) as caught:
        score("asq", [NO, NO, YES, NO])
    assert caught.value.field == "answers"
    assert caught.value.item == 5
    assert "item 5 must be answered" in str(caught.value)


def test_question_5_cannot_be_declined():
    with pytest.raises(AnswerError, match=r"item 5 must be 0-1, got 2"):
        score("asq", [YES, NO, NO, NO, DECLINED])


@pytest.mark.parametrize("count", [0, 3, 6])
def test_asq_takes_4_or_5_answers(count):
    with pytest.raises(AnswerError, match=rf"ASQ takes 4 or 5 answers .*got {count}"):
        score("asq", [NO] * count)
