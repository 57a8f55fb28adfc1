"""Which licence each clinical role must hold, and which recorded credential meets it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from openkap.clinical import quality as q
from openkap.clinical.tests.quality_facts import TODAY, far, good_facts, good_staff, item


def checks_of(*staff: q.StaffMember) -> tuple[q.RequirementCheck, ...]:
    return q.requirement_checks(staff, q.checklist(), today=TODAY)


def test_a_clinic_whose_clinicians_hold_everything_meets_the_item() -> None:
    assert item(q.audit(good_facts()), "licences_current").status == q.Status.MET


def test_a_nurse_with_bls_meets_the_acls_or_bls_requirement() -> None:
    nurse = q.StaffMember(
        1,
        "N",
        frozenset({"nurse"}),
        (q.Credential("nursing_licence", far()), q.Credential("bls", far())),
    )
    assert {check.status for check in checks_of(nurse)} == {q.Status.MET}


def test_a_renewed_licence_counts_over_the_expired_one() -> None:
    therapist = q.StaffMember(
        1,
        "T",
        frozenset({"therapist"}),
        (
            q.Credential("mental_health_licence", TODAY - timedelta(days=10)),
            q.Credential("mental_health_licence", far()),
        ),
    )
    (check,) = checks_of(therapist)
    assert check.status == q.Status.MET
    assert check.credential is not None and check.credential.expires_on == far()


def test_a_licence_of_the_wrong_kind_does_not_count() -> None:
    therapist = q.StaffMember(
        1, "T", frozenset({"therapist"}), (q.Credential("nursing_licence", far()),)
    )
    (check,) = checks_of(therapist)
    assert check.status == q.Status.MISSING
    assert check.credential is None


def test_an_expired_licence_is_missing_and_named() -> None:
    staff = list(good_staff())
    staff[0] = dataclasses.replace(
        staff[0],
        credentials=(
            q.Credential("medical_licence", TODAY - timedelta(days=1)),
            *staff[0].credentials[1:],
        ),
    )
    result = item(q.audit(good_facts(staff=tuple(staff))), "licences_current")
    assert result.status == q.Status.MISSING
    assert any(line.startswith("Expired: Dr A") for line in result.details)


def test_a_licence_expiring_within_the_window_needs_attention() -> None:
    staff = list(good_staff())
    soon = TODAY + timedelta(days=q.checklist().licence_warning_days - 1)
    staff[2] = dataclasses.replace(
        staff[2], credentials=(q.Credential("mental_health_licence", soon),)
    )
    result = item(q.audit(good_facts(staff=tuple(staff))), "licences_current")
    assert result.status == q.Status.ATTENTION
    assert any("Therapist C" in line and "Expires in" in line for line in result.details)


def test_front_desk_and_billing_need_no_licence() -> None:
    assert checks_of(q.StaffMember(9, "Desk", frozenset({"front_desk", "billing"}), ())) == ()


def test_someone_with_two_roles_must_meet_both() -> None:
    both = q.StaffMember(
        1, "Both", frozenset({"prescriber", "therapist"}), (q.Credential("medical_licence", far()),)
    )
    roles = {check.role for check in checks_of(both)}
    assert roles == {"prescriber", "therapist"}


def test_without_a_licensed_therapist_the_mental_health_item_is_missing() -> None:
    staff = tuple(m for m in good_staff() if "therapist" not in m.roles)
    result = item(q.audit(good_facts(staff=staff)), "mental_health_provider")
    assert result.status == q.Status.MISSING
    assert result.fix == "licences"


def test_without_clinical_staff_the_licence_item_is_missing() -> None:
    result = item(q.audit(good_facts(staff=())), "licences_current")
    assert result.status == q.Status.MISSING
