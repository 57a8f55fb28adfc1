from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.reports.cli import add_filter_arguments, filters_from_options
from openkap.reports.selectors import (
    QUESTIONNAIRE_COLUMNS,
    SESSION_COLUMNS,
    questionnaire_export_rows,
    session_export_rows,
)


class Command(BaseCommand):
    help = (
        "Raw rows the reports are computed from, as CSV: questionnaires (patient_id, instrument, "
        "administered_at, total) or sessions (session_id, patient_id, route, started_at, "
        "adverse_events). Patients are named by their public id only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=("questionnaires", "sessions"))
        parser.add_argument("--format", choices=("csv",), default="csv")
        add_filter_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        filters = filters_from_options(options)
        audit_record(
            action=Action.EXPORT,
            category=Category.REPORTS,
            actor=None,
            username="openkap export",
            object_type=f"{options['what']}_export",
            detail={"format": options["format"], "filters": filters.describe()},
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        if options["what"] == "questionnaires":
            writer.writerow(QUESTIONNAIRE_COLUMNS)
            writer.writerows(questionnaire_export_rows(filters))
        else:
            writer.writerow(SESSION_COLUMNS)
            writer.writerows(session_export_rows(filters))
