"""The reports as a PDF (ReportLab): the same tables as the page, the published figures beside the
clinic's numbers, the filters and the sources."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from openkap.clinical.reports import published
from openkap.reports.selectors import OutcomeRow, SafetyGroup
from openkap.reports.views_data import published_by_measure, safety_by_term


def reports_pdf(
    *,
    clinic_name: str,
    filters_text: str,
    outcomes: Sequence[OutcomeRow],
    safety: Sequence[SafetyGroup],
    generated_at: datetime,
) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"Outcomes and safety: {clinic_name}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    story = [
        Paragraph(f"Outcomes and safety: {_escape(clinic_name)}", styles["Title"]),
        Paragraph(f"{_escape(filters_text)}. Generated {generated_at:%Y-%m-%d %H:%M} UTC.", small),
        Spacer(1, 4 * mm),
        Paragraph(
            "Outcomes (patients with at least two administrations, baseline above 0)",
            styles["Heading2"],
        ),
    ]
    figures = published_by_measure()
    outcome_rows = [
        [
            "Instrument",
            "Patients",
            "Baseline mean",
            "Latest mean",
            "Reduction %",
            "Response",
            "Remission",
            "Published",
        ]
    ]
    for row in outcomes:
        outcome_rows.append(
            [
                f"{row.name} (remission {row.remission_rule})" if row.remission_rule else row.name,
                str(row.patients),
                f"{row.baseline_mean:.1f}",
                f"{row.latest_mean:.1f}",
                f"{row.mean_percent_reduction:.1f}",
                _percent(row.response_rate),
                _percent(row.remission_rate),
                Paragraph(_escape(figures.get(row.instrument, "")), small),
            ]
        )
    if len(outcome_rows) == 1:
        outcome_rows.append(["No patient with two administrations.", "", "", "", "", "", "", ""])
    story.append(
        _table(
            outcome_rows, [45 * mm, 18 * mm, 24 * mm, 22 * mm, 22 * mm, 20 * mm, 20 * mm, 95 * mm]
        )
    )
    story += [
        Spacer(1, 5 * mm),
        Paragraph("Safety: sessions with each adverse event", styles["Heading2"]),
    ]
    totals = safety_by_term(safety)
    sessions = sum(group.sessions for group in safety)
    safety_rows = [["Term", "Sessions with event", "Rate (all routes)", "Published"]]
    for term, count in totals:
        published_text = "; ".join(
            f"{f.rate * 100:.2f}% ({f.study.id}{'' if f.verified else ', unverified'})"
            for f in published().safety_for(term)
        )
        safety_rows.append(
            [term, str(count), _percent(count / sessions if sessions else None), published_text]
        )
    if len(safety_rows) == 1:
        safety_rows.append(["No adverse event in the sessions.", "", "", ""])
    story.append(Paragraph(f"{sessions} dosing sessions with a dose started.", small))
    story.append(_table(safety_rows, [60 * mm, 35 * mm, 35 * mm, 110 * mm]))
    group_rows = [["Route", "Protocol", "Sessions", "Terms (rate)"]]
    for group in safety:
        group_rows.append(
            [
                group.route,
                group.protocol,
                str(group.sessions),
                Paragraph(
                    ", ".join(f"{t.term} {t.rate * 100:.1f}%" for t in group.seen),
                    small,
                ),
            ]
        )
    story += [Spacer(1, 3 * mm), _table(group_rows, [40 * mm, 50 * mm, 20 * mm, 150 * mm])]
    story += [Spacer(1, 5 * mm), Paragraph("Sources of the published figures", styles["Heading2"])]
    for study in published().studies:
        story.append(
            Paragraph(
                f"<b>{study.id}</b>: {_escape(study.citation)} ({_escape(study.population)}; "
                f"quoted in {_escape(study.quoted_in)})",
                small,
            )
        )
    document.build(story)
    return buffer.getvalue()


def _table(rows: Sequence[Sequence[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    return table


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
