"""Who may do what: one table from role to permissions, checked per clinic on every view and service."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from openkap.accounts.models import Role

if TYPE_CHECKING:
    from openkap.accounts.models import User


class Permission(StrEnum):
    PATIENT_VIEW = "patient_view"
    PATIENT_REGISTER = "patient_register"
    PATIENT_EDIT = "patient_edit"
    AUDIT_REPORT = "audit_report"
    STAFF_MANAGE = "staff_manage"


# The clinic administrator manages people and settings but does not open charts by that role alone
# (minimum necessary); a medical director who is also a prescriber holds both roles.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.PRESCRIBER: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    ),
    Role.NURSE: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    ),
    Role.THERAPIST: frozenset({Permission.PATIENT_VIEW}),
    Role.FRONT_DESK: frozenset(
        {Permission.PATIENT_VIEW, Permission.PATIENT_REGISTER, Permission.PATIENT_EDIT}
    ),
    Role.BILLING: frozenset({Permission.PATIENT_VIEW, Permission.PATIENT_EDIT}),
    Role.CLINIC_ADMIN: frozenset({Permission.AUDIT_REPORT, Permission.STAFF_MANAGE}),
}


def roles_with(permission: Permission) -> frozenset[str]:
    return frozenset(role for role, perms in ROLE_PERMISSIONS.items() if permission in perms)


def user_can(user: User, permission: Permission, clinic_id: int) -> bool:
    if not user.is_active or user.kind != user.Kind.STAFF:
        return False
    return user.has_role(clinic_id, roles_with(permission))


def clinic_ids_where(user: User, permission: Permission) -> set[int]:
    allowed = roles_with(permission)
    return {clinic_id for clinic_id in user.clinic_ids() if user.roles_in(clinic_id) & allowed}
