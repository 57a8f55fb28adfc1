"""Reads of consent: the current document of each kind, and where a patient stands for each kind.

`consent_status(patient)` is what other stages call (the dosing-session gate): for every kind, whether
the patient's consent is current, outdated (a newer version was published since they signed) or
missing (never signed, or withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openkap.accounts.models import Clinic
from openkap.consent.models import ConsentDocument, ConsentKind, SignedConsent
from openkap.patients.models import Patient


class ConsentState(StrEnum):
    CURRENT = "current"
    OUTDATED = "outdated"
    MISSING = "missing"


@dataclass(frozen=True)
class KindStatus:
    kind: ConsentKind
    state: ConsentState
    # The version the patient would sign now; None when the clinic has published none of this kind.
    document: ConsentDocument | None
    # The latest signature of this kind (withdrawn or not), if any.
    signed: SignedConsent | None
    withdrawn: bool = False

    @property
    def is_current(self) -> bool:
        return self.state == ConsentState.CURRENT

    @property
    def offered(self) -> bool:
        return self.document is not None

    @property
    def label(self) -> str:
        if self.document is None:
            return "not offered by this clinic"
        if self.state == ConsentState.CURRENT:
            return "signed, current"
        if self.state == ConsentState.OUTDATED:
            return "re-consent needed"
        return "withdrawn" if self.withdrawn else "not signed"


def consent_current_documents(clinic: Clinic) -> dict[str, ConsentDocument]:
    """The newest published version of each kind the clinic has published."""
    latest: dict[str, ConsentDocument] = {}
    for document in ConsentDocument.objects.filter(clinic=clinic).order_by("kind", "version"):
        latest[document.kind] = document
    return latest


def consent_status(patient: Patient) -> dict[str, KindStatus]:
    """Per consent kind: current / outdated / missing, with the document and the last signature."""
    documents = consent_current_documents(patient.clinic)
    signatures: dict[str, SignedConsent] = {}
    for signed in (
        SignedConsent.objects.filter(patient=patient)
        .select_related("withdrawal")
        .order_by("kind", "signed_at", "pk")
    ):
        signatures[signed.kind] = signed
    status: dict[str, KindStatus] = {}
    for kind in ConsentKind:
        document = documents.get(kind.value)
        last = signatures.get(kind.value)
        withdrawn = last is not None and hasattr(last, "withdrawal")
        if last is None or withdrawn or document is None:
            state = ConsentState.MISSING
        elif last.version < document.version:
            state = ConsentState.OUTDATED
        else:
            state = ConsentState.CURRENT
        status[kind.value] = KindStatus(kind, state, document, last, withdrawn)
    return status


def consent_history(patient: Patient) -> list[SignedConsent]:
    return list(
        SignedConsent.objects.filter(patient=patient)
        .select_related("withdrawal", "witness")
        .order_by("-signed_at", "-pk")
    )
