"""The superbill and the HSA/FSA receipt as PDFs (ReportLab, like openkap/reports/pdf.py).

A superbill lists, for a date range, the clinic (name, address, phone, NPI and Tax ID when the
clinic recorded them), the providers, the patient (name, date of birth, address, insurance member
id), each service's date, HCPCS/CPT codes with units (HCPCS with their public descriptors; CPT by
number only unless the clinic loaded its own descriptors), ICD-10-CM diagnoses with descriptions,
charges, payments and the balance. The receipt lists the paid services and the payments."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

SUPERBILL_STATEMENT = (
    "This is a superbill for the patient to submit to their insurer. It is not a claim filed by the "
    "clinic; the insurer decides what it reimburses."
)
RECEIPT_STATEMENT = (
    "The services listed are medical care (the diagnosis and treatment of a medical condition) "
    "provided by the clinic's licensed clinicians. Keep this receipt for your HSA/FSA records."
)
CPT_NOTICE_LINES = (
    "CPT codes are shown by number only (CPT is a registered trademark of the American Medical "
    "Association);",
    "HCPCS Level II descriptors are published by CMS.",
)


@dataclass(frozen=True)
class DocumentLine:
    date_of_service: date
    description: str
    provider: str
    codes: list[tuple[str, int, str]]  # (code, units, descriptor or "" for a CPT number only)
    diagnosis: str
    amount: Decimal


@dataclass(frozen=True)
class Diagnosis:
    code: str
    description: str


@dataclass(frozen=True)
class Party:
    """The clinic's and the patient's details as printed."""

    clinic_name: str
    clinic_address: str
    clinic_phone: str
    clinic_npi: str
    clinic_tax_id: str
    patient_name: str
    patient_dob: date
    patient_address: str
    patient_mrn: str
    insurer: str
    member_id: str
    group_number: str


@dataclass(frozen=True)
class PaymentLine:
    received_on: date
    kind: str
    method: str
    reference: str
    amount: Decimal


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(
    rows: Sequence[Sequence[object]],
    widths: list[float],
    *,
    total: bool = False,
    money: bool = True,
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
    if money:  # the last column holds amounts
        style.append(("ALIGN", (-1, 0), (-1, -1), "RIGHT"))
    if total:
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
    table.setStyle(TableStyle(style))
    return table


def _header(party: Party, title: str, period: str, small: object) -> list[Flowable]:
    styles = getSampleStyleSheet()
    clinic_lines = [
        f"<b>{_escape(party.clinic_name)}</b>",
        _escape(party.clinic_address),
        f"Telephone: {_escape(party.clinic_phone)}" if party.clinic_phone else "",
        f"NPI: {_escape(party.clinic_npi)}" if party.clinic_npi else "",
        f"Tax ID: {_escape(party.clinic_tax_id)}" if party.clinic_tax_id else "",
    ]
    patient_lines = [
        f"<b>Patient:</b> {_escape(party.patient_name)}",
        f"Date of birth: {party.patient_dob:%Y-%m-%d}",
        _escape(party.patient_address),
        f"MRN: {_escape(party.patient_mrn)}",
        f"Insurer: {_escape(party.insurer)}" if party.insurer else "Insurer: none (self-pay)",
        f"Member ID: {_escape(party.member_id)}" if party.member_id else "",
        f"Group number: {_escape(party.group_number)}" if party.group_number else "",
    ]
    boxes = Table(
        [
            [
                Paragraph("<br/>".join(line for line in clinic_lines if line), small),
                Paragraph("<br/>".join(line for line in patient_lines if line), small),
            ]
        ],
        colWidths=[90 * mm, 90 * mm],
    )
    boxes.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        Paragraph(_escape(title), styles["Title"]),
        Paragraph(_escape(period), styles["Heading4"]),
        boxes,
        Spacer(1, 4 * mm),
    ]


def _document(title: str) -> tuple[io.BytesIO, SimpleDocTemplate]:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
        author="OpenKAP",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
    )
    return buffer, document


def _footer(*notes: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Draw the notes and the page number at the foot of every page (never a page of its own)."""

    def draw(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        y = 12 * mm
        for note in notes:
            canvas.drawString(document.leftMargin, y, note)
            y -= 3.2 * mm
        canvas.drawRightString(
            LETTER[0] - document.rightMargin, y + 3.2 * mm, f"Page {canvas.getPageNumber()}"
        )
        canvas.restoreState()

    return draw


def _codes_cell(line: DocumentLine, small: object) -> Paragraph:
    parts = []
    for code, units, text in line.codes:
        label = f"<b>{_escape(code)}</b> x{units}"
        parts.append(f"{label} {_escape(text)}" if text else label)
    return Paragraph("<br/>".join(parts), small)


def _payments_table(payments: Sequence[PaymentLine]) -> Table:
    rows: list[list[object]] = [["Date", "Kind", "Method", "Reference", "Amount (USD)"]]
    for payment in payments:
        rows.append(
            [
                f"{payment.received_on:%Y-%m-%d}",
                payment.kind,
                payment.method,
                payment.reference,
                f"{payment.amount:.2f}",
            ]
        )
    if len(rows) == 1:
        rows.append(["No payments in this period.", "", "", "", ""])
    return _table(rows, [25 * mm, 35 * mm, 35 * mm, 55 * mm, 30 * mm])


def superbill_pdf(
    *,
    party: Party,
    start: date,
    end: date,
    lines: Sequence[DocumentLine],
    diagnoses: Sequence[Diagnosis],
    payments: Sequence[PaymentLine],
    charged: Decimal,
    paid: Decimal,
    balance: Decimal,
    generated_at: datetime,
) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer, document = _document("Superbill")
    period = f"Dates of service {start:%Y-%m-%d} to {end:%Y-%m-%d}"
    story: list[Flowable] = _header(party, "Superbill", period, small)
    story.append(Paragraph(f"<b>{_escape(SUPERBILL_STATEMENT)}</b>", small))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("Services", styles["Heading3"]))
    rows: list[list[object]] = [
        ["Date", "Service", "Provider", "Codes (HCPCS/CPT) x units", "Dx", "Charge (USD)"]
    ]
    for line in lines:
        rows.append(
            [
                f"{line.date_of_service:%Y-%m-%d}",
                Paragraph(_escape(line.description), small),
                Paragraph(_escape(line.provider), small),
                _codes_cell(line, small),
                line.diagnosis,
                f"{line.amount:.2f}",
            ]
        )
    rows.append(["", "Total charges", "", "", "", f"{charged:.2f}"])
    story.append(_table(rows, [20 * mm, 38 * mm, 30 * mm, 54 * mm, 16 * mm, 22 * mm], total=True))
    story.append(Spacer(1, 3 * mm))
    story.append(Paragraph("Diagnoses (ICD-10-CM)", styles["Heading3"]))
    dx_rows: list[list[object]] = [["Code", "Description"]]
    for diagnosis in diagnoses:
        dx_rows.append([diagnosis.code, Paragraph(_escape(diagnosis.description), small)])
    story.append(_table(dx_rows, [25 * mm, 155 * mm], money=False))
    story.append(Paragraph("Payments", styles["Heading3"]))
    story.append(_payments_table(payments))
    story.append(Spacer(1, 3 * mm))
    totals = _table(
        [
            ["", "USD"],
            ["Charges in this period", f"{charged:.2f}"],
            ["Payments in this period", f"{paid:.2f}"],
            ["Balance of the account today", f"{balance:.2f}"],
        ],
        [150 * mm, 30 * mm],
        total=True,
    )
    story.append(totals)
    footer = _footer(*CPT_NOTICE_LINES, f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by OpenKAP.")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def receipt_pdf(
    *,
    party: Party,
    start: date,
    end: date,
    lines: Sequence[DocumentLine],
    payments: Sequence[PaymentLine],
    paid: Decimal,
    generated_at: datetime,
) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer, document = _document("HSA/FSA receipt")
    period = f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
    story: list[Flowable] = _header(party, "Receipt for HSA/FSA", period, small)
    story.append(Paragraph(f"<b>{_escape(RECEIPT_STATEMENT)}</b>", small))
    story.append(Paragraph("Services provided in this period", styles["Heading3"]))
    rows: list[list[object]] = [["Date", "Service", "Codes", "Charge (USD)"]]
    for line in lines:
        rows.append(
            [
                f"{line.date_of_service:%Y-%m-%d}",
                Paragraph(_escape(line.description), small),
                ", ".join(code for code, _, _ in line.codes),
                f"{line.amount:.2f}",
            ]
        )
    story.append(_table(rows, [25 * mm, 85 * mm, 40 * mm, 30 * mm]))
    story.append(Paragraph("Payments received", styles["Heading3"]))
    story.append(_payments_table(payments))
    story.append(Spacer(1, 3 * mm))
    story.append(
        _table([["", "USD"], ["Total paid", f"{paid:.2f}"]], [150 * mm, 30 * mm], total=True)
    )
    footer = _footer(f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by OpenKAP.")
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
