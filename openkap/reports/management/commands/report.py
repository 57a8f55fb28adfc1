from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.reports import formats
from openkap.reports.cli import add_filter_arguments, filters_from_options
from openkap.reports.selectors import outcomes_report, safety_report


class Command(BaseCommand):
    help = (
        "The clinic's outcomes or safety report, computed by the database, with the published "
        "figures beside it (JSON) or as a table (CSV)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=("outcomes", "safety"))
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        add_filter_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        filters = filters_from_options(options)
        if options["report"] == "outcomes":
            rows = outcomes_report(filters)
            text = (
                json.dumps(formats.outcomes_json(rows, filters), indent=2)
                if options["format"] == "json"
                else formats.outcomes_csv(rows)
            )
        else:
            groups = safety_report(filters)
            text = (
                json.dumps(formats.safety_json(groups, filters), indent=2)
                if options["format"] == "json"
                else formats.safety_csv(groups)
            )
        audit_record(
            action=Action.READ,
            category=Category.REPORTS,
            actor=None,
            username="openkap report",
            object_type=f"{options['report']}_report",
            detail={"format": options["format"], "filters": filters.describe()},
        )
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
