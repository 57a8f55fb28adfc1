"""`openkap outcomes remind`: bring every active plan's questionnaire assignments up to date, then
e-mail each patient once per questionnaire due within the next hours (run it from cron; running it
again sends nothing twice). `openkap outcomes schedule` only assigns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openkap.outcomes.services import reminders_send, schedule_active_plans


class Command(BaseCommand):
    help = "Questionnaire schedules and reminders: `openkap outcomes remind|schedule`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        remind = subcommands.add_parser("remind", help="Assign, then e-mail reminders once each.")
        remind.add_argument(
            "--hours-ahead",
            type=int,
            default=24,
            help="Remind about questionnaires due within this many hours (default 24).",
        )
        subcommands.add_parser("schedule", help="Assign questionnaires from active plans.")

    def handle(self, *args: Any, **options: Any) -> None:
        assigned = schedule_active_plans()
        self.stdout.write(f"Assigned {assigned} new questionnaire(s) from active plans.")
        if options["subcommand"] == "remind":
            sent = reminders_send(hours_ahead=options["hours_ahead"])
            self.stdout.write(f"Sent {sent} reminder(s).")
