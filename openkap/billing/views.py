"""Pages of the price list, payers and coverage (clinic data), a patient's cost estimate (front desk
and billing) and the patient's own "My costs" in the portal. Reads of patient data are audited; every
change goes through openkap.billing.services. Every page says the estimate is not a bill and that
coverage is the clinic's information, not a fact the software asserts."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from openkap.accounts.decorators import (
    NotFoundForUser,
    active_clinic,
    clinic_permission_required,
    request_user,
)
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import selectors, services
from openkap.billing.forms import (
    CoverageForm,
    PayerChoiceForm,
    PayerEditForm,
    PayerForm,
    PriceForm,
    PriceItemForm,
)
from openkap.billing.models import PatientPayer, Payer
from openkap.clinical import costs
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user
from openkap.portal.decorators import patient_required, portal_account


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _may_manage(request: HttpRequest) -> bool:
    return user_can(request_user(request), Permission.PRICES_MANAGE, active_clinic(request).pk)


# --- The price list ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.PRICES_VIEW)
def prices_view(request: HttpRequest) -> HttpResponse:
    """The clinic's price list with each item's price in force, history and codes. POST: a new
    price for an item from a date (never a change to an existing price)."""
    clinic = active_clinic(request)
    manage = _may_manage(request)
    form = PriceForm(request.POST or None, clinic=clinic)
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.price_add(
                    actor=request_user(request),
                    item=data["item"],
                    amount=data["amount"],
                    effective_from=data["effective_from"],
                    note=data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"New price for {data['item'].name} from {data['effective_from']:%Y-%m-%d}.",
                )
                return redirect("billing:prices")
        status = 400
    today = timezone.localdate()
    clinic_descriptors = selectors.descriptors(clinic)
    rows = [
        {
            "item": item,
            "current": current,
            "upcoming": upcoming,
            "history": selectors.price_history(item),
            "codes": selectors.codes_shown(list(item.codes), clinic_descriptors),
        }
        for item, current, upcoming in selectors.price_list(clinic, today)
    ]
    return render(
        request,
        "billing/prices.html",
        {
            "rows": rows,
            "form": form,
            "manage": manage,
            "today": today,
            "clinic": clinic,
            "codes_version": costs.codes_version(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.PRICES_MANAGE)
def item_add_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = PriceItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.price_item_create(
                    actor=request_user(request),
                    clinic=clinic,
                    name=data["name"],
                    service=data["service"],
                    route=data["route"],
                    setting=data["setting"],
                    package_sessions=data["package_sessions"],
                    codes=list(data["codes"]),
                    description=data["description"],
                    amount=data["amount"],
                    effective_from=data["effective_from"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Added {item.name} to the price list.")
                return redirect("billing:prices")
        status = 400
    return render(request, "billing/item_add.html", {"form": form}, status=status)


# --- Payers and what they usually cover -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.PRICES_VIEW)
def payers_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    manage = _may_manage(request)
    form = PayerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                payer = services.payer_create(actor=request_user(request), clinic=clinic, **data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Added {payer.name}: now record what it usually covers.")
                return redirect("billing:payer", payer_id=payer.pk)
        status = 400
    rows = [
        {"payer": payer, "coverage": list(selectors.payer_coverage(payer))}
        for payer in selectors.payers(clinic)
    ]
    return render(
        request,
        "billing/payers.html",
        {"rows": rows, "form": form, "manage": manage, "clinic": clinic},
        status=status,
    )


def _payer(request: HttpRequest, payer_id: int) -> Payer:
    payer = Payer.objects.filter(pk=payer_id, clinic=active_clinic(request)).first()
    if payer is None:
        raise NotFoundForUser(object_type="payer", object_id=str(payer_id))
    return payer


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.PRICES_VIEW)
def payer_view(request: HttpRequest, payer_id: int) -> HttpResponse:
    """One payer: where the clinic's information comes from, and what it usually covers. POST
    (action "payer" or "coverage"): change its information or record a coverage rule."""
    payer = _payer(request, payer_id)
    manage = _may_manage(request)
    action = request.POST.get("action", "")
    edit_form = PayerEditForm(
        request.POST if action == "payer" else None,
        initial={
            "information_source": payer.information_source,
            "match_names": payer.match_names,
            "notes": payer.notes,
            "esketamine_billing": payer.esketamine_billing,
            "active": payer.active,
            "version": payer.version,
        },
    )
    coverage_form = CoverageForm(
        request.POST if action == "coverage" else None, initial={"version": payer.version}
    )
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        actor = request_user(request)
        if action == "payer" and edit_form.is_valid():
            data = edit_form.cleaned_data
            try:
                services.payer_update(
                    actor=actor,
                    payer=payer,
                    expected_version=data["version"],
                    information_source=data["information_source"],
                    match_names=data["match_names"],
                    notes=data["notes"],
                    active=data["active"],
                    esketamine_billing=data["esketamine_billing"] or None,
                )
            except ValidationError as error:
                _add_errors(edit_form, error)
            else:
                messages.success(request, "Saved.")
                return redirect("billing:payer", payer_id=payer.pk)
        elif action == "coverage" and coverage_form.is_valid():
            data = dict(coverage_form.cleaned_data)
            version = data.pop("version")
            try:
                services.coverage_set(actor=actor, payer=payer, expected_version=version, **data)
            except ValidationError as error:
                _add_errors(coverage_form, error)
            else:
                messages.success(request, "Coverage recorded.")
                return redirect("billing:payer", payer_id=payer.pk)
        elif action not in ("payer", "coverage"):
            coverage_form = CoverageForm(request.POST)
            coverage_form.is_valid()
        status = 400
    return render(
        request,
        "billing/payer.html",
        {
            "payer": payer,
            "coverage": list(selectors.payer_coverage(payer)),
            "edit_form": edit_form,
            "coverage_form": coverage_form,
            "manage": manage,
        },
        status=status,
    )


# --- A patient's cost estimate ------------------------------------------------------------------


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _estimate_page(
    request: HttpRequest,
    patient: Patient,
    *,
    status: int = 200,
    error: str = "",
    payer_form: PayerChoiceForm | None = None,
) -> HttpResponse:
    user = request_user(request)
    context: dict[str, Any] = {"patient": patient, "disclaimer": selectors.DISCLAIMER}
    try:
        result = selectors.plan_estimate(patient)
    except selectors.EstimateUnavailable as unavailable:
        result = None
        context["unavailable"] = str(unavailable)
    payer, chosen = selectors.payer_for(patient)
    clinic_descriptors = selectors.descriptors(patient.clinic)
    if result is not None:
        context["lines"] = [
            {"line": line, "codes": selectors.codes_shown(list(line.codes), clinic_descriptors)}
            for line in result.estimate.lines
        ]
    saved = list(selectors.saved_estimates(patient)[:10])
    audit_record(
        action=Action.READ,
        category=Category.BILLING,
        actor=user,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": "cost estimate", "saved": len(saved)},
    )
    context.update(
        {
            "result": result,
            "payer": payer,
            "payer_chosen": chosen,
            "payer_form": payer_form
            or PayerChoiceForm(clinic=patient.clinic, initial={"payer": payer}),
            "saved": saved,
            "can_edit": user_can(user, Permission.BILLING_EDIT, patient.clinic_id),
            "error": error,
            # The registration's insurance changed after the payer was chosen: check it again.
            "registration_changed": PatientPayer.objects.filter(patient=patient)
            .exclude(registered_as=patient.insurance_payer)
            .exists(),
        }
    )
    return render(request, "billing/estimate.html", context, status=status)


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.BILLING_VIEW)
def estimate_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET: the estimate of the patient's current plan. POST: save it as the one given to the
    patient (shown in their portal)."""
    if request.method == "GET":
        patient = _patient(request, public_id, Permission.BILLING_VIEW)
        return _estimate_page(request, patient)
    patient = _patient(request, public_id, Permission.BILLING_EDIT)
    try:
        services.estimate_save(actor=request_user(request), patient=patient)
    except ValidationError as error:
        return _estimate_page(request, patient, status=400, error=" ".join(error.messages))
    messages.success(request, "Estimate saved: the patient sees it in their portal.")
    return redirect("billing:estimate", public_id=patient.public_id)


