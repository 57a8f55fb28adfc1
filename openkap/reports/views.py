"""The Reports page (REPORTS_VIEW) and its downloads (REPORTS_EXPORT): CSV of either report, a PDF of
both, and the raw exports. Every view is for the clinic the user is working in, and audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from openkap.accounts.decorators import active_clinic, clinic_permission_required, request_user
from openkap.accounts.permissions import Permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.reports import published
from openkap.reports import formats
from openkap.reports.forms import ReportFilterForm
from openkap.reports.pdf import reports_pdf
from openkap.reports.selectors import (
    OUTCOME_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    SAFETY_COLUMNS,
    SESSION_COLUMNS,
    ReportFilters,
    outcomes_report,
    questionnaire_export_rows,
    safety_report,
    session_export_rows,
)
from openkap.reports.views_data import chart_data, published_by_measure, safety_by_term


def _filters(request: HttpRequest) -> tuple[ReportFilterForm, ReportFilters | None]:
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, form.filters(active_clinic(request).pk)


def _audit(request: HttpRequest, action: Action, what: str, filters: ReportFilters) -> None:
    audit_record(
        action=action,
        category=Category.REPORTS,
        actor=request_user(request),
        clinic=active_clinic(request),
        object_type=what,
        detail={"filters": filters.describe()},
    )


def _invalid(request: HttpRequest, form: ReportFilterForm) -> HttpResponse:
    return render(
        request, "reports/reports.html", {"form": form, "published": published()}, status=400
    )


@clinic_permission_required(Permission.REPORTS_VIEW)
@require_GET
def reports_view(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return _invalid(request, form)
    outcomes = outcomes_report(filters)
    safety = safety_report(filters)
    _audit(request, Action.READ, "reports", filters)
    sessions = sum(group.sessions for group in safety)
    return render(
        request,
        "reports/reports.html",
        {
            "form": form,
            "outcomes": outcomes,
            "safety": safety,
            "sessions": sessions,
            "terms": [
                {
                    "term": term,
                    "count": count,
                    "rate": count / sessions if sessions else None,
                    "published": published().safety_for(term),
                }
                for term, count in safety_by_term(safety)
            ],
            "published_outcomes": published_by_measure(),
            "published": published(),
            "chart": chart_data(outcomes, safety),
            "query": request.GET.urlencode(),
        },
    )


@clinic_permission_required(Permission.REPORTS_EXPORT)
@require_GET
def report_csv_view(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return _invalid(request, form)
    if request.GET.get("report", "outcomes") == "safety":
        header: Sequence[str] = SAFETY_COLUMNS
        rows = formats.safety_csv_rows(safety_report(filters))
        name = "safety"
    else:
        header, rows, name = (
            OUTCOME_COLUMNS,
            formats.outcomes_csv_rows(outcomes_report(filters)),
            "outcomes",
        )
    _audit(request, Action.EXPORT, f"{name}_report", filters)
    response = HttpResponse(formats.csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-report.csv"'
    return response


@clinic_permission_required(Permission.REPORTS_EXPORT)
@require_GET
def report_pdf_view(request: HttpRequest) -> HttpResponse | FileResponse:
    form, filters = _filters(request)
    if filters is None:
        return _invalid(request, form)
    clinic = active_clinic(request)
    content = reports_pdf(
        clinic_name=clinic.name,
        filters_text=_describe(filters),
        outcomes=outcomes_report(filters),
        safety=safety_report(filters),
        generated_at=timezone.now(),
    )
    _audit(request, Action.EXPORT, "reports_pdf", filters)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename="outcomes-and-safety.pdf",
        content_type="application/pdf",
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@clinic_permission_required(Permission.REPORTS_EXPORT)
@require_GET
def export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, filters = _filters(request)
    if filters is None:
        return _invalid(request, form)
    what = "sessions" if request.GET.get("what") == "sessions" else "questionnaires"
    rows: Iterable[Sequence[Any]]
    header: Sequence[str]
    if what == "sessions":
        header, rows = SESSION_COLUMNS, session_export_rows(filters)
    else:
        header, rows = QUESTIONNAIRE_COLUMNS, questionnaire_export_rows(filters)
    _audit(request, Action.EXPORT, f"{what}_export", filters)
    writer = csv.writer(_Echo(), lineterminator="\n")

    def lines() -> Iterable[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{what}.csv"'
    return response


def _describe(filters: ReportFilters) -> str:
    parts = [
        f"from {filters.date_from}" if filters.date_from else "from the first record",
        f"to {filters.date_to}" if filters.date_to else "to the last",
    ]
    for label, value in (
        ("protocol", filters.protocol),
        ("route", filters.route),
        ("indication", filters.indication),
    ):
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(parts)
