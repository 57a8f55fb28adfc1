"""Every change to a patient: check permission, change, write the audit row, in one transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.accounts.permissions import Permission, clinic_ids_where, require_permission
from openkap.accounts.services import user_reauthenticate
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.patients.models import EmergencyAccess, Patient, SupportPerson

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


def _next_mrn(clinic: Clinic) -> str:
    # Lock the clinic row so two registrations at once cannot take the same number.
    Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    prefix = f"{clinic.mrn_prefix}-"
    numbers = [
        int(mrn.removeprefix(prefix))
        for mrn in Patient.objects.filter(mrn__startswith=prefix).values_list("mrn", flat=True)
        if mrn.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


@transaction.atomic
def patient_register(*, actor: User, clinic: Clinic, data: dict[str, Any]) -> Patient:
    require_permission(actor, Permission.PATIENT_REGISTER, clinic.pk)
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
    require_permission(actor, Permission.PATIENT_EDIT, patient.clinic_id)
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
    require_permission(actor, Permission.PATIENT_EDIT, patient.clinic_id)
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
    require_permission(actor, Permission.PATIENT_EDIT, patient.clinic_id)
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


EMERGENCY_REASON_MIN_CHARS = 20


def emergency_access_grant(
    *,
    actor: User,
    request: HttpRequest,
    mrn: str,
    date_of_birth: date,
    reason: str,
    password: str,
) -> EmergencyAccess:
    """Break-glass: open a patient of another clinic of the organisation for reading, for a while.

    The patient is named exactly (MRN and date of birth: no browsing), the reason is recorded, the
    password is asked again, the grant is audited, and the patient's clinic administrators are told.
    The password check and a failed look-up are outside the grant's transaction, so that the lockout
    count and the audit row of a failure are kept."""
    if not clinic_ids_where(actor, Permission.EMERGENCY_ACCESS):
        raise PermissionDenied
    if len(reason.strip()) < EMERGENCY_REASON_MIN_CHARS:
        raise ValidationError(
            {
                "reason": f"Describe the emergency in at least {EMERGENCY_REASON_MIN_CHARS} characters."
            }
        )
    if not user_reauthenticate(request=request, user=actor, password=password):
        raise ValidationError({"password": "The password is not right. No access was granted."})
    organisations = Clinic.objects.filter(pk__in=actor.clinic_ids()).values("organisation_id")
    patient = (
        Patient.objects.select_related("clinic")
        .filter(
            mrn__iexact=mrn.strip(),
            date_of_birth=date_of_birth,
            clinic__organisation_id__in=organisations,
        )
        .first()
    )
    if patient is None:
        audit_record(
            action=Action.ACCESS_DENIED,
            category=Category.ACCESS_CONTROL,
            actor=actor,
            object_type="emergency_access",
            detail={"reason": "no patient with that MRN and date of birth"},
        )
        raise EmergencyPatientNotFound
    if patient.clinic_id in actor.clinic_ids():
        raise ValidationError(
            {"mrn": "This patient is in your own clinic: open the chart as usual."}
        )
    with transaction.atomic():
        grant = EmergencyAccess.objects.create(
            user=actor,
            patient=patient,
            reason=reason.strip(),
            expires_at=timezone.now()
            + timedelta(minutes=settings.OPENKAP_EMERGENCY_ACCESS_MINUTES),
        )
        audit_record(
            action=Action.EMERGENCY_ACCESS,
            category=Category.ACCESS_CONTROL,
            actor=actor,
            patient=patient,
            object_type="emergency_access",
            object_id=grant.pk,
            detail={"minutes": settings.OPENKAP_EMERGENCY_ACCESS_MINUTES},
        )
        transaction.on_commit(lambda: _tell_clinic_administrators(grant))
    return grant


class EmergencyPatientNotFound(Exception):
    """No patient of the organisation has that MRN and date of birth (outside the user's clinics)."""


def _tell_clinic_administrators(grant: EmergencyAccess) -> None:
    # The message names the staff member and the MRN, never the patient's name or the reason:
    # e-mail leaves the system. The administrator reads the rest in the audit report.
    admins = User.objects.filter(
        memberships__clinic=grant.patient.clinic,
        memberships__role=Role.CLINIC_ADMIN,
        is_active=True,
    ).exclude(email="")
    recipients = sorted({admin.email for admin in admins})
    if recipients:
        send_mail(
            subject="OpenKAP: emergency access to a patient of your clinic",
            message=(
                f"{grant.user.display_name()} ({grant.user.get_username()}) used emergency access "
                f"to patient {grant.patient.mrn} at {grant.granted_at:%Y-%m-%d %H:%M} UTC, "
                f"until {grant.expires_at:%H:%M} UTC. The reason and every page opened are in the "
                "clinic's audit report (action: Emergency access)."
            ),
            from_email=None,
            recipient_list=recipients,
        )
