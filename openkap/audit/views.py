"""The audit report (ONC §170.315(d)(3)): filter by date range, user, patient and action; sort by each
column; export CSV. Filters and sort travel in POST bodies so patient identifiers stay out of URLs."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openkap.accounts.decorators import active_clinic, clinic_permission_required, request_user
from openkap.accounts.permissions import Permission
from openkap.audit.forms import AuditFilterForm
from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.selectors import SORTABLE_COLUMNS, AuditFilter, audit_event_list
from openkap.audit.services import audit_record

PAGE_ROWS = 200
CSV_COLUMNS = (
    "sequence",
    "occurred_at_utc",
    "username",
    "clinic",
    "patient_mrn",
    "action",
    "category",
    "object_type",
    "object_id",
    "request_id",
    "client_address",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in events:
        yield writer.writerow(
            [
                e.sequence,
                e.occurred_at.astimezone(UTC).isoformat(),
                e.username,
                e.clinic.name if e.clinic else "",
                e.patient.mrn if e.patient else "",
                e.action,
                e.category,
                e.object_type,
                e.object_id,
                e.request_id,
                e.client_address or "",
            ]
        )


@clinic_permission_required(Permission.AUDIT_REPORT)
@require_http_methods(["GET", "POST"])
@transaction.atomic
def audit_report_view(request: HttpRequest) -> HttpResponseBase:
    clinic = active_clinic(request)
    user = request_user(request)
    form = AuditFilterForm(request.POST or None, clinic=clinic)
    filters = form.to_filter() if request.method == "POST" and form.is_valid() else AuditFilter()
    events = audit_event_list(clinic_id=clinic.pk, filters=filters)
    if form.errors:
        # A filter that could not be read must not show everything instead.
        events = events.none()
    exporting = request.POST.get("export") == "csv" and not form.errors
    audit_record(
        action=Action.EXPORT if exporting else Action.READ,
        category=Category.AUDIT_LOG,
        actor=user,
        clinic=clinic,
        detail={"filtered": request.method == "POST", "format": "csv" if exporting else "html"},
    )
    if exporting:
        response = StreamingHttpResponse(
            _csv_rows(events.select_related("clinic", "patient").iterator(chunk_size=2000)),
            content_type="text/csv",
        )
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    context = {
        "form": form,
        "events": list(events[:PAGE_ROWS]),
        "total": events.count(),
        "page_rows": PAGE_ROWS,
        "filters": filters,
        "columns": [
            ("occurred_at", "Time"),
            ("user", "User"),
            ("patient", "Patient"),
            ("action", "Action"),
            ("category", "Data"),
            ("address", "Address"),
        ],
        "sortable": SORTABLE_COLUMNS,
    }
    return render(request, "audit/report.html", context, status=400 if form.errors else 200)
