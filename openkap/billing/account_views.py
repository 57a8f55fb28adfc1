"""The patient's billing page (charges, payments, balance, notes) and the superbill and HSA/FSA
receipt downloads, for front desk and billing. Reads are audited; writes go through
openkap.billing.charge_services. Patients are addressed by public id; the dates of a document are
query parameters (no patient data); a PDF's file name carries no name or MRN."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from openkap.accounts.decorators import NotFoundForUser, clinic_permission_required, request_user
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import account_selectors as account
from openkap.billing import charge_services, documents, selectors
from openkap.billing.forms import BillingNoteForm, DocumentRangeForm, PaymentForm, ReversalForm
from openkap.billing.models import PaymentEntry, PaymentMethod
from openkap.patients.models import Patient
from openkap.patients.selectors import patient_get_for_user


def _patient(request: HttpRequest, public_id: uuid.UUID, permission: Permission) -> Patient:
    try:
        return patient_get_for_user(
            user=request_user(request), public_id=public_id, permission=permission
        )
    except Patient.DoesNotExist:
        raise NotFoundForUser(object_type="patient", object_id=str(public_id)) from None


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _page(
    request: HttpRequest, patient: Patient, *, status: int = 200, **forms_: Any
) -> HttpResponse:
    user = request_user(request)
    charges = list(account.charges(patient))
    entries = list(account.entries(patient))
    reversed_ids = {entry.reverses_id for entry in entries if entry.reverses_id}
    clinic_descriptors = selectors.descriptors(patient.clinic)
    today = timezone.localdate()
    first = charges[0].date_of_service if charges else today - timedelta(days=30)
    audit_record(
        action=Action.READ,
        category=Category.BILLING,
        actor=user,
        patient=patient,
        object_type="patient",
        object_id=patient.pk,
        detail={"view": "billing account", "charges": len(charges), "entries": len(entries)},
    )
    payer, chosen = selectors.payer_for(patient)
    return render(
        request,
        "billing/account.html",
        {
            "patient": patient,
            "payer": payer,
            "payer_chosen": chosen,
            "charges": [
                {
                    "charge": charge,
                    "codes": selectors.codes_shown(
                        [entry["code"] for entry in charge.codes], clinic_descriptors
                    ),
                    "units": {entry["code"]: entry["units"] for entry in charge.codes},
                }
                for charge in charges
            ],
            "entries": entries,
            "reversed_ids": reversed_ids,
            "balance": account.balance(patient),
            "notes": list(account.notes(patient)),
            "can_edit": user_can(user, Permission.BILLING_EDIT, patient.clinic_id),
            "payment_form": forms_.get("payment_form") or PaymentForm(),
            "reversal_form": forms_.get("reversal_form") or ReversalForm(),
            "note_form": forms_.get("note_form") or BillingNoteForm(),
            "range_form": forms_.get("range_form")
            or DocumentRangeForm(initial={"start": first, "end": today}),
            "document_error": forms_.get("document_error", ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@clinic_permission_required(Permission.BILLING_VIEW)
def account_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET: the patient's charges, payments, balance and notes. POST (action): generate charges,
    record a payment, reverse one, or add a financing / sliding-scale note."""
    if request.method == "GET":
        return _page(request, _patient(request, public_id, Permission.BILLING_VIEW))
    patient = _patient(request, public_id, Permission.BILLING_EDIT)
    actor = request_user(request)
    action = request.POST.get("action", "")
    if action == "generate":
        result = charge_services.charges_generate(actor=actor, patient=patient)
        messages.success(request, f"{len(result.created)} new charge(s).")
        for reason in result.skipped:
            messages.warning(request, f"Not charged: {reason}")
        return redirect("billing:account", public_id=patient.public_id)
    if action == "payment":
        form = PaymentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                charge_services.payment_record(
                    actor=actor,
                    patient=patient,
                    amount=data["amount"],
                    method=data["method"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    kind=data["kind"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                method = PaymentMethod(data["method"]).label
                messages.success(request, f"Recorded {data['amount']:.2f} ({method}).")
                return redirect("billing:account", public_id=patient.public_id)
        return _page(request, patient, status=400, payment_form=form)
    if action == "reverse":
        reversal = ReversalForm(request.POST)
        if reversal.is_valid():
            entry = PaymentEntry.objects.filter(
                pk=reversal.cleaned_data["entry"], patient=patient
            ).first()
            if entry is None:
                reversal.add_error(None, "No such payment for this patient.")
            else:
                try:
                    charge_services.payment_reverse(
                        actor=actor, entry=entry, reason=reversal.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    _add_errors(reversal, error)
                else:
                    messages.success(request, "Payment reversed.")
                    return redirect("billing:account", public_id=patient.public_id)
        return _page(request, patient, status=400, reversal_form=reversal)
    if action == "note":
        note = BillingNoteForm(request.POST)
        if note.is_valid():
            try:
                charge_services.billing_note_add(actor=actor, patient=patient, **note.cleaned_data)
            except ValidationError as error:
                _add_errors(note, error)
            else:
                messages.success(request, "Note added.")
                return redirect("billing:account", public_id=patient.public_id)
        return _page(request, patient, status=400, note_form=note)
    return _page(request, patient, status=400, document_error="Unknown action.")


def _document(request: HttpRequest, public_id: uuid.UUID, kind: str) -> HttpResponse:
    patient = _patient(request, public_id, Permission.BILLING_VIEW)
    form = DocumentRangeForm(request.GET)
    if not form.is_valid():
        return _page(
            request,
            patient,
            status=400,
            range_form=form,
            document_error="No document made: check the dates under "
            '"Superbill and HSA/FSA receipt".',
        )
    start: date = form.cleaned_data["start"]
    end: date = form.cleaned_data["end"]
    build = documents.superbill if kind == "superbill" else documents.receipt
    try:
        content = build(actor=request_user(request), patient=patient, start=start, end=end)
    except documents.DocumentUnavailable as error:
        return _page(request, patient, status=400, range_form=form, document_error=str(error))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.filename(kind, start, end)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@clinic_permission_required(Permission.BILLING_VIEW)
@require_GET
def superbill_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The superbill PDF for ?start=YYYY-MM-DD&end=YYYY-MM-DD (dates of service)."""
    return _document(request, public_id, "superbill")


@clinic_permission_required(Permission.BILLING_VIEW)
@require_GET
def receipt_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The HSA/FSA receipt PDF for the payments received from start to end."""
    return _document(request, public_id, "receipt")
