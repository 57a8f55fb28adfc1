"""Every change to a patient: check permission, change, write the audit row, in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.patients.models import Patient, SupportPerson

EDITABLE_FIELDS = (
    "legal_given_name",
    "legal_middle_name",
    "legal_family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "insurance_payer",
    "insurance_member_id",
    "insurance_group_number",
)


class PatientEditConflict(Exception):
    """Someone else saved the patient after this edit began; carries what they saved."""

    def __init__(self, current: Patient) -> None:
        super().__init__("The patient was changed by someone else while you were editing.")
        self.current = current


def _require(actor: User, permission: Permission, clinic_id: int) -> None:
    if not user_can(actor, permission, clinic_id):
        raise PermissionDenied


def _next_mrn(clinic: Clinic) -> str:
    # Lock the clinic row so two registrations at once cannot take the same number.
    Clinic.objects.select_for_update().get(pk=clinic.pk)
    prefix = f"{clinic.mrn_prefix}-"
    numbers = [
        int(mrn.removeprefix(prefix))
        for mrn in Patient.objects.filter(mrn__startswith=prefix).values_list("mrn", flat=True)
        if mrn.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


@transaction.atomic
def patient_register(*, actor: User, clinic: Clinic, data: dict[str, Any]) -> Patient:
    _require(actor, Permission.PATIENT_REGISTER, clinic.pk)
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    patient = Patient(clinic=clinic, mrn=_next_mrn(clinic), created_by=actor, **fields)
    patient.full_clean()
    patient.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.DEMOGRAPHICS,
        actor=actor,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"fields": sorted(fields)},
    )
    return patient


@transaction.atomic
def patient_update(
    *, actor: User, patient: Patient, expected_version: int, data: dict[str, Any]
) -> Patient:
    """Save an edit made from version `expected_version`; refuse it if someone saved in between."""
    _require(actor, Permission.PATIENT_EDIT, patient.clinic_id)
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    candidate = Patient.objects.get(pk=patient.pk)
    changed = sorted(name for name, value in fields.items() if getattr(candidate, name) != value)
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    saved = Patient.objects.filter(pk=patient.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    if saved == 0:
        raise PatientEditConflict(
            current=Patient.objects.select_related("clinic").get(pk=patient.pk)
        )
    audit_record(
        action=Action.UPDATE,
        category=Category.DEMOGRAPHICS,
        actor=actor,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"fields": changed, "version": expected_version + 1},
    )
    return Patient.objects.select_related("clinic").get(pk=patient.pk)


@transaction.atomic
def support_person_add(*, actor: User, patient: Patient, data: dict[str, Any]) -> SupportPerson:
    _require(actor, Permission.PATIENT_EDIT, patient.clinic_id)
    person = SupportPerson(patient=patient, **data)
    person.full_clean()
    person.save(force_insert=True)
    audit_record(
        action=Action.CREATE,
        category=Category.SUPPORT_PERSONS,
        actor=actor,
        patient=patient,
        object_type="support_person",
        object_id=person.pk,
    )
    return person


@transaction.atomic
def support_person_remove(*, actor: User, person: SupportPerson) -> None:
    patient = person.patient
    _require(actor, Permission.PATIENT_EDIT, patient.clinic_id)
    person_id = person.pk
    person.delete()
    audit_record(
        action=Action.DELETE,
        category=Category.SUPPORT_PERSONS,
        actor=actor,
        patient=patient,
        object_type="support_person",
        object_id=person_id,
    )
