"""Patient pages. Every page that shows patient data writes a read row to the audit trail."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
    staff_required,
)
from openkap.accounts.permissions import Permission, clinic_ids_where, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.patients.forms import (
    EmergencyAccessForm,
    PatientForm,
    PatientSearchForm,
    SupportPersonForm,
)
from openkap.patients.models import Patient
from openkap.patients.selectors import (
    emergency_access_active,
    patient_fields_changed_since,
    patient_get_for_user,
    patient_search,
)
from openkap.patients.services import (
    EmergencyPatientNotFound,
    PatientEditConflict,
    emergency_access_grant,
    patient_register,
    patient_update,
    support_person_add,
    support_person_remove,
)
from openkap.patients.timeline import patient_timeline


def _patient_or_404(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


@staff_required
@require_http_methods(["GET", "POST"])
@transaction.atomic
def patient_list_view(request: HttpRequest) -> HttpResponse:
    # Search terms travel in the POST body, never in the URL, because a name or a birth date is PHI.
    user = request_user(request)
    if not clinic_ids_where(user, Permission.PATIENT_VIEW):
        raise PermissionDenied
    form = PatientSearchForm(request.POST or None)
    query = form.cleaned_data["query"] if form.is_valid() else ""
    patients = list(patient_search(user=user, query=query))
    audit_record(
        action=Action.READ,
        category=Category.PATIENT_LIST,
        actor=user,
        clinic=active_clinic(request),
        detail={"results": len(patients), "searched": bool(query)},
    )
    template = (
        "patients/_results.html" if request.headers.get("HX-Request") else "patients/list.html"
    )
    return render(request, template, {"form": form, "patients": patients, "query": query})


@clinic_permission_required(Permission.PATIENT_REGISTER)
@require_http_methods(["GET", "POST"])
def patient_register_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = PatientForm(request.POST or None, initial={"country": "US"})
    if request.method == "POST" and form.is_valid():
        try:
            patient = patient_register(
                actor=request_user(request), clinic=clinic, data=form.patient_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{patient.display_name()} is registered with MRN {patient.mrn}."
            )
            return redirect("patients:chart", public_id=patient.public_id)
    return render(
        request,
        "patients/register.html",
        {"form": form, "clinic": clinic},
        status=400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET"])
@transaction.atomic
def patient_chart_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    patient = _patient_or_404(request, public_id, Permission.PATIENT_VIEW)
    emergency = (
        None
        if patient.clinic_id in user.clinic_ids()
        else emergency_access_active(user=user, patient=patient)
    )
    audit_record(
        action=Action.READ,
        category=Category.DEMOGRAPHICS,
        actor=user,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": "chart", **({"emergency_access": emergency.pk} if emergency else {})},
    )
    return render(
        request,
        "patients/chart.html",
        {
            "patient": patient,
            "support_persons": patient.support_persons.order_by("name"),
            "timeline": patient_timeline(patient, user=user),
            "support_form": SupportPersonForm(),
            "can_edit": user_can(user, Permission.PATIENT_EDIT, patient.clinic_id),
            "emergency": emergency,
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def patient_edit_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    patient = _patient_or_404(request, public_id, Permission.PATIENT_EDIT)
    if request.method != "POST":
        with transaction.atomic():
            audit_record(
                action=Action.READ,
                category=Category.DEMOGRAPHICS,
                actor=user,
                patient=patient,
                object_type="patient",
                object_id=patient.pk,
                detail={"view": "edit form"},
            )
        form = PatientForm(instance=patient, initial={"version": patient.version})
        return render(request, "patients/edit.html", {"form": form, "patient": patient})

    form = PatientForm(request.POST, instance=Patient.objects.get(pk=patient.pk))
    if not form.is_valid():
        return render(request, "patients/edit.html", {"form": form, "patient": patient}, status=400)
    expected = form.cleaned_data.get("version")
    if expected is None:
        # Without the version the edit started from, a save could overwrite someone else's.
        form.add_error(None, "This form is out of date. Reload the page and make the change again.")
        return render(request, "patients/edit.html", {"form": form, "patient": patient}, status=400)
    try:
        saved = patient_update(
            actor=user, patient=patient, expected_version=expected, data=form.patient_data()
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "patients/edit.html", {"form": form, "patient": patient}, status=400)
    except PatientEditConflict as error:
        conflict = error.current
    else:
        messages.success(request, f"Saved. {saved.display_name()}'s details are up to date.")
        return redirect("patients:chart", public_id=patient.public_id)

    # Keep what this user typed; show what others saved since this edit's version, field by field.
    theirs = patient_fields_changed_since(patient=patient, version=expected)
    changed_by_other = [
        (str(form.fields[name].label), str(form.cleaned_data[name]), str(getattr(conflict, name)))
        for name in form.fields
        if name in theirs and name in form.cleaned_data
    ]
    # Saving again from here means "I have seen their change": base it on their version.
    data = request.POST.copy()
    data["version"] = str(conflict.version)
    form.data = data
    return render(
        request,
        "patients/edit.html",
        {
            "form": form,
            "patient": patient,
            "conflict": conflict,
            "changed_by_other": changed_by_other,
        },
        status=409,
    )


@staff_required
@require_POST
def support_person_add_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    patient = _patient_or_404(request, public_id, Permission.PATIENT_EDIT)
    form = SupportPersonForm(request.POST)
    if form.is_valid():
        support_person_add(actor=request_user(request), patient=patient, data=form.cleaned_data)
        messages.success(request, "Support person added.")
    else:
        errors = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Form'}: {' '.join(map(str, errs))}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"The support person was not added. {errors}")
    return redirect("patients:chart", public_id=patient.public_id)


@staff_required
@require_POST
def support_person_remove_view(
    request: HttpRequest, public_id: uuid.UUID, person_id: int
) -> HttpResponse:
    patient = _patient_or_404(request, public_id, Permission.PATIENT_EDIT)
    person = get_object_or_404(patient.support_persons, pk=person_id)
    support_person_remove(actor=request_user(request), person=person)
    messages.success(request, "Support person removed.")
    return redirect("patients:chart", public_id=patient.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def emergency_access_view(request: HttpRequest) -> HttpResponse:
    """Break-glass: a prescriber or nurse opens a patient of another clinic of the organisation."""
    user = request_user(request)
    if not clinic_ids_where(user, Permission.EMERGENCY_ACCESS):
        raise PermissionDenied
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = emergency_access_grant(
                actor=user,
                request=request,
                mrn=data["mrn"],
                date_of_birth=data["date_of_birth"],
                reason=data["reason"],
                password=data["password"],
            )
        except EmergencyPatientNotFound:
            form.add_error(None, "No patient of your organisation has that MRN and date of birth.")
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.warning(
                request,
                f"Emergency access until {timezone.localtime(grant.expires_at):%H:%M}. "
                "Every page you open is recorded; the patient's clinic is told.",
            )
            return redirect("patients:chart", public_id=grant.patient.public_id)
    return render(
        request, "patients/emergency.html", {"form": form}, status=400 if form.errors else 200
    )
