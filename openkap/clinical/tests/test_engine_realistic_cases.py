"""Hand-written screenings, one or more per family of rule, with the decision a clinician reading the
label, the consensus statements and the seeds would expect."""

from __future__ import annotations

import pytest

from .engine_helpers import rules_of, screen


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("I71.2", "aneurysmal-vascular-disease"),  # thoracic aortic aneurysm
        ("I71.40", "aneurysmal-vascular-disease"),  # abdominal aortic aneurysm
        ("I67.1", "aneurysmal-vascular-disease"),  # cerebral aneurysm, nonruptured
        ("I72.4", "aneurysmal-vascular-disease"),  # aneurysm of artery of lower extremity
        ("Q28.2", "arteriovenous-malformation"),  # AVM of cerebral vessels
        ("I71.012", "arterial-dissection"),  # dissection of descending thoracic aorta
        ("I61.9", "intracerebral-hemorrhage"),
        ("I69.198", "intracerebral-hemorrhage"),  # sequela of intracerebral hemorrhage
        ("I21.4", "acute-coronary-syndrome"),  # NSTEMI
        ("I16.1", "hypertensive-crisis-diagnosis"),
        ("G93.6", "raised-intracranial-pressure"),
    ],
)
def test_a_hard_stop_condition_is_ineligible(code, rule):
    decision = screen(conditions=[code])
    assert decision.decision == "ineligible"
    assert rules_of(decision)[rule] == "absolute"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("I25.2", "chronic-ischemic-heart-disease"),  # old myocardial infarction
        ("I25.10", "chronic-ischemic-heart-disease"),  # coronary artery disease
        ("I50.22", "heart-failure"),
        ("I63.9", "cerebrovascular-disease"),
        ("I1A.0", "resistant-hypertension"),
        ("H40.053", "raised-intraocular-pressure"),  # ocular hypertension, bilateral
        ("H40.1112", "raised-intraocular-pressure"),  # primary open-angle glaucoma, moderate
        ("F20.9", "psychotic-disorder"),
        ("F29", "psychotic-disorder"),
        ("F12.259", "psychotic-disorder"),  # cannabis dependence with psychotic disorder
        ("F44.81", "dissociative-disorder"),
        ("F10.20", "substance-use-disorder"),  # alcohol dependence
        ("F19.21", "substance-use-disorder"),  # in remission
        ("K72.10", "severe-hepatic-impairment"),
        ("N18.6", "kidney-failure"),
        ("Z33.1", "pregnancy"),
        ("F03.90", "neurocognitive-disorder"),
    ],
)
def test_a_soft_stop_condition_needs_review(code, rule):
    decision = screen(conditions=[code])
    assert decision.decision == "needs_review"
    assert rules_of(decision)[rule] == "relative"


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("F31.81", "bipolar-disorder"),  # bipolar II
        ("F31.32", "bipolar-disorder"),
        ("I10", "hypertension"),
        ("K76.0", "liver-disease"),  # fatty liver
        ("K74.60", "liver-disease"),  # cirrhosis
        ("N18.30", "chronic-kidney-disease"),
        ("N30.10", "bladder-disease"),  # interstitial cystitis
        ("G47.33", "obstructive-sleep-apnea"),
        ("I48.91", "other-heart-disease"),  # atrial fibrillation
    ],
)
def test_a_caution_condition_stays_eligible_with_the_caution_shown(code, rule):
    decision = screen(conditions=[code])
    assert decision.decision == "eligible"
    assert rules_of(decision)[rule] == "caution"


def test_psychotic_depression_needs_review_and_points_to_ect():
    decision = screen(conditions=["F32.3"], medications=["sertraline"])
    assert decision.decision == "needs_review"
    finding = next(f for f in decision.findings if f.rule == "psychotic-depression")
    assert finding.level == "relative"
    assert any("ECT" in alternative for alternative in finding.alternatives)
    assert finding.inputs == {"conditions": ["F32.3"]}


def test_recurrent_psychotic_depression_points_to_ect_too():
    decision = screen(conditions=["F33.3"])
    finding = next(f for f in decision.findings if f.rule == "psychotic-depression")
    assert "Electroconvulsive therapy (ECT)" in finding.alternatives


