"""PCL-5: total 0-80, clusters B 1-5, C 6-7, D 8-14, E 15-20, the DSM-5 rule (an item rated 2 or more
is endorsed; at least 1 B, 1 C, 2 D, 2 E), the provisional cut-off, and no severity bands."""

from __future__ import annotations

from openkap.clinical.instruments import instrument, score

# Exactly the minimum for the DSM-5 rule: item 1 (B), item 6 (C), items 8-9 (D), items 15-16 (E).
MINIMUM = [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0]


def test_the_minimum_endorsement_meets_the_dsm5_rule():
    result = score("pcl5", MINIMUM)
    assert result.total == 12
    assert result.details["dsm5_rule_met"] is True
    assert result.details["clusters"] == {"B": 2, "C": 2, "D": 4, "E": 4}
    assert result.details["clusters_endorsed"] == {"B": 1, "C": 1, "D": 2, "E": 2}


def test_one_d_item_rated_1_instead_of_2_fails_the_dsm5_rule():
    answers = list(MINIMUM)
    answers[8] = 1  # item 9 (cluster D) no longer endorsed: only one D item left
    result = score("pcl5", answers)
    assert result.total == 11
    assert result.details["dsm5_rule_met"] is False
    assert result.details["clusters_endorsed"]["D"] == 1


def test_one_missing_c_item_fails_the_dsm5_rule_however_high_the_rest():
    answers = [4] * 20
    answers[5] = 1  # item 6
    answers[6] = 0  # item 7
    result = score("pcl5", answers)
    assert result.total == 73
    assert result.details["dsm5_rule_met"] is False


def test_the_total_is_the_sum_of_all_20_items():
    assert score("pcl5", [4] * 20).total == 80
    assert score("pcl5", [0] * 20).total == 0
    answers = [1, 2, 3, 4, 0] * 4
    assert score("pcl5", answers).total == 40


def test_the_provisional_cutoff_is_33():
    below = [2] * 16 + [0] * 4  # 32
    at = [2] * 16 + [1, 0, 0, 0]  # 33
    assert score("pcl5", below).details["provisional_cutoff_met"] is False
    assert score("pcl5", at).details["provisional_cutoff_met"] is True
    cutoff = instrument("pcl5").cutoff
    assert cutoff is not None
    assert cutoff.published_range == (31, 33)


def test_pcl5_has_no_severity_and_says_why():
    result = score("pcl5", [4] * 20)
    assert result.severity is None
    pcl5 = instrument("pcl5")
    assert pcl5.severity_bands == ()
    assert "no empirically derived severity bands" in pcl5.severity_note


def test_to_json_carries_the_rule_and_the_clusters():
    data = score("pcl5", MINIMUM).to_json()
    assert data["instrument"] == "pcl5"
    assert data["severity"] is None
    assert data["dsm5_rule_met"] is True
    assert data["clusters"]["E"] == 4


def test_no_loinc_code_is_claimed_for_pcl5():
    pcl5 = instrument("pcl5")
    assert pcl5.total_loinc is None
    assert all(item.loinc is None for item in pcl5.items)
