"""Every change to the quality self-audit's data: check permission, change, audit, in one transaction.

The clinic administrator (Permission.QUALITY_MANAGE) records staff licences and certificates, the
emergency drills held and the clinic's REMS certification. Edits name the version they were based on
and are refused when someone saved in between; nothing is deleted: a licence entered in error or
superseded is retired, and stays in the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openkap.accounts.models import Clinic, Membership, User
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.quality.models import (
    CredentialKind,
    DrillScenario,
    EmergencyDrill,
    RemsCertification,
    StaffCredential,
)

CREDENTIAL_FIELDS = ("holder", "kind", "title", "number", "issuer", "issued_on", "expires_on")
DRILL_FIELDS = (
    "held_on",
    "scenario",
    "other_participants",
    "findings",
    "follow_up",
    "follow_up_done",
)
REMS_FIELDS = ("certified", "number", "certified_on", "authorized_representative", "dispenses")


class EditConflict(Exception):
    """Someone else saved the record after this form was opened: nothing was saved."""

    def __init__(self, what: str = "record") -> None:
        super().__init__(
            f"Someone else changed this {what} while you were editing it. Nothing was saved: the "
            "form now shows what is recorded; make your change again."
        )


def _audit(
    actor: User, clinic: Clinic, action: Action, object_type: str, object_id: int, detail: Any
) -> None:
    audit_record(
        action=action,
        category=Category.QUALITY,
        actor=actor,
        clinic=clinic,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _clinic_staff(clinic: Clinic, users: Iterable[User], field: str) -> list[User]:
    """The users, each an active staff member of the clinic (ValidationError on `field` if not)."""
    users = list(users)
    members = set(
        Membership.objects.filter(
            clinic=clinic, user__in=users, user__is_active=True, user__kind=User.Kind.STAFF
        ).values_list("user_id", flat=True)
    )
    if any(user.pk not in members for user in users):
        raise ValidationError({field: "Choose an active staff member of this clinic."})
    return users


def _check_credential(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if fields["kind"] not in CredentialKind.values:
        errors["kind"] = "Choose the kind of licence or certificate."
    for name, label in (("number", "the number"), ("issuer", "the issuing state or body")):
        fields[name] = str(fields[name] or "").strip()
        if not fields[name]:
            errors[name] = f"Give {label}."
    fields["title"] = str(fields.get("title") or "").strip()
    expires_on, issued_on = fields["expires_on"], fields.get("issued_on")
    if not isinstance(expires_on, date):
        errors["expires_on"] = "Give the expiry date."
    elif isinstance(issued_on, date) and issued_on > expires_on:
        errors["issued_on"] = "The issue date is after the expiry date."
    if isinstance(issued_on, date) and issued_on > timezone.localdate():
        errors["issued_on"] = "The issue date is in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def credential_add(
    *,
    actor: User,
    clinic: Clinic,
    holder: User,
    kind: str,
    number: str,
    issuer: str,
    expires_on: date,
    issued_on: date | None = None,
    title: str = "",
) -> StaffCredential:
    """Record a licence or certificate of a staff member of the clinic."""
    require_permission(actor, Permission.QUALITY_MANAGE, clinic.pk)
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "number": number,
        "issuer": issuer,
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    _check_credential(fields)
    _clinic_staff(clinic, [holder], "holder")
    credential = StaffCredential(
        clinic=clinic,
        holder=holder,
        recorded_at=timezone.now(),
        recorded_by=actor,
        **fields,
    )
    credential.full_clean()
    credential.save(force_insert=True)
    _audit(
        actor,
        clinic,
        Action.CREATE,
        "staff_credential",
        credential.pk,
        {"holder": holder.pk, "kind": kind, "expires_on": expires_on.isoformat()},
    )
    return credential


def _locked_current(model: Any, pk: int, expected_version: int, what: str) -> Any:
    row = model.objects.select_for_update().get(pk=pk)
    if row.version != expected_version:
        raise EditConflict(what)
    if row.retired_at is not None:
        raise ValidationError(f"This {what} was retired and cannot be changed.")
    return row


@transaction.atomic
def credential_update(
    *, actor: User, credential: StaffCredential, expected_version: int, **changes: Any
) -> StaffCredential:
    """Change a licence (e.g. renewed: a new expiry date), refused if someone saved in between."""
    require_permission(actor, Permission.QUALITY_MANAGE, credential.clinic_id)
    unknown = set(changes) - set(CREDENTIAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    current: StaffCredential = _locked_current(
        StaffCredential, credential.pk, expected_version, "licence"
    )
    fields: dict[str, Any] = {name: getattr(current, name) for name in CREDENTIAL_FIELDS}
    fields.update(changes)
    holder = fields.pop("holder")
    _check_credential(fields)
    _clinic_staff(current.clinic, [holder], "holder")
    changed = sorted(
        name
        for name in CREDENTIAL_FIELDS
        if (holder if name == "holder" else fields[name]) != getattr(current, name)
    )
    if not changed:
        return current
    for name, value in fields.items():
        setattr(current, name, value)
    current.holder = holder
    current.version = F("version") + 1
    current.full_clean(exclude=["version"])
    current.save()
    current.refresh_from_db()
    _audit(
        actor, current.clinic, Action.UPDATE, "staff_credential", current.pk, {"fields": changed}
    )
    return current


@transaction.atomic
def credential_retire(
    *, actor: User, credential: StaffCredential, expected_version: int, reason: str
) -> StaffCredential:
    """Stop counting a licence (superseded, entered in error, the person left); it stays recorded."""
    require_permission(actor, Permission.QUALITY_MANAGE, credential.clinic_id)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this licence no longer counts."})
    current: StaffCredential = _locked_current(
        StaffCredential, credential.pk, expected_version, "licence"
    )
    StaffCredential.objects.filter(pk=current.pk).update(
        retired_at=timezone.now(), version=F("version") + 1
    )
    current.refresh_from_db()
    _audit(
        actor,
        current.clinic,
        Action.UPDATE,
        "staff_credential",
        current.pk,
        {"retired": True, "reason": reason.strip()},
    )
    return current


def _check_drill(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    held_on = fields["held_on"]
    if not isinstance(held_on, date):
        errors["held_on"] = "Give the date of the drill."
    elif held_on > timezone.localdate():
        errors["held_on"] = "A drill is logged after it was held: the date is in the future."
    if fields["scenario"] not in DrillScenario.values:
        errors["scenario"] = "Choose the scenario."
    for name in ("findings", "follow_up", "other_participants"):
        fields[name] = str(fields.get(name) or "").strip()
    if not fields["findings"]:
        errors["findings"] = "Write what the drill found (even 'went as planned')."
    if fields.get("follow_up_done") and not fields["follow_up"]:
        errors["follow_up"] = "Write the follow-up that was done."
    fields["follow_up_done"] = bool(fields.get("follow_up_done"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def drill_record(
    *,
    actor: User,
    clinic: Clinic,
    held_on: date,
    scenario: str,
    findings: str,
    participants: Iterable[User] = (),
    other_participants: str = "",
    follow_up: str = "",
    follow_up_done: bool = False,
) -> EmergencyDrill:
    """Log an emergency drill the clinic held."""
    require_permission(actor, Permission.QUALITY_MANAGE, clinic.pk)
    fields: dict[str, Any] = {
        "held_on": held_on,
        "scenario": scenario,
        "findings": findings,
        "other_participants": other_participants,
        "follow_up": follow_up,
        "follow_up_done": follow_up_done,
    }
    _check_drill(fields)
    people = _clinic_staff(clinic, participants, "participants")
    if not people and not fields["other_participants"]:
        raise ValidationError({"participants": "Name at least one person who took part."})
    drill = EmergencyDrill(clinic=clinic, recorded_at=timezone.now(), recorded_by=actor, **fields)
    drill.full_clean()
    drill.save(force_insert=True)
    drill.participants.set(people)
    _audit(
        actor,
        clinic,
        Action.CREATE,
        "emergency_drill",
        drill.pk,
        {"held_on": held_on.isoformat(), "scenario": scenario, "participants": len(people)},
    )
    return drill


@transaction.atomic
def drill_update(
    *,
    actor: User,
    drill: EmergencyDrill,
    expected_version: int,
    participants: Iterable[User] | None = None,
    **changes: Any,
) -> EmergencyDrill:
    """Correct a logged drill or record its follow-up, refused if someone saved in between."""
    require_permission(actor, Permission.QUALITY_MANAGE, drill.clinic_id)
    unknown = set(changes) - set(DRILL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    current: EmergencyDrill = _locked_current(EmergencyDrill, drill.pk, expected_version, "drill")
    fields: dict[str, Any] = {name: getattr(current, name) for name in DRILL_FIELDS}
    fields.update(changes)
    _check_drill(fields)
    before_people = set(current.participants.values_list("pk", flat=True))
    people = (
        _clinic_staff(current.clinic, participants, "participants")
        if participants is not None
        else list(current.participants.all())
    )
    if not people and not fields["other_participants"]:
        raise ValidationError({"participants": "Name at least one person who took part."})
    changed = sorted(name for name in DRILL_FIELDS if fields[name] != getattr(current, name))
    if {user.pk for user in people} != before_people:
        changed.append("participants")
    if not changed:
        return current
    for name, value in fields.items():
        setattr(current, name, value)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    current.participants.set(people)
    _audit(actor, current.clinic, Action.UPDATE, "emergency_drill", current.pk, {"fields": changed})
    return current


@transaction.atomic
def rems_certification_set(
    *,
    actor: User,
    clinic: Clinic,
    expected_version: int,
    certified: bool,
    number: str = "",
    certified_on: date | None = None,
    authorized_representative: str = "",
    dispenses: bool = False,
) -> RemsCertification:
    """Record the clinic's REMS healthcare-setting certification. `expected_version` is the version
    the form was drawn from (0 when nothing was recorded yet)."""
    require_permission(actor, Permission.QUALITY_MANAGE, clinic.pk)
    Clinic.objects.select_for_update().get(pk=clinic.pk)
    row = RemsCertification.objects.filter(clinic=clinic).first()
    if (row.version if row else 0) != expected_version:
        raise EditConflict("certification")
    number, representative = number.strip(), authorized_representative.strip()
    errors: dict[str, str] = {}
    if certified and not number:
        errors["number"] = "Give the certification number."
    if certified and certified_on is None:
        errors["certified_on"] = "Give the date of certification."
    if certified_on is not None and certified_on > timezone.localdate():
        errors["certified_on"] = "The date of certification is in the future."
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "certified": certified,
        "number": number,
        "certified_on": certified_on,
        "authorized_representative": representative,
        "dispenses": dispenses,
    }
    now = timezone.now()
    if row is None:
        row = RemsCertification.objects.create(
            clinic=clinic, updated_at=now, updated_by=actor, **values
        )
        changed = sorted(REMS_FIELDS)
        action = Action.CREATE
    else:
        changed = sorted(name for name in REMS_FIELDS if values[name] != getattr(row, name))
        RemsCertification.objects.filter(pk=row.pk).update(
            updated_at=now, updated_by=actor, version=F("version") + 1, **values
        )
        row.refresh_from_db()
        action = Action.UPDATE
    _audit(actor, clinic, action, "rems_certification", row.pk, {"fields": changed})
    return row
