"""Portal writes: invitations, patients' own accounts, signing in, and pre-screen leads."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.accounts.sessions import session_start
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.patients.models import Patient
from openkap.portal.models import Lead, LeadStatus, PortalAccount, PortalInvitation

logger = logging.getLogger(__name__)

# How long an invitation link works. Long enough to reach someone by e-mail over a weekend.
INVITATION_LIFETIME = timedelta(hours=72)


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: PortalInvitation
    token: str  # shown once to the staff member and e-mailed; never stored


@transaction.atomic
def portal_invitation_create(*, actor: User, patient: Patient) -> NewInvitation:
    """A fresh one-time link for the patient; any earlier unused link stops working."""
    if not user_can(actor, Permission.PATIENT_EDIT, patient.clinic_id):
        raise PermissionDenied
    now = timezone.now()
    PortalInvitation.objects.filter(patient=patient, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = PortalInvitation.objects.create(
        patient=patient,
        token_sha256=token_sha256(token),
        created_by=actor,
        expires_at=now + INVITATION_LIFETIME,
    )
    audit_record(
        action=Action.CREATE,
        category=Category.PORTAL_ACCOUNT,
        actor=actor,
        patient=patient,
        object_type="portal_invitation",
        object_id=invitation.pk,
    )
    return NewInvitation(invitation, token)


def portal_invitation_email(*, patient: Patient, link: str, expires_text: str) -> bool:
    """E-mail the link to the patient's address on file. No health information in the message."""
    if not patient.email:
        return False
    try:
        _send_invitation(patient=patient, link=link, expires_text=expires_text)
    except (OSError, SMTPException):
        # The link is still shown to the staff member; the log carries no address or name.
        logger.warning("portal invitation e-mail could not be sent", exc_info=True)
        return False
    return True


def _send_invitation(*, patient: Patient, link: str, expires_text: str) -> None:
    send_mail(
        subject=f"Your patient portal invitation from {patient.clinic.name}",
        message=(
            f"{patient.clinic.name} has invited you to its patient portal.\n\n"
            f"Open this link to choose your password (it works once, until {expires_text}):\n"
            f"{link}\n\n"
            "If you did not expect this message, you can ignore it."
        ),
        from_email=None,
        recipient_list=[patient.email],
    )


def portal_invitation_find(token: str) -> PortalInvitation | None:
    """The invitation behind a token, if it can still be used (not used, replaced or expired)."""
    if not token or len(token) > 200:
        return None
    return (
        PortalInvitation.objects.select_related("patient", "patient__clinic")
        .filter(
            token_sha256=token_sha256(token),
            used_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def portal_invitation_by_id(invitation_id: int) -> PortalInvitation | None:
    return (
        PortalInvitation.objects.select_related("patient", "patient__clinic")
        .filter(pk=invitation_id, used_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )


def _username_taken(username: str, account: PortalAccount | None) -> bool:
    others = User.objects.filter(username__iexact=username)
    if account is not None:
        others = others.exclude(pk=account.user_id)
    return others.exists()


@transaction.atomic
def portal_account_activate(*, invitation_id: int, username: str, password: str) -> PortalAccount:
    """Use an invitation: create the patient's account, or set a new password on the existing one."""
    invitation = (
        PortalInvitation.objects.select_for_update()
        .select_related("patient")
        .filter(pk=invitation_id, used_at=None, revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None:
        raise ValidationError("This invitation link has been used, replaced or has expired.")
    patient = invitation.patient
    account = PortalAccount.objects.select_related("user").filter(patient=patient).first()
    username = username.strip()
    if account is not None:
        username = account.user.username
    elif _username_taken(username, account):
        raise ValidationError({"username": "That username is taken. Choose another."})
    user = (
        account.user
        if account is not None
        else User(
            username=username,
            kind=User.Kind.PATIENT,
            first_name=patient.preferred_name or patient.legal_given_name,
            last_name=patient.legal_family_name,
            email=patient.email,
        )
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    if account is None:
        user.full_clean()
        user.save()
        account = PortalAccount.objects.create(user=user, patient=patient)
    else:
        user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit_record(
        action=Action.UPDATE,
        category=Category.PORTAL_ACCOUNT,
        actor=user,
        patient=patient,
        object_type="portal_invitation",
        object_id=invitation.pk,
        detail={"account": "password set"},
    )
    return account


@transaction.atomic
def portal_sign_in(*, request: HttpRequest, user: User) -> None:
    """Sign a patient in (password checked by the caller): the same idle and absolute limits as staff."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    session_start(request.session, idle_minutes=settings.OPENKAP_IDLE_TIMEOUT_MINUTES)
    audit_record(
        action=Action.LOGIN, category=Category.ACCOUNT, actor=user, detail={"via": "portal"}
    )


@transaction.atomic
def lead_create(
    *,
    clinic: Clinic,
    contact: dict[str, Any],
    answers: dict[str, Any],
    engine_input: dict[str, Any],
    decision: str,
    findings: list[dict[str, Any]],
    rule_pack: str,
    urgent: bool,
) -> Lead:
    """Save a public pre-screen as a lead for the chosen clinic. Nobody is signed in."""
    lead = Lead(
        clinic=clinic,
        name=contact["name"],
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        consent_to_contact=bool(contact["consent_to_contact"]),
        answers=answers,
        engine_input=engine_input,
        decision=decision,
        findings=findings,
        rule_pack=rule_pack,
        urgent=urgent,
    )
    lead.full_clean()
    lead.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.LEADS,
        actor=None,
        clinic=clinic,
        object_type="lead",
        object_id=lead.pk,
        username="public pre-screen",
        detail={"decision": decision, "urgent": urgent},
    )
    return lead


class LeadStatusConflict(Exception):
    """Someone changed the lead's status after this page was opened."""

    def __init__(self, current: str) -> None:
        super().__init__("The lead's status was changed by someone else.")
        self.current = current


@transaction.atomic
def lead_status_set(*, actor: User, lead: Lead, expected: str, status: str) -> Lead:
    if not user_can(actor, Permission.LEAD_MANAGE, lead.clinic_id):
        raise PermissionDenied
    if status not in LeadStatus.values:
        raise ValidationError({"status": "Choose a status."})
    saved = Lead.objects.filter(pk=lead.pk, status=expected).update(
        status=status, status_changed_at=timezone.now(), status_changed_by=actor
    )
    if saved == 0:
        raise LeadStatusConflict(Lead.objects.get(pk=lead.pk).status)
    audit_record(
        action=Action.UPDATE,
        category=Category.LEADS,
        actor=actor,
        clinic=lead.clinic,
        object_type="lead",
        object_id=lead.pk,
        detail={"status": [expected, status]},
    )
    return Lead.objects.get(pk=lead.pk)