@clinic_permission_required(Permission.BILLING_EDIT)
@require_POST
def payer_choose_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Which of the clinic's payers the patient's registered insurance is."""
    patient = _patient(request, public_id, Permission.BILLING_EDIT)
    form = PayerChoiceForm(request.POST, clinic=patient.clinic)
    if form.is_valid():
        try:
            services.patient_payer_set(
                actor=request_user(request), patient=patient, payer=form.cleaned_data["payer"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Payer set to {form.cleaned_data['payer'].name}.")
            return redirect("billing:estimate", public_id=patient.public_id)
    return _estimate_page(request, patient, status=400, payer_form=form)


# --- The patient's own costs (portal) ------------------------------------------------------------


@require_http_methods(["GET"])
@patient_required
def mine_view(request: HttpRequest) -> HttpResponse:
    """ "My costs": the estimate the clinic gave the patient for their current plan."""
    account = portal_account(request)
    patient = account.patient
    given = selectors.estimate_given(patient)
    audit_record(
        action=Action.READ,
        category=Category.BILLING,
        actor=account.user,
        patient=patient,
        object_type="cost_estimate",
        object_id=given.pk if given else "",
        detail={"view": "portal costs"},
    )
    return render(
        request,
        "billing/mine.html",
        {
            "estimate": given,
            "snapshot": given.snapshot if given else None,
            "clinic": patient.clinic,
            "disclaimer": selectors.DISCLAIMER,
        },
    )