def test_a_code_without_its_dot_or_in_lower_case_is_understood():
    assert screen(conditions=["i712"]).decision == "ineligible"


def test_nicotine_dependence_is_not_a_substance_use_finding():
    assert screen(conditions=["F17.210"]).decision == "eligible"


def test_ordinary_depression_is_eligible():
    decision = screen(conditions=["F33.2", "F41.1"], medications=["escitalopram", "bupropion"])
    assert decision.decision == "eligible"
    assert decision.findings == ()


@pytest.mark.parametrize(
    ("medication", "rule", "level"),
    [
        ("alprazolam", "benzodiazepines", "caution"),
        ("lorazepam", "benzodiazepines", "caution"),
        ("zolpidem", "non-benzodiazepine-hypnotics", "caution"),
        ("oxycodone", "opioids", "caution"),
        ("methylphenidate", "psychostimulants", "caution"),
        ("armodafinil", "psychostimulants", "caution"),
        ("phenelzine", "maois", "caution"),
        ("selegiline", "maois", "caution"),
        ("pseudoephedrine", "sympathomimetics", "caution"),
        ("lamotrigine", "lamotrigine", "info"),
        ("clarithromycin", "cyp-inhibitors", "info"),
        ("rifampin", "cyp-inducers", "info"),
        ("carbamazepine", "cyp-inducers", "info"),
    ],
)
def test_an_interacting_medication_gives_its_finding(medication, rule, level):
    decision = screen(medications=[medication])
    assert rules_of(decision)[rule] == level
    assert decision.decision == "eligible"
    finding = next(f for f in decision.findings if f.rule == rule)
    assert finding.inputs["medications"] == [medication]


@pytest.mark.parametrize("medication", ["theophylline", "aminophylline"])
def test_theophylline_or_aminophylline_is_ineligible(medication):
    decision = screen(medications=[medication])
    assert decision.decision == "ineligible"
    assert rules_of(decision)["theophylline-aminophylline"] == "absolute"


def test_blood_pressure_150_over_95_needs_review():
    decision = screen(blood_pressure={"systolic": 150, "diastolic": 95})
    assert decision.decision == "needs_review"
    assert rules_of(decision) == {"blood-pressure-above-140-90": "relative"}
    assert decision.findings[0].inputs == {"blood_pressure": {"systolic": 150, "diastolic": 95}}


@pytest.mark.parametrize(
    ("systolic", "diastolic", "decision"),
    [
        (140, 90, "eligible"),  # "above 140/90": 140/90 itself is not above
        (141, 80, "needs_review"),
        (130, 91, "needs_review"),
        (179, 119, "needs_review"),
        (180, 100, "ineligible"),
        (190, 100, "ineligible"),
        (170, 120, "ineligible"),
    ],
)
def test_blood_pressure_thresholds(systolic, diastolic, decision):
    result = screen(blood_pressure={"systolic": systolic, "diastolic": diastolic})
    assert result.decision == decision


def test_a_hypertensive_crisis_reading_replaces_the_above_140_90_finding():
    decision = screen(blood_pressure={"systolic": 190, "diastolic": 100})
    assert rules_of(decision) == {"hypertensive-crisis-reading": "absolute"}


def test_a_ketamine_allergy_is_ineligible():
    decision = screen(allergies=["Penicillin", "Ketamine (anaphylaxis)"])
    assert decision.decision == "ineligible"
    finding = decision.findings[0]
    assert finding.rule == "hypersensitivity-ketamine"
    assert finding.inputs == {"allergies": ["Ketamine (anaphylaxis)"]}


def test_an_esketamine_allergy_is_ineligible():
    assert screen(allergies=["esketamine"]).decision == "ineligible"


def test_an_unknown_allergy_is_fine():
    assert screen(allergies=["penicillin", "latex"]).decision == "eligible"


def test_pregnant_with_esketamine_needs_review_and_names_the_registry():
    decision = screen(pregnant=True, route="intranasal_esketamine")
    found = rules_of(decision)
    assert decision.decision == "needs_review"
    assert found["pregnancy"] == "relative"
    assert found["pregnancy-registry-esketamine"] == "info"


