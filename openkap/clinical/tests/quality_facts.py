"""Facts for the self-audit's tests: a clinic where everything is in order, changed per test."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from openkap.clinical import quality as q

TODAY = date(2026, 6, 15)


def far(days: int = 400) -> date:
    return TODAY + timedelta(days=days)


def good_staff() -> tuple[q.StaffMember, ...]:
    return (
        q.StaffMember(
            1,
            "Dr A",
            frozenset({"prescriber"}),
            (
                q.Credential("medical_licence", far()),
                q.Credential("dea_practitioner", far()),
                q.Credential("acls", far()),
            ),
        ),
        q.StaffMember(
            2,
            "Nurse B",
            frozenset({"nurse"}),
            (q.Credential("nursing_licence", far()), q.Credential("bls", far())),
        ),
        q.StaffMember(
            3,
            "Therapist C",
            frozenset({"therapist"}),
            (q.Credential("mental_health_licence", far()),),
        ),
        q.StaffMember(4, "Desk D", frozenset({"front_desk"}), ()),
    )


def good_facts(**changes: Any) -> q.Facts:
    facts = q.Facts(
        today=TODAY,
        staff=good_staff(),
        last_drill_on=TODAY - timedelta(days=30),
        scenario_last_drilled={
            s: TODAY - timedelta(days=60) for s in q.checklist().drill_scenarios
        },
        rule_pack_version="2026.11.1",
        protocols=(("IM KAP", "2026.11.2"),),
        screened_before_first_dose=q.Share(10, 10),
        integration_followed=q.Share(10, 10),
        questionnaires_completed=q.Share(10, 10),
        consent_kinds_published=frozenset(q.checklist().consent_required),
        treatment_consent_signed=q.Share(10, 10),
        education_pages=q.Share(10, 10),
        offers_esketamine=False,
        offers_at_home=False,
        rems_certified=False,
        rems_number="",
        dea_number="FA1234563",
        dea_expires_on=far(),
        last_inventory_on=TODAY - timedelta(days=100),
    )
    return dataclasses.replace(facts, **changes)


def item(audit: q.Audit, item_id: str) -> q.Item:
    for section in audit.sections:
        for entry in section.items:
            if entry.id == item_id:
                return entry
    raise AssertionError(f"no item {item_id}")
