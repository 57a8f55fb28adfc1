"""The checklist's items and sections, decided from the facts."""

from __future__ import annotations

from datetime import timedelta

from openkap.clinical import quality as q
from openkap.clinical.tests.quality_facts import TODAY, good_facts, item


def test_a_clinic_in_order_meets_every_item_it_can_be_measured_on() -> None:
    result = q.audit(good_facts())
    statuses = {entry.id: entry.status for s in result.sections for entry in s.items}
    assert set(statuses.values()) == {q.Status.MET, q.Status.NOT_APPLICABLE}
    assert statuses["rems_certification"] == q.Status.NOT_APPLICABLE
    assert result.status == q.Status.MET


def test_the_sections_are_the_seeds_checklist_in_order() -> None:
    titles = [s.section.id for s in q.audit(good_facts()).sections]
    assert titles == [
        "licensed_providers",
        "oversight_emergency",
        "screening",
        "integration_follow_up",
        "full_protocol",
        "registrations",
    ]


def test_a_section_takes_its_worst_item() -> None:
    result = q.audit(good_facts(last_drill_on=None))
    section = next(s for s in result.sections if s.section.id == "oversight_emergency")
    assert section.status == q.Status.MISSING
    assert result.status == q.Status.MISSING


def test_esketamine_without_rems_certification_is_missing_with_a_fix() -> None:
    result = item(q.audit(good_facts(offers_esketamine=True)), "rems_certification")
    assert result.status == q.Status.MISSING
    assert result.fix == "rems"


def test_esketamine_with_certification_is_met() -> None:
    facts = good_facts(
        offers_esketamine=True,
        rems_certified=True,
        rems_number="HCS-1",
        consent_kinds_published=frozenset(
            {*q.checklist().consent_required, q.checklist().consent_esketamine}
        ),
    )
    assert item(q.audit(facts), "rems_certification").status == q.Status.MET
    assert item(q.audit(facts), "consent_published").status == q.Status.MET


def test_offering_esketamine_needs_the_rems_consent_published() -> None:
    result = item(q.audit(good_facts(offers_esketamine=True)), "consent_published")
    assert result.status == q.Status.MISSING
    assert result.details == ("Not published: esketamine rems",)


def test_at_home_needs_the_at_home_consent_published() -> None:
    result = item(q.audit(good_facts(offers_at_home=True)), "consent_published")
    assert result.status == q.Status.MISSING


def test_no_prescriber_on_staff_is_missing() -> None:
    staff = tuple(m for m in good_facts().staff if "prescriber" not in m.roles)
    assert item(q.audit(good_facts(staff=staff)), "prescriber_on_staff").status == q.Status.MISSING


def test_a_drill_older_than_the_cadence_is_missing() -> None:
    old = TODAY - timedelta(days=200)
    result = item(q.audit(good_facts(last_drill_on=old)), "drill_cadence")
    assert result.status == q.Status.MISSING
    assert result.fix == "drills"


def test_a_scenario_never_drilled_needs_attention() -> None:
    drilled = {"airway": TODAY - timedelta(days=10)}
    result = item(q.audit(good_facts(scenario_last_drilled=drilled)), "drill_scenarios")
    assert result.status == q.Status.ATTENTION
    assert "hypertensive crisis: never" in result.details


def test_a_dea_registration_that_expired_is_missing() -> None:
    facts = good_facts(dea_expires_on=TODAY - timedelta(days=1))
    result = item(q.audit(facts), "dea_registration")
    assert result.status == q.Status.MISSING
    assert "expired" in result.summary


def test_no_inventory_count_is_missing() -> None:
    assert item(q.audit(good_facts(last_inventory_on=None)), "biennial_inventory").status == (
        q.Status.MISSING
    )


def test_an_inventory_older_than_24_months_is_missing() -> None:
    facts = good_facts(last_inventory_on=TODAY - timedelta(days=740))
    assert item(q.audit(facts), "biennial_inventory").status == q.Status.MISSING


def test_a_patient_dosed_without_screening_makes_screening_missing() -> None:
    facts = good_facts(screened_before_first_dose=q.Share(9, 10))
    result = item(q.audit(facts), "screened_before_first_dose")
    assert result.status == q.Status.MISSING
    assert "9 of 10 (90%)" in result.summary


def test_integration_in_the_attention_band() -> None:
    facts = good_facts(integration_followed=q.Share(8, 10))
    assert item(q.audit(facts), "integration_after_dosing").status == q.Status.ATTENTION


def test_a_missing_education_page_is_missing() -> None:
    facts = good_facts(education_pages=q.Share(9, 10))
    assert item(q.audit(facts), "education_pages").status == q.Status.MISSING


def test_every_item_carries_its_source_and_strength() -> None:
    for section in q.audit(good_facts()).sections:
        for entry in section.items:
            assert entry.sourced.source and entry.sourced.strength, entry.id