def test_breastfeeding_needs_review():
    decision = screen(breastfeeding=True)
    assert decision.decision == "needs_review"
    assert rules_of(decision) == {"breastfeeding": "relative"}


def test_esketamine_at_home_is_ineligible():
    decision = screen(route="intranasal_esketamine", setting="at_home")
    assert decision.decision == "ineligible"
    finding = decision.findings[0]
    assert finding.rule == "esketamine-at-home"
    assert finding.inputs == {"route": "intranasal_esketamine", "setting": "at_home"}


def test_esketamine_in_the_office_is_eligible_with_the_rems_information():
    decision = screen(route="intranasal_esketamine", setting="in_office")
    assert decision.decision == "eligible"
    assert rules_of(decision) == {"esketamine-rems": "info"}


def test_iv_at_home_is_ineligible():
    assert screen(route="iv", setting="at_home").decision == "ineligible"


def test_sublingual_at_home_is_eligible_with_the_at_home_caution():
    decision = screen(route="sublingual", setting="at_home")
    assert decision.decision == "eligible"
    assert rules_of(decision) == {"at-home-programme": "caution"}


def test_a_young_adult_on_esketamine_gets_the_boxed_warning():
    assert "esketamine-young-adults" in rules_of(
        screen(age_years=22, route="intranasal_esketamine")
    )
    assert "esketamine-young-adults" not in rules_of(screen(age_years=22, route="iv"))


def test_a_minor_needs_review():
    assert screen(age_years=16).decision == "needs_review"


def test_findings_are_sorted_most_severe_first():
    decision = screen(
        conditions=["F31.81", "I71.2", "F20.9"],
        medications=["lamotrigine", "alprazolam", "unknownium"],
    )
    levels = [f.level for f in decision.findings]
    order = ["absolute", "relative", "caution", "info"]
    assert levels == sorted(levels, key=order.index)
    assert levels[0] == "absolute"
    assert decision.decision == "ineligible"


def test_the_decision_reports_the_pack_version():
    from openkap.clinical.rulepack import load_rule_pack

    assert screen().rule_pack == load_rule_pack().version


@pytest.mark.parametrize(
    ("fields", "rule", "level", "decision"),
    [
        ({"conditions": ["I60.9"]}, "other-intracranial-hemorrhage", "absolute", "ineligible"),
        ({"conditions": ["I67.4"]}, "hypertensive-encephalopathy", "relative", "needs_review"),
        (
            {"conditions": ["G93.2"]},
            "raised-intracranial-pressure-chronic",
            "relative",
            "needs_review",
        ),
        ({"conditions": ["S06.0X0A"]}, "traumatic-brain-injury", "relative", "needs_review"),
        ({"conditions": ["Z39.1"]}, "breastfeeding", "relative", "needs_review"),
        ({"conditions": ["Z86.73"]}, "cerebrovascular-history", "caution", "eligible"),
        ({"conditions": ["E05.90"]}, "hyperthyroidism", "caution", "eligible"),
        ({"conditions": ["E80.20"]}, "porphyria", "caution", "eligible"),
        ({"heart_rate": 125}, "heart-rate-above-110", "caution", "eligible"),
        ({"age_years": 67}, "age-50-or-older", "info", "eligible"),
        ({"route": "im", "setting": "at_home"}, "im-at-home", "relative", "needs_review"),
        (
            {"route": "subcutaneous", "setting": "at_home"},
            "subcutaneous-at-home",
            "caution",
            "eligible",
        ),
        ({"medications": ["sodium oxybate"]}, "other-cns-depressants", "caution", "eligible"),
        ({"medications": ["hydromorphone"]}, "opioids", "caution", "eligible"),
        ({"medications": ["ketamine"]}, "ketamine-already-taken", "info", "eligible"),
    ],
)
def test_the_remaining_families(fields, rule, level, decision):
    result = screen(**fields)
    assert rules_of(result)[rule] == level
    assert result.decision == decision
