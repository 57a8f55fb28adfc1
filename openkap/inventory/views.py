"""Controlled-substance ledger pages. Thin: forms parse, services record, selectors read; every read
of the ledger and every report is audited."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from openkap.accounts.decorators import active_clinic, clinic_permission_required, request_user
from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.inventory import selectors, services
from openkap.inventory.forms import (
    AdministrationForm,
    ClinicForm,
    CorrectionForm,
    CountForm,
    InventoryForm,
    LossForm,
    ProductForm,
    RangeForm,
    ReceiptForm,
    RegistrationForm,
    TransferOutForm,
    WasteForm,
)
from openkap.inventory.models import DeaRegistration, LedgerEntry, Product
from openkap.patients.models import Patient


def _audit_read(request: HttpRequest, what: str, detail: dict[str, Any]) -> None:
    audit_record(
        action=Action.READ,
        category=Category.CONTROLLED_SUBSTANCES,
        actor=request_user(request),
        clinic=active_clinic(request),
        object_type=what,
        detail=detail,
    )


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


Record = Callable[[User, Clinic, dict[str, Any], HttpRequest], LedgerEntry]


def _entry_page(
    request: HttpRequest, form_class: type[ClinicForm], record: Record, title: str, intro: str
) -> HttpResponse:
    clinic = active_clinic(request)
    actor = request_user(request)
    if request.method == "POST":
        form = form_class(request.POST, clinic=clinic, actor=actor)
        if form.is_valid():
            try:
                entry = record(actor, clinic, form.cleaned_data, request)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, f"Entry #{entry.pk} recorded: {entry.get_kind_display()}."
                )
                return redirect("inventory:ledger")
        status = 400
    else:
        form = form_class(clinic=clinic, actor=actor)
        status = 200
    return render(
        request,
        "inventory/entry_form.html",
        {"form": form, "title": title, "intro": intro, "rules": services.rules()},
        status=status,
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_GET
def ledger_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    lots = list(selectors.lots_with_balance(clinic=clinic))
    entries = list(selectors.entries_for_clinic(clinic=clinic).order_by("-sequence")[:100])
    _audit_read(request, "ledger", {"lots": len(lots), "entries": len(entries)})
    return render(
        request,
        "inventory/ledger.html",
        {
            "lots": lots,
            "products": selectors.products_with_balance(clinic=clinic),
            "entries": entries,
            "registration": DeaRegistration.objects.filter(clinic=clinic).first(),
            "today": timezone.localdate(),
        },
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def receipt_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_receive(actor=actor, clinic=clinic, **data)

    return _entry_page(
        request,
        ReceiptForm,
        record,
        "Record a receipt",
        "Schedule III is ordered on an invoice (DEA Form 222 is for Schedules I-II only). "
        "Record the date the containers actually arrived.",
    )


def _patient_by_mrn(clinic: Clinic, mrn: str) -> Patient | None:
    if not mrn.strip():
        return None
    patient = Patient.objects.filter(clinic=clinic, mrn=mrn.strip()).first()
    if patient is None:
        raise ValidationError({"mrn": "No patient of this clinic has this MRN."})
    return patient


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def administration_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_administer(
            actor=actor,
            clinic=clinic,
            lot=data["lot"],
            amount_mg=data["amount_mg"],
            session_ref=data["session_ref"],
            patient=_patient_by_mrn(clinic, data["mrn"]),
            request=req,
        )

    return _entry_page(
        request,
        AdministrationForm,
        record,
        "Record an administration",
        "Normally recorded from the dosing session; use this page for a dose given outside it.",
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def waste_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_waste(actor=actor, clinic=clinic, request=req, **data)

    return _entry_page(
        request,
        WasteForm,
        record,
        "Record waste",
        "A second nurse or prescriber witnesses the waste and types their own password now.",
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def transfer_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_transfer_out(actor=actor, clinic=clinic, **data)

    return _entry_page(
        request,
        TransferOutForm,
        record,
        "Record a transfer out",
        str(services.rules()["schedule_iii_transfer"]["text"]),
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def loss_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_report_loss(actor=actor, clinic=clinic, **data)

    rules = services.rules()
    return _entry_page(
        request,
        LossForm,
        record,
        "Report a loss or theft",
        f"{rules['theft_loss_notice']['text']}; then {rules['form_106']['text']} "
        f"({rules['form_106']['source']}). The due dates are shown on the entry.",
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def count_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_count(actor=actor, clinic=clinic, request=req, **data)

    return _entry_page(
        request,
        CountForm,
        record,
        "Record a physical count",
        "Count each lot (an opened container of a Schedule III liquid may be estimated). "
        "A count that differs from the ledger's balance is flagged for reconciliation.",
    )


@clinic_permission_required(Permission.CS_RECORD)
@require_http_methods(["GET", "POST"])
def correction_view(request: HttpRequest) -> HttpResponse:
    def record(actor: User, clinic: Clinic, data: dict[str, Any], req: HttpRequest) -> LedgerEntry:
        return services.ledger_correct(actor=actor, clinic=clinic, **data)

    return _entry_page(
        request,
        CorrectionForm,
        record,
        "Record a correction",
        "Entries are never changed: a correction is a new entry that names the one it corrects.",
    )


@clinic_permission_required(Permission.CS_MANAGE)
@require_http_methods(["GET", "POST"])
def products_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    form = ProductForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.product_add(
                    actor=request_user(request), clinic=clinic, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Product added.")
                return redirect("inventory:products")
        status = 400
    products = Product.objects.filter(clinic=clinic).order_by("name")
    return render(
        request, "inventory/products.html", {"form": form, "products": products}, status=status
    )


@clinic_permission_required(Permission.CS_MANAGE)
@require_http_methods(["GET", "POST"])
def registration_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    current = DeaRegistration.objects.filter(clinic=clinic).first()
    initial = (
        {"number": current.number, "schedules": current.schedules, "expires_on": current.expires_on}
        if current
        else None
    )
    form = RegistrationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.registration_set(
                    actor=request_user(request), clinic=clinic, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "DEA registration saved.")
                return redirect("inventory:registration")
        status = 400
    return render(
        request,
        "inventory/registration.html",
        {"form": form, "registration": current, "today": timezone.localdate()},
        status=status,
    )


def _csv(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


INSPECTION_HEADER = [
    "entry",
    "kind",
    "occurred_at",
    "recorded_at",
    "substance",
    "product",
    "finished_form",
    "strength",
    "container",
    "ndc",
    "lot",
    "lot_expiry",
    "containers",
    "amount_mg",
    "invoice",
    "counterparty",
    "counterparty_address",
    "counterparty_dea",
    "patient_name",
    "patient_address",
    "session_ref",
    "recorded_by",
    "witness",
    "reason_or_manner",
    "discovered_on",
    "notice_due_on",
    "form_106_due_on",
    "counted_mg",
    "expected_mg",
    "corrects_entry",
]


def _patient_address(patient: Patient | None) -> str:
    if patient is None:
        return ""
    parts = [
        getattr(patient, name, "")
        for name in ("address_line1", "address_line2", "city", "region", "postal_code")
    ]
    return ", ".join(str(part) for part in parts if part)


def inspection_row(entry: LedgerEntry) -> list[object]:
    product = entry.lot.product
    patient = entry.patient
    return [
        entry.pk,
        entry.get_kind_display(),
        timezone.localtime(entry.occurred_at).isoformat(timespec="minutes"),
        timezone.localtime(entry.recorded_at).isoformat(timespec="minutes"),
        product.substance,
        product.name,
        product.get_dosage_form_display(),
        product.strength,
        product.container,
        product.ndc + ("" if product.ndc_verified or not product.ndc else " (unverified)"),
        entry.lot.lot_number,
        entry.lot.expires_on.isoformat(),
        entry.containers if entry.containers is not None else "",
        entry.amount_mg,
        entry.invoice_number,
        entry.counterparty_name,
        entry.counterparty_address,
        entry.counterparty_dea,
        f"{patient.legal_given_name} {patient.legal_family_name}" if patient else "",
        _patient_address(patient),
        entry.session_ref,
        entry.recorded_by.display_name(),
        entry.witness.display_name() if entry.witness else "",
        entry.reason,
        entry.discovered_on or "",
        entry.notice_due_on or "",
        entry.form_106_due_on or "",
        entry.counted_mg if entry.counted_mg is not None else "",
        entry.expected_mg if entry.expected_mg is not None else "",
        entry.corrects_id or "",
    ]


@clinic_permission_required(Permission.CS_REPORT)
@require_GET
def inspection_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    today = timezone.localdate()
    data = (
        request.GET
        if "start" in request.GET
        else {"start": today - timedelta(days=30), "end": today}
    )
    form = RangeForm(data)
    rows: list[list[object]] = []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        entries = list(selectors.inspection_entries(clinic=clinic, start=start, end=end))
        rows = [inspection_row(entry) for entry in entries]
        detail = {"report": "inspection", "start": str(start), "end": str(end), "rows": len(rows)}
        if request.GET.get("format") == "csv":
            audit_record(
                action=Action.EXPORT,
                category=Category.CONTROLLED_SUBSTANCES,
                actor=request_user(request),
                clinic=clinic,
                object_type="report",
                detail=detail,
            )
            return _csv(f"dea-inspection-{start}-{end}.csv", INSPECTION_HEADER, rows)
        _audit_read(request, "report", detail)
    return render(
        request,
        "inventory/inspection.html",
        {
            "form": form,
            "header": INSPECTION_HEADER,
            "rows": rows,
            "registration": DeaRegistration.objects.filter(clinic=clinic).first(),
        },
        status=200 if form.is_valid() else 400,
    )


@clinic_permission_required(Permission.CS_REPORT)
@require_GET
def inventory_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    data = (
        request.GET
        if "day" in request.GET
        else {"day": timezone.localdate(), "at": "close", "purpose": "biennial"}
    )
    form = InventoryForm(data)
    lines: list[selectors.InventoryLine] = []
    if form.is_valid():
        day, at = form.cleaned_data["day"], form.cleaned_data["at"]
        lines = selectors.inventory_as_of(clinic=clinic, day=day, at_close=at == "close")
        detail = {"report": form.cleaned_data["purpose"], "day": str(day), "at": at}
        if request.GET.get("format") == "csv":
            audit_record(
                action=Action.EXPORT,
                category=Category.CONTROLLED_SUBSTANCES,
                actor=request_user(request),
                clinic=clinic,
                object_type="report",
                detail=detail,
            )
            return _csv(
                f"{form.cleaned_data['purpose']}-inventory-{day}-{at}.csv",
                ["product", "strength", "container", "ndc", "lot", "expiry", "containers", "mg"],
                [
                    [
                        line.lot.product.name,
                        line.lot.product.strength,
                        line.lot.product.container,
                        line.lot.product.ndc,
                        line.lot.lot_number,
                        line.lot.expires_on,
                        line.containers,
                        line.balance_mg,
                    ]
                    for line in lines
                ],
            )
        _audit_read(request, "report", detail)
    return render(
        request,
        "inventory/inventory.html",
        {
            "form": form,
            "lines": lines,
            "registration": DeaRegistration.objects.filter(clinic=clinic).first(),
            "rules": services.rules(),
        },
        status=200 if form.is_valid() else 400,
    )


@clinic_permission_required(Permission.CS_REPORT)
@require_GET
def reconciliation_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    result = selectors.reconciliation(clinic=clinic)
    _audit_read(request, "report", {"report": "reconciliation", "clean": result.clean})
    return render(request, "inventory/reconciliation.html", {"result": result})
