"""Signing in and out, and staff accounts: each change writes its audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.models import Clinic, Membership, Organisation, Role, User
from openkap.accounts.permissions import Permission, user_can
from openkap.accounts.sessions import session_start
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record


def _idle_minutes_for(user: User) -> int:
    # The strictest idle time-out among the user's clinics applies to their session.
    minutes = [m.clinic.idle_timeout_minutes for m in user.memberships.select_related("clinic")]
    return min(minutes, default=settings.OPENKAP_IDLE_TIMEOUT_MINUTES)


def user_reauthenticate(*, request: HttpRequest, user: User, password: str) -> bool:
    """Check the signed-in user's password again before a grave act (signing, break-glass).

    Through the authentication backends, so failed attempts count towards the lockout."""
    if not password:
        return False
    return authenticate(request, username=user.get_username(), password=password) == user


@transaction.atomic
def user_sign_in(*, request: HttpRequest, user: User, device: TOTPDevice) -> None:
    """Complete a sign-in after both factors were checked."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    session_start(request.session, idle_minutes=_idle_minutes_for(user))
    audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=user)


@transaction.atomic
def mfa_device_confirm(*, user: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action=Action.MFA_ENROLLED, category=Category.ACCOUNT, actor=user)


@transaction.atomic
def clinic_create(
    *,
    organisation_name: str,
    name: str,
    mrn_prefix: str,
    timezone_name: str = "America/New_York",
    idle_timeout_minutes: int = 15,
) -> Clinic:
    """Create a clinic, and its organisation the first time the organisation is named."""
    organisation, _ = Organisation.objects.get_or_create(name=organisation_name)
    clinic = Clinic(
        organisation=organisation,
        name=name,
        mrn_prefix=mrn_prefix.upper(),
        timezone=timezone_name,
        idle_timeout_minutes=idle_timeout_minutes,
    )
    clinic.full_clean()
    clinic.save()
    audit_record(
        action=Action.CREATE,
        category=Category.CLINIC_SETTINGS,
        actor=None,
        clinic=clinic,
        object_type="clinic",
        object_id=clinic.pk,
        username="command line",
        detail={"idle_timeout_minutes": idle_timeout_minutes},
    )
    return clinic


@transaction.atomic
def staff_create(
    *,
    actor: User | None,
    clinic: Clinic,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str = "",
    credentials: str = "",
    roles: Iterable[str],
    is_demo_account: bool = False,
) -> User:
    """Create a staff account with roles in one clinic. `actor` None is the command line."""
    if actor is not None and not user_can(actor, Permission.STAFF_MANAGE, clinic.pk):
        raise PermissionDenied
    role_list = sorted(set(roles))
    if not role_list or any(role not in Role.values for role in role_list):
        raise ValidationError({"roles": "Choose at least one known role."})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        credentials=credentials,
        kind=User.Kind.STAFF,
        is_demo_account=is_demo_account,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.bulk_create(Membership(user=user, clinic=clinic, role=r) for r in role_list)
    audit_record(
        action=Action.CREATE,
        category=Category.STAFF,
        actor=actor,
        clinic=clinic,
        object_type="user",
        object_id=user.pk,
        detail={"roles": role_list},
        username="" if actor else "command line",
    )
    return user


@transaction.atomic
def staff_deactivate(*, actor: User, user: User, clinic: Clinic) -> None:
    """Deactivate an account and end every session it has open now (ASVS 7.4.2)."""
    if (
        not user_can(actor, Permission.STAFF_MANAGE, clinic.pk)
        or clinic.pk not in user.clinic_ids()
    ):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    audit_record(
        action=Action.UPDATE,
        category=Category.STAFF,
        actor=actor,
        clinic=clinic,
        object_type="user",
        object_id=user.pk,
        detail={"is_active": False},
    )


@transaction.atomic
def staff_roles_set(*, actor: User, user: User, clinic: Clinic, roles: Iterable[str]) -> None:
    """Replace the user's roles in this clinic. An administrator cannot remove their own admin role."""
    if not user_can(actor, Permission.STAFF_MANAGE, clinic.pk):
        raise PermissionDenied
    wanted = set(roles)
    if not wanted or any(role not in Role.values for role in wanted):
        raise ValidationError({"roles": "Choose at least one known role."})
    if user.pk == actor.pk and Role.CLINIC_ADMIN not in wanted:
        raise ValidationError({"roles": "You cannot remove your own administrator role."})
    current = user.roles_in(clinic.pk)
    Membership.objects.filter(user=user, clinic=clinic, role__in=current - wanted).delete()
    Membership.objects.bulk_create(
        Membership(user=user, clinic=clinic, role=role) for role in sorted(wanted - current)
    )
    user.forget_memberships()
    audit_record(
        action=Action.UPDATE,
        category=Category.STAFF,
        actor=actor,
        clinic=clinic,
        object_type="user",
        object_id=user.pk,
        detail={"roles_added": sorted(wanted - current), "roles_removed": sorted(current - wanted)},
    )


CLINIC_SETTINGS_FIELDS = (
    "name",
    "timezone",
    "idle_timeout_minutes",
    "address_line",
    "city",
    "state",
    "postal_code",
    "phone",
)


class ClinicSettingsConflict(Exception):
    """Another administrator saved the settings after this edit began."""


@transaction.atomic
def clinic_settings_update(
    *, actor: User, clinic: Clinic, expected_version: int, data: dict[str, object]
) -> Clinic:
    if not user_can(actor, Permission.STAFF_MANAGE, clinic.pk):
        raise PermissionDenied
    fields = {name: data[name] for name in CLINIC_SETTINGS_FIELDS if name in data}
    candidate = Clinic.objects.get(pk=clinic.pk)
    changed = sorted(name for name, value in fields.items() if getattr(candidate, name) != value)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    saved = Clinic.objects.filter(pk=clinic.pk, version=expected_version).update(
        **fields, version=F("version") + 1
    )
    if saved == 0:
        raise ClinicSettingsConflict
    audit_record(
        action=Action.UPDATE,
        category=Category.CLINIC_SETTINGS,
        actor=actor,
        clinic=clinic,
        object_type="clinic",
        object_id=clinic.pk,
        detail={"fields": changed},
    )
    return Clinic.objects.get(pk=clinic.pk)
