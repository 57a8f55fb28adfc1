"""The quality pages: the live self-audit (prescribers and the administrator read it), and the
administrator's records behind it: staff licences, emergency drills, the REMS certification."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts.decorators import active_clinic, clinic_permission_required, request_user
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical import quality as core
from openkap.quality import selectors, services
from openkap.quality.forms import CredentialForm, DrillForm, RemsForm, RetireForm

# Where each kind of gap is fixed, and who may follow the link.
FIX_LINKS: dict[str, tuple[str, Permission]] = {
    "licences": ("quality:licence_add", Permission.QUALITY_MANAGE),
    "drills": ("quality:drill_add", Permission.QUALITY_MANAGE),
    "rems": ("quality:rems", Permission.QUALITY_MANAGE),
    "staff": ("staff:list", Permission.STAFF_MANAGE),
    "dea": ("inventory:registration", Permission.CS_MANAGE),
    "inventory": ("inventory:inventory_report", Permission.CS_REPORT),
    "consent": ("consent:documents", Permission.CONSENT_PUBLISH),
    "screening": ("screening:queue", Permission.SCREENING_EVALUATE),
    "schedule": ("plans:schedule", Permission.SCHEDULE_VIEW),
}
FIX_TEXT = {
    "licences": "Record a licence",
    "drills": "Log a drill",
    "rems": "Record the REMS certification",
    "staff": "Add a prescriber",
    "dea": "Record the DEA registration",
    "inventory": "Take the inventory",
    "consent": "Publish consent documents",
    "screening": "Open the screening queue",
    "schedule": "Book integration sessions",
}


def _fix_link(request: HttpRequest, key: str) -> dict[str, str] | None:
    if key not in FIX_LINKS:
        return None
    name, permission = FIX_LINKS[key]
    if not user_can(request_user(request), permission, active_clinic(request).pk):
        return None
    return {"url": reverse(name), "text": FIX_TEXT[key]}


def _audit_read(request: HttpRequest, object_type: str, action: Action = Action.READ) -> None:
    audit_record(
        action=action,
        category=Category.QUALITY,
        actor=request_user(request),
        clinic=active_clinic(request),
        object_type=object_type,
    )


@clinic_permission_required(Permission.QUALITY_VIEW)
@require_GET
def audit_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    result = selectors.quality_audit(clinic)
    _audit_read(request, "self_audit")
    sections = [
        {
            "section": section.section,
            "status": section.status,
            "items": [
                {"item": item, "fix": _fix_link(request, item.fix) if item.fix else None}
                for item in section.items
            ],
        }
        for section in result.sections
    ]
    counts = {
        status: sum(1 for s in result.sections for i in s.items if i.status == status)
        for status in core.Status
    }
    return render(
        request,
        "quality/audit.html",
        {
            "clinic": clinic,
            "audit": result,
            "sections": sections,
            "counts": counts,
            "rules": core.checklist(),
            "can_manage": user_can(request_user(request), Permission.QUALITY_MANAGE, clinic.pk),
        },
    )


@clinic_permission_required(Permission.QUALITY_VIEW)
@require_GET
def audit_csv_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    result = selectors.quality_audit(clinic)
    _audit_read(request, "self_audit", Action.EXPORT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="quality-self-audit-{result.today}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["section", "item", "status", "summary", "source", "strength", "verified"])
    for section in result.sections:
        for item in section.items:
            writer.writerow(
                [
                    section.section.title,
                    item.label,
                    item.status.value,
                    item.summary,
                    item.sourced.source,
                    item.sourced.strength,
                    "yes" if item.sourced.verified else "no",
                ]
            )
    return response


# --- Licences -------------------------------------------------------------------------------------


@clinic_permission_required(Permission.QUALITY_VIEW)
@require_GET
def licences_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    rules = core.checklist()
    today = selectors.clinic_today(clinic)
    checks = core.requirement_checks(selectors.staff_members(clinic), rules, today=today)
    _audit_read(request, "staff_credentials")
    return render(
        request,
        "quality/licences.html",
        {
            "clinic": clinic,
            "checks": checks,
            "credentials": selectors.credentials_of(clinic, include_retired=True).order_by(
                "holder__last_name", "holder__username", "kind", "expires_on"
            ),
            "today": today,
            "rules": rules,
            "can_manage": user_can(request_user(request), Permission.QUALITY_MANAGE, clinic.pk),
        },
    )


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


_CREDENTIAL_INPUTS = ("holder", "kind", "title", "number", "issuer", "issued_on", "expires_on")


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_http_methods(["GET", "POST"])
def licence_add_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    # "Record it" on the licences page names the staff member and the kind that is missing.
    initial = {name: request.GET[name] for name in ("holder", "kind") if request.GET.get(name)}
    form = CredentialForm(request.POST or None, clinic=clinic, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_add(
                actor=request_user(request),
                clinic=clinic,
                **{name: form.cleaned_data[name] for name in _CREDENTIAL_INPUTS},
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Licence recorded.")
            return redirect("quality:licences")
    return render(
        request,
        "quality/licence_form.html",
        {"form": form, "credential": None},
        status=400 if form.errors else 200,
    )


def _credential_initial(credential: Any) -> dict[str, Any]:
    initial = {name: getattr(credential, name) for name in _CREDENTIAL_INPUTS}
    initial["holder"] = credential.holder_id
    initial["version"] = credential.version
    return initial


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_http_methods(["GET", "POST"])
def licence_edit_view(request: HttpRequest, credential_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    credential = selectors.credential_get(clinic=clinic, credential_id=credential_id)
    form = CredentialForm(
        request.POST or None, clinic=clinic, initial=_credential_initial(credential)
    )
    retire_form = RetireForm(initial={"version": credential.version})
    status = 200
    conflict_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_update(
                actor=request_user(request),
                credential=credential,
                expected_version=form.cleaned_data["version"] or 0,
                **{name: form.cleaned_data[name] for name in _CREDENTIAL_INPUTS},
            )
        except services.EditConflict as conflict:
            credential.refresh_from_db()
            form = CredentialForm(clinic=clinic, initial=_credential_initial(credential))
            conflict_message = str(conflict)
            retire_form = RetireForm(initial={"version": credential.version})
            status = 409
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Licence saved.")
            return redirect("quality:licences")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/licence_form.html",
        {
            "form": form,
            "credential": credential,
            "retire_form": retire_form,
            "conflict": conflict_message,
        },
        status=status,
    )


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_POST
def licence_retire_view(request: HttpRequest, credential_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    credential = selectors.credential_get(clinic=clinic, credential_id=credential_id)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.credential_retire(
                actor=request_user(request),
                credential=credential,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.EditConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("quality:licence_edit", credential_id=credential.pk)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Licence retired: it no longer counts.")
            return redirect("quality:licences")
    return render(
        request,
        "quality/licence_form.html",
        {
            "form": CredentialForm(clinic=clinic, initial=_credential_initial(credential)),
            "credential": credential,
            "retire_form": form,
        },
        status=400,
    )


# --- Drills ---------------------------------------------------------------------------------------


@clinic_permission_required(Permission.QUALITY_VIEW)
@require_GET
def drills_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    _audit_read(request, "emergency_drills")
    return render(
        request,
        "quality/drills.html",
        {
            "clinic": clinic,
            "drills": selectors.drills_of(clinic),
            "rules": core.checklist(),
            "can_manage": user_can(request_user(request), Permission.QUALITY_MANAGE, clinic.pk),
        },
    )


_DRILL_INPUTS = (
    "held_on",
    "scenario",
    "other_participants",
    "findings",
    "follow_up",
    "follow_up_done",
)


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_http_methods(["GET", "POST"])
def drill_add_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = DrillForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            services.drill_record(
                actor=request_user(request),
                clinic=clinic,
                participants=form.cleaned_data["participants"],
                **{name: form.cleaned_data[name] for name in _DRILL_INPUTS},
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Drill logged.")
            return redirect("quality:drills")
    return render(
        request,
        "quality/drill_form.html",
        {"form": form, "drill": None},
        status=400 if form.errors else 200,
    )


def _drill_initial(drill: Any) -> dict[str, Any]:
    initial = {name: getattr(drill, name) for name in _DRILL_INPUTS}
    initial["participants"] = list(drill.participants.values_list("pk", flat=True))
    initial["version"] = drill.version
    return initial


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_http_methods(["GET", "POST"])
def drill_edit_view(request: HttpRequest, drill_id: int) -> HttpResponse:
    clinic = active_clinic(request)
    drill = selectors.drill_get(clinic=clinic, drill_id=drill_id)
    form = DrillForm(request.POST or None, clinic=clinic, initial=_drill_initial(drill))
    status = 200
    conflict_message = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.drill_update(
                actor=request_user(request),
                drill=drill,
                expected_version=form.cleaned_data["version"] or 0,
                participants=form.cleaned_data["participants"],
                **{name: form.cleaned_data[name] for name in _DRILL_INPUTS},
            )
        except services.EditConflict as conflict:
            drill.refresh_from_db()
            form = DrillForm(clinic=clinic, initial=_drill_initial(drill))
            conflict_message = str(conflict)
            status = 409
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Drill saved.")
            return redirect("quality:drills")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/drill_form.html",
        {"form": form, "drill": drill, "conflict": conflict_message},
        status=status,
    )


# --- REMS certification ---------------------------------------------------------------------------


def _rems_initial(clinic: Any) -> dict[str, Any]:
    row = selectors.rems_certification_of(clinic)
    if row is None:
        return {"version": 0}
    return {
        "certified": row.certified,
        "number": row.number,
        "certified_on": row.certified_on,
        "authorized_representative": row.authorized_representative,
        "dispenses": row.dispenses,
        "version": row.version,
    }


@clinic_permission_required(Permission.QUALITY_MANAGE)
@require_http_methods(["GET", "POST"])
def rems_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = RemsForm(request.POST or None, initial=_rems_initial(clinic))
    status = 200
    conflict_message = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rems_certification_set(
                actor=request_user(request),
                clinic=clinic,
                expected_version=data["version"],
                certified=data["certified"],
                number=data["number"],
                certified_on=data["certified_on"],
                authorized_representative=data["authorized_representative"],
                dispenses=data["dispenses"],
            )
        except services.EditConflict as conflict:
            form = RemsForm(initial=_rems_initial(clinic))
            conflict_message = str(conflict)
            status = 409
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "REMS certification saved.")
            return redirect("quality:audit")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "quality/rems.html",
        {
            "form": form,
            "clinic": clinic,
            "row": selectors.rems_certification_of(clinic),
            "conflict": conflict_message,
            "rules": core.checklist(),
        },
        status=status,
    )
