"""`openkap athome escalate`: raise the at-home programme's alerts that are due (a missed check-in,
a blocked one, a suicide-risk answer of an at-home patient), each once, and e-mail the care team.
Run it from cron every few minutes; running it again raises nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openkap.athome.services import escalate


class Command(BaseCommand):
    help = "At-home programme: `openkap athome escalate` raises the alerts that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser("escalate", help="Raise due alerts (each once) and e-mail them.")

    def handle(self, *args: Any, **options: Any) -> None:
        raised = escalate()
        self.stdout.write(f"Raised {raised} at-home alert(s).")
