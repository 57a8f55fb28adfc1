"""Properties of scoring over every valid and invalid answer list (hypothesis).

The expected ranges, bands and rules are written out here from the sources (clinical.md §6), not
read back from the data files, so a wrong data file fails these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openkap.clinical.instruments import AnswerError, instrument, instrument_ids, score

# (number of items, highest answer, lowest total, highest total) from the published instruments.
SHAPES = {
    "phq9": (9, 3, 0, 27),
    "gad7": (7, 3, 0, 21),
    "pcl5": (20, 4, 0, 80),
    "qids-sr16": (16, 3, 0, 27),
    "madrs": (10, 6, 0, 60),
    "moaas": (1, 5, 0, 5),
    "dissociation": (1, 4, 0, 4),
}
SUM_INSTRUMENTS = ("phq9", "gad7", "pcl5", "madrs")
BANDS = {
    "phq9": [(4, "minimal"), (9, "mild"), (14, "moderate"), (19, "moderately severe"),
             (27, "severe")],
    "gad7": [(4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe")],
    "qids-sr16": [(5, "none"), (10, "mild"), (15, "moderate"), (20, "severe"),
                  (27, "very severe")],
    "madrs": [(6, "normal"), (19, "mild"), (34, "moderate"), (60, "severe")],
}  # fmt: skip
# Timing is not what these tests are about, and the machine may be busy.
no_deadline = settings(deadline=None)

QIDS_DOMAINS = [[1, 2, 3, 4], [5], [6, 7, 8, 9], [10], [11], [12], [13], [14], [15, 16]]


def answers_for(instrument_id: str) -> st.SearchStrategy[list[int]]:
    count, highest, _, _ = SHAPES[instrument_id]
    return st.lists(st.integers(0, highest), min_size=count, max_size=count)


def expected_band(instrument_id: str, total: int) -> str:
    return next(name for upper, name in BANDS[instrument_id] if total <= upper)


def asq_answers() -> st.SearchStrategy[list[int]]:
    def complete(first_four: list[int]) -> st.SearchStrategy[list[int]]:
        if any(value in (1, 2) for value in first_four):
            return st.integers(0, 1).map(lambda fifth: [*first_four, fifth])
        return st.one_of(st.just(first_four), st.integers(0, 1).map(lambda f: [*first_four, f]))

    return st.lists(st.integers(0, 2), min_size=4, max_size=4).flatmap(complete)


@pytest.mark.parametrize("instrument_id", list(SHAPES))
@no_deadline
@given(data=st.data())
def test_every_valid_answer_list_scores_within_the_instruments_range(instrument_id, data):
    _, _, low, high = SHAPES[instrument_id]
    result = score(instrument_id, data.draw(answers_for(instrument_id)))
    assert low <= result.total <= high
    assert result.instrument == instrument_id


@pytest.mark.parametrize("instrument_id", SUM_INSTRUMENTS)
@no_deadline
@given(data=st.data())
def test_sum_instruments_total_the_answers_whatever_their_order(instrument_id, data):
    answers = data.draw(answers_for(instrument_id))
    shuffled = data.draw(st.permutations(answers))
    assert score(instrument_id, answers).total == sum(answers)
    assert score(instrument_id, shuffled).total == sum(answers)


@pytest.mark.parametrize("instrument_id", list(BANDS))
@no_deadline
@given(data=st.data())
def test_the_severity_is_the_published_band_of_the_total(instrument_id, data):
    result = score(instrument_id, data.draw(answers_for(instrument_id)))
    assert result.severity == expected_band(instrument_id, result.total)


@pytest.mark.parametrize("instrument_id", list(BANDS))
@no_deadline
@given(data=st.data())
def test_the_severity_never_falls_when_an_answer_rises(instrument_id, data):
    count, highest, _, _ = SHAPES[instrument_id]
    answers = data.draw(answers_for(instrument_id))
    position = data.draw(st.integers(0, count - 1))
    higher = list(answers)
    higher[position] = data.draw(st.integers(answers[position], highest))
    order = [name for _, name in BANDS[instrument_id]]
    before = score(instrument_id, answers)
    after = score(instrument_id, higher)
    assert after.total >= before.total
    assert before.severity is not None
    assert after.severity is not None
    assert order.index(after.severity) >= order.index(before.severity)


@no_deadline
@given(answers=answers_for("phq9"))
def test_phq9_flags_suicide_risk_exactly_when_item_9_is_above_zero(answers):
    assert ("suicide_risk" in score("phq9", answers).flags) == (answers[8] > 0)


@no_deadline
@given(answers=answers_for("qids-sr16"))
def test_qids_total_is_the_sum_of_the_domain_maxima_and_item_12_flags(answers):
    result = score("qids-sr16", answers)
    assert result.total == sum(max(answers[n - 1] for n in domain) for domain in QIDS_DOMAINS)
    assert ("suicide_risk" in result.flags) == (answers[11] > 0)


@no_deadline
@given(answers=answers_for("pcl5"))
def test_pcl5_dsm5_rule_matches_the_cluster_counts(answers):
    def endorsed(first: int, last: int) -> int:
        return sum(1 for value in answers[first - 1 : last] if value >= 2)

    expected = endorsed(1, 5) >= 1 and endorsed(6, 7) >= 1 and endorsed(8, 14) >= 2
    expected = expected and endorsed(15, 20) >= 2
    result = score("pcl5", answers)
    assert result.details["dsm5_rule_met"] is expected
    assert sum(result.details["clusters"].values()) == result.total


@no_deadline
@given(answers=answers_for("madrs"))
def test_madrs_flags_suicide_risk_exactly_when_item_10_is_2_or_more(answers):
    assert ("suicide_risk" in score("madrs", answers).flags) == (answers[9] >= 2)


@no_deadline
@given(answers=asq_answers())
def test_asq_result_follows_the_nimh_rule(answers):
    result = score("asq", answers)
    positive = any(value in (1, 2) for value in answers[:4])
    acute = len(answers) == 5 and answers[4] == 1
    expected = "acute positive" if acute else "non-acute positive" if positive else "negative"
    assert result.severity == expected
    assert ("suicide_risk" in result.flags) == (positive or acute)
    assert ("suicide_risk_acute" in result.flags) == acute


@pytest.mark.parametrize("instrument_id", list(SHAPES))
@no_deadline
@given(data=st.data())
def test_a_wrong_count_raises_naming_both_counts(instrument_id, data):
    count, highest, _, _ = SHAPES[instrument_id]
    wrong = data.draw(st.integers(0, count + 5).filter(lambda n: n != count))
    answers = data.draw(st.lists(st.integers(0, highest), min_size=wrong, max_size=wrong))
    with pytest.raises(AnswerError) as caught:
        score(instrument_id, answers)
    assert caught.value.field == "answers"
    assert f"takes {count} answer" in str(caught.value)
    assert f"got {wrong}" in str(caught.value)


@pytest.mark.parametrize("instrument_id", list(SHAPES))
@no_deadline
@given(data=st.data())
def test_an_out_of_range_answer_raises_naming_the_item(instrument_id, data):
    count, highest, _, _ = SHAPES[instrument_id]
    answers = data.draw(answers_for(instrument_id))
    position = data.draw(st.integers(0, count - 1))
    bad = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=highest + 1)))
    answers[position] = bad
    with pytest.raises(AnswerError) as caught:
        score(instrument_id, answers)
    assert caught.value.item == position + 1
    assert f"item {position + 1} must be 0-{highest}, got {bad}" in str(caught.value)


@no_deadline
@given(instrument_id=st.text(max_size=12).filter(lambda text: text not in instrument_ids()))
def test_any_unknown_instrument_raises(instrument_id):
    with pytest.raises(AnswerError) as caught:
        score(instrument_id, [0])
    assert caught.value.field == "instrument"


def test_the_shapes_here_cover_every_instrument_except_the_asq():
    assert set(instrument_ids()) == {*SHAPES, "asq"}
    for instrument_id, (count, _, low, high) in SHAPES.items():
        assert len(instrument(instrument_id).items) == count
        assert instrument(instrument_id).total_range == (low, high)
