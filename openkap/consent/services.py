"""Every change to consent: check who may, change, write the audit row, in one transaction."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.consent.models import (
    ConsentDocument,
    ConsentKind,
    ConsentWithdrawal,
    SignedConsent,
    body_sha256,
)
from openkap.consent.selectors import consent_current_documents
from openkap.patients.models import Patient

DEFAULT_TEXTS = Path(__file__).resolve().parent / "documents.toml"


@dataclass(frozen=True)
class DefaultText:
    title: str
    body: str
    basis: str


@cache
def default_texts() -> dict[str, DefaultText]:
    """The project's first version of each kind (documents.toml), a starting point for a clinic."""
    data = tomllib.loads(DEFAULT_TEXTS.read_text(encoding="utf-8"))
    return {
        kind: DefaultText(
            title=entry["title"].strip(), body=entry["body"].strip(), basis=entry["basis"].strip()
        )
        for kind, entry in data["documents"].items()
    }


def _clean_text(text: str) -> str:
    # One newline convention, no trailing spaces: what is hashed is exactly what is shown.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


@transaction.atomic
def consent_document_publish(
    *,
    actor: User | None,
    clinic: Clinic,
    kind: str,
    title: str,
    body: str,
    basis: str,
    change_summary: str = "",
) -> ConsentDocument:
    """Publish the next version of a kind. `actor` None is the command line (demo, first load)."""
    if actor is not None and not user_can(actor, Permission.CONSENT_PUBLISH, clinic.pk):
        raise PermissionDenied
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": "Choose a kind of consent document."})
    body = _clean_text(body)
    errors = {}
    if not title.strip():
        errors["title"] = "Give the document a title."
    if not body:
        errors["body"] = "The document needs its text."
    if not basis.strip():
        errors["basis"] = "Say what the text rests on (label, guidance, clinic policy)."
    current = consent_current_documents(clinic).get(kind)
    if current is not None and current.body == body and current.title == title.strip():
        errors["body"] = "This is the text of the current version: change it before publishing."
    if current is not None and not change_summary.strip():
        errors["change_summary"] = "Say what changed, so patients can be told why they re-consent."
    if errors:
        raise ValidationError(errors)
    # Lock the clinic row: two administrators publishing at once cannot take the same number.
    Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    last = ConsentDocument.objects.filter(clinic=clinic, kind=kind).aggregate(v=Max("version"))
    document = ConsentDocument(
        clinic=clinic,
        kind=kind,
        version=(last["v"] or 0) + 1,
        title=title.strip(),
        body=body,
        body_sha256=body_sha256(body),
        basis=basis.strip(),
        change_summary=change_summary.strip(),
        published_by=actor,
    )
    document.full_clean()
    document.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.CONSENT,
        actor=actor,
        clinic=clinic,
        object_type="consent_document",
        object_id=document.pk,
        detail={"kind": kind, "version": document.version},
        username="" if actor else "command line",
    )
    return document


def _normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("\u2019", "'").replace("`", "'")
    return re.sub(r"[\s.]+", " ", text).strip()


def name_matches(patient: Patient, typed: str) -> bool:
    """The typed name is the full legal name: first and last, the middle name optional.

    Case, spacing and full stops do not matter; a different or shortened name does."""
    typed_n = _normalise_name(typed)
    with_middle = _normalise_name(patient.legal_name())
    without_middle = _normalise_name(f"{patient.legal_given_name} {patient.legal_family_name}")
    return bool(typed_n) and typed_n in {with_middle, without_middle}


def _may_sign_for(actor: User, patient: Patient, method: str) -> bool:
    if method == SignedConsent.Method.PORTAL:
        account = getattr(actor, "portal_account", None)
        return (
            actor.is_active
            and actor.kind == User.Kind.PATIENT
            and account is not None
            and account.patient_id == patient.pk
        )
    return user_can(actor, Permission.PATIENT_EDIT, patient.clinic_id)


@transaction.atomic
def consent_sign(
    *,
    actor: User,
    patient: Patient,
    document: ConsentDocument,
    typed_name: str,
    understood: bool,
    method: str,
    ip_address: str | None,
) -> SignedConsent:
    """Record a signature on `document`, keeping the exact text signed and its SHA-256.

    In the portal the actor is the patient; on a clinic tablet it is the staff member who handed it
    over, recorded as the witness.
    """
    if method not in SignedConsent.Method.values or not _may_sign_for(actor, patient, method):
        raise PermissionDenied
    if document.clinic_id != patient.clinic_id:
        raise PermissionDenied
    errors: dict[str, str] = {}
    current = consent_current_documents(patient.clinic).get(document.kind)
    if current is None or current.pk != document.pk:
        raise ValidationError(
            "A newer version of this document was published while it was open. "
            "Please read the new version; nothing was signed."
        )
    if document.body_sha256 != body_sha256(document.body):
        # The published text was altered behind the application's back: never sign it.
        raise ValidationError(
            "This document's text does not match its published fingerprint. Nothing was signed; "
            "please tell the clinic."
        )
    if not name_matches(patient, typed_name):
        errors["typed_name"] = (
            "Type your full legal name exactly as the clinic has it (first and last name)."
        )
    if not understood:
        errors["understood"] = "Tick this box to confirm you have read and understood the text."
    if errors:
        raise ValidationError(errors)
    signed = SignedConsent(
        patient=patient,
        document=document,
        kind=document.kind,
        version=document.version,
        title=document.title,
        signed_body=document.body,
        signed_body_sha256=body_sha256(document.body),
        typed_name=typed_name.strip(),
        understood=True,
        method=method,
        signed_at=timezone.now(),
        ip_address=ip_address,
        signed_in_user=actor,
        witness=actor if method == SignedConsent.Method.TABLET else None,
    )
    signed.full_clean()
    signed.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.CONSENT,
        actor=actor,
        patient=patient,
        object_type="signed_consent",
        object_id=signed.pk,
        detail={"kind": signed.kind, "version": signed.version, "method": method},
    )
    return signed


@transaction.atomic
def consent_withdraw(*, actor: User, signed: SignedConsent, reason: str = "") -> ConsentWithdrawal:
    """The patient takes back a consent. In the portal the patient; staff record one given to them."""
    patient = signed.patient
    own = _may_sign_for(actor, patient, SignedConsent.Method.PORTAL)
    if not own and not user_can(actor, Permission.PATIENT_EDIT, patient.clinic_id):
        raise PermissionDenied
    if ConsentWithdrawal.objects.filter(signed_consent=signed).exists():
        raise ValidationError("This consent was already withdrawn.")
    if not own and not reason.strip():
        raise ValidationError(
            {"reason": "Say how the patient withdrew (e.g. by phone, in person)."}
        )
    withdrawal = ConsentWithdrawal(
        signed_consent=signed,
        withdrawn_at=timezone.now(),
        reason=reason.strip(),
        recorded_by=actor,
    )
    withdrawal.full_clean()
    withdrawal.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.CONSENT,
        actor=actor,
        patient=patient,
        object_type="consent_withdrawal",
        object_id=withdrawal.pk,
        detail={"kind": signed.kind, "version": signed.version},
    )
    return withdrawal


def consent_read_audit(*, actor: User, patient: Patient, view: str, intact: bool = True) -> None:
    """A READ row for a page that shows the patient's consents (the caller holds the transaction)."""
    detail: dict[str, object] = {"view": view}
    if not intact:
        detail["text_intact"] = False
    audit_record(
        action=Action.READ,
        category=Category.CONSENT,
        actor=actor,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail=detail,
    )
