from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openkap.safety.services import adverse_event_backfill


class Command(BaseCommand):
    help = (
        "Safety tools. `openkap safety backfill` makes the adverse event of every side effect "
        "charted in a session that has none (charted before the chart created them itself)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("backfill", help="Adverse events from charted side effects.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "backfill":
            made = adverse_event_backfill()
            self.stdout.write(f"Made {made} adverse event(s) from charted side effects.")
