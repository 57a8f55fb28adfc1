from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from openkap.accounts.models import User
from openkap.accounts.permissions import (
    EMERGENCY_READABLE,
    Permission,
    clinic_ids_where,
    user_can,
)
from openkap.audit.models import Action, AuditEvent
from openkap.patients.models import EmergencyAccess, Patient

MRN_PATTERN = re.compile(r"^[A-Za-z]{1,8}-?\d{3,}$")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m-%d-%Y")
SEARCH_LIMIT = 50


def patient_get_for_user(*, user: User, public_id: uuid.UUID, permission: Permission) -> Patient:
    """The patient, if the user holds the permission in the patient's clinic.

    A patient of a clinic the user has no role in does not exist for them (DoesNotExist, shown as 404)
    unless they hold an emergency grant for reading them; a role in the right clinic that lacks the
    permission is refused (PermissionDenied, 403).
    """
    patient = Patient.objects.select_related("clinic").get(public_id=public_id)
    if patient.clinic_id in user.clinic_ids():
        if not user_can(user, permission, patient.clinic_id):
            raise PermissionDenied
        return patient
    if permission in EMERGENCY_READABLE and emergency_access_active(user=user, patient=patient):
        return patient
    raise Patient.DoesNotExist


def emergency_access_active(*, user: User, patient: Patient) -> EmergencyAccess | None:
    return (
        EmergencyAccess.objects.filter(user=user, patient=patient, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(*, user: User, query: str) -> QuerySet[Patient]:
    """Patients of the user's clinics matching a name, a date of birth or an MRN."""
    patients = Patient.objects.filter(
        clinic_id__in=clinic_ids_where(user, Permission.PATIENT_VIEW)
    ).select_related("clinic")
    text = query.strip()
    if not text:
        return patients.order_by("legal_family_name", "legal_given_name")[:SEARCH_LIMIT]
    born = _parse_date(text)
    if born is not None:
        patients = patients.filter(date_of_birth=born)
    elif MRN_PATTERN.match(text):
        patients = patients.filter(mrn__iexact=text)
    else:
        for token in text.replace(",", " ").split():
            patients = patients.filter(
                Q(legal_given_name__icontains=token)
                | Q(legal_family_name__icontains=token)
                | Q(legal_middle_name__icontains=token)
                | Q(preferred_name__icontains=token)
            )
    return patients.order_by("legal_family_name", "legal_given_name")[:SEARCH_LIMIT]


def patient_fields_changed_since(*, patient: Patient, version: int) -> set[str]:
    """Names of the fields saved by edits after `version`, read from the audit trail's update rows
    (which record field names, never values): what someone else changed while this edit was open."""
    details = AuditEvent.objects.filter(
        patient=patient, action=Action.UPDATE, object_type="patient", detail__version__gt=version
    ).values_list("detail", flat=True)
    return {name for detail in details for name in detail.get("fields", [])}
