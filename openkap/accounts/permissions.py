"""Who may do what: one table from role to permissions, checked per clinic on every view and service."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from openkap.accounts.models import Role

if TYPE_CHECKING:
    from openkap.accounts.models import User


class Permission(StrEnum):
    PATIENT_VIEW = "patient_view"
    PATIENT_REGISTER = "patient_register"
    PATIENT_EDIT = "patient_edit"
    AUDIT_REPORT = "audit_report"
    STAFF_MANAGE = "staff_manage"
    # Pre-screen leads from the public portal: see them and move them along (new → contacted → …).
    LEAD_MANAGE = "lead_manage"
    # Publish a new version of a clinic's consent documents.
    CONSENT_PUBLISH = "consent_publish"
    # Intake and screening: read it; enter intake data; run the eligibility engine (a draft);
    # decide, sign and add addenda (the prescriber's alone).
    SCREENING_VIEW = "screening_view"
    INTAKE_EDIT = "intake_edit"
    SCREENING_EVALUATE = "screening_evaluate"
    SCREENING_SIGN = "screening_sign"
    # Publish the clinic's local rules over the rule pack (stricter only).
    RULES_MANAGE = "rules_manage"
    # Break-glass: read a patient of another clinic of the organisation, with a reason.
    EMERGENCY_ACCESS = "emergency_access"
    # Treatment plans and the schedule: read a plan (its indication, route, protocol); write and
    # sign it (the prescriber's alone); see appointments (times and kinds, no clinical detail); move
    # and cancel them.
    PLAN_VIEW = "plan_view"
    PLAN_EDIT = "plan_edit"
    SCHEDULE_VIEW = "schedule_view"
    SCHEDULE_EDIT = "schedule_edit"
    # Controlled-substance ledger: record receipts, administrations, waste, transfers, losses and
    # counts, and witness them (nurse, prescriber); see the reports; manage products and the DEA
    # registration (the administrator).
    CS_RECORD = "cs_record"
    CS_REPORT = "cs_report"
    CS_MANAGE = "cs_manage"
    # Dosing sessions: the BEFORE gate is filled by a nurse or prescriber; a soft stop is overridden
    # by a prescriber alone (with a reason and their password).
    DOSING_GATE = "dosing_gate"
    DOSING_OVERRIDE = "dosing_override"
    # The session chart: read it and chart in it (vitals, ratings, side effects, interventions,
    # pauses, notes, discharge, signing, addenda) is the nurse's and the prescriber's; confirming the
    # dose is the prescriber's alone.
    DOSING_VIEW = "dosing_view"
    DOSING_CHART = "dosing_chart"
    DOSING_CONFIRM = "dosing_confirm"
    # The esketamine REMS Patient Monitoring Form: read the forms and the dashboard of forms due;
    # prepare, edit, sign off and record the submission. The clinicians who monitor the session
    # (prescriber, nurse). Not the administrator: the dashboard names patients and their sessions,
    # which the administrator's role does not need (minimum necessary); a REMS authorized
    # representative who must see it holds a clinical role as well.
    REMS_VIEW = "rems_view"
    REMS_EDIT = "rems_edit"
    # Measurement-based care: read the scores over time and the suicide-risk alerts; give or enter
    # a questionnaire and acknowledge an alert (the clinicians who see the patient).
    OUTCOMES_VIEW = "outcomes_view"
    OUTCOMES_RECORD = "outcomes_record"
    # Integration sessions: the chart note (themes, goals, follow-up) is written by the therapist or
    # prescriber who holds the session and read by the care team. Psychotherapy notes are their
    # author's alone (shared explicitly), never by role: PSYCHOTHERAPY_NOTE_WRITE only lets a
    # clinician who does psychotherapy write their own.
    INTEGRATION_VIEW = "integration_view"
    INTEGRATION_WRITE = "integration_write"
    PSYCHOTHERAPY_NOTE_WRITE = "psychotherapy_note_write"
    # Safety: adverse events and long-term monitoring (bladder, liver, cognition).
    SAFETY_VIEW = "safety_view"
    SAFETY_RECORD = "safety_record"
    # The clinic's reports (aggregates) and the raw exports behind them.
    REPORTS_VIEW = "reports_view"
    REPORTS_EXPORT = "reports_export"
    # Costs: the clinic's price list, payers and what they usually cover (clinic data, not facts
    # the software asserts); a patient's cost estimate, charges, payments and superbills.
    PRICES_VIEW = "prices_view"
    PRICES_MANAGE = "prices_manage"
    BILLING_VIEW = "billing_view"
    BILLING_EDIT = "billing_edit"
    # The clinic's quality self-audit: licences, drills, registrations and the live checklist.
    QUALITY_VIEW = "quality_view"
    QUALITY_MANAGE = "quality_manage"


# The clinic administrator manages people and settings but does not open charts by that role alone
# (minimum necessary); a medical director who is also a prescriber holds both roles.
# Intake and screening, minimum necessary too: the prescriber decides and signs; the nurse enters
# intake and may run the engine (a draft for the prescriber); the therapist, who prepares and
# integrates, reads it; front desk, billing and the administrator do not see it.
# Plans: the prescriber writes and signs; nurse and therapist read the plan they deliver; the front
# desk books (sees and moves appointments) without the plan's clinical content.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.PRESCRIBER: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    )
    | {Permission.EMERGENCY_ACCESS}
    | {Permission.LEAD_MANAGE}
    | {
        Permission.SCREENING_VIEW,
        Permission.INTAKE_EDIT,
        Permission.SCREENING_EVALUATE,
        Permission.SCREENING_SIGN,
    }
    | {Permission.CS_RECORD}
    | {
        Permission.PLAN_VIEW,
        Permission.PLAN_EDIT,
        Permission.SCHEDULE_VIEW,
        Permission.SCHEDULE_EDIT,
    }
    | {Permission.DOSING_GATE, Permission.DOSING_OVERRIDE}
    | {Permission.DOSING_VIEW, Permission.DOSING_CHART, Permission.DOSING_CONFIRM}
    | {Permission.REMS_VIEW, Permission.REMS_EDIT}
    | {Permission.OUTCOMES_VIEW, Permission.OUTCOMES_RECORD}
    | {Permission.INTEGRATION_VIEW, Permission.INTEGRATION_WRITE}
    | {Permission.PSYCHOTHERAPY_NOTE_WRITE}
    | {Permission.SAFETY_VIEW, Permission.SAFETY_RECORD}
    | {Permission.REPORTS_VIEW, Permission.REPORTS_EXPORT}
    | {Permission.QUALITY_VIEW},
    Role.NURSE: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    )
    | {Permission.EMERGENCY_ACCESS}
    | {Permission.LEAD_MANAGE}
    | {Permission.SCREENING_VIEW, Permission.INTAKE_EDIT, Permission.SCREENING_EVALUATE}
    | {Permission.CS_RECORD}
    | {Permission.PLAN_VIEW, Permission.SCHEDULE_VIEW, Permission.SCHEDULE_EDIT}
    | {Permission.DOSING_GATE}
    | {Permission.DOSING_VIEW, Permission.DOSING_CHART}
    | {Permission.REMS_VIEW, Permission.REMS_EDIT}
    | {Permission.OUTCOMES_VIEW, Permission.OUTCOMES_RECORD}
    | {Permission.INTEGRATION_VIEW}
    | {Permission.SAFETY_VIEW, Permission.SAFETY_RECORD},
    Role.THERAPIST: frozenset({Permission.PATIENT_VIEW})
    | {Permission.SCREENING_VIEW}
    | {Permission.PLAN_VIEW, Permission.SCHEDULE_VIEW, Permission.SCHEDULE_EDIT}
    | {Permission.DOSING_VIEW}
    | {Permission.OUTCOMES_VIEW, Permission.OUTCOMES_RECORD}
    | {Permission.INTEGRATION_VIEW, Permission.INTEGRATION_WRITE}
    | {Permission.PSYCHOTHERAPY_NOTE_WRITE}
    | {Permission.SAFETY_VIEW},
    Role.FRONT_DESK: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    )
    | {Permission.LEAD_MANAGE}
    | {Permission.SCHEDULE_VIEW, Permission.SCHEDULE_EDIT}
    | {Permission.PRICES_VIEW, Permission.BILLING_VIEW, Permission.BILLING_EDIT},
    Role.BILLING: frozenset({Permission.PATIENT_VIEW, Permission.PATIENT_EDIT})
    | {Permission.PRICES_VIEW, Permission.PRICES_MANAGE}
    | {Permission.BILLING_VIEW, Permission.BILLING_EDIT},
    Role.CLINIC_ADMIN: frozenset({Permission.AUDIT_REPORT, Permission.STAFF_MANAGE})
    | {Permission.CONSENT_PUBLISH, Permission.RULES_MANAGE}
    | {Permission.CS_REPORT, Permission.CS_MANAGE}
    | {Permission.REPORTS_VIEW, Permission.REPORTS_EXPORT}
    | {Permission.PRICES_VIEW, Permission.PRICES_MANAGE}
    | {Permission.QUALITY_VIEW, Permission.QUALITY_MANAGE},
}


def roles_with(permission: Permission) -> frozenset[str]:
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if permission in perms)


def user_can(user: User, permission: Permission, clinic_id: int) -> bool:
    if not user.is_active or user.kind != user.Kind.STAFF:
        return False
    return user.has_role(clinic_id, roles_with(permission))


def require_permission(user: User, permission: Permission, clinic_id: int) -> None:
    """The check every service makes before it changes anything: refuse unless permitted here."""
    if not user_can(user, permission, clinic_id):
        raise PermissionDenied


def clinic_ids_where(user: User, permission: Permission) -> set[int]:
    allowed = roles_with(permission)
    return {clinic_id for clinic_id in user.clinic_ids() if user.roles_in(clinic_id) & allowed}


# What an emergency (break-glass) grant lets its holder do: read, never change.
EMERGENCY_READABLE: frozenset[Permission] = frozenset(
    {Permission.PATIENT_VIEW, Permission.SCREENING_VIEW}
)
