from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.safety.services import monitoring_remind


class Command(BaseCommand):
    help = (
        "Long-term safety monitoring. `openkap monitoring remind` e-mails each clinic's prescribers "
        "and nurses about checks (bladder, liver, cognition) that became due; each due check once, "
        "so it may run as often as you like (e.g. daily from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        remind = subcommands.add_parser("remind", help="Send the reminders of checks due.")
        remind.add_argument(
            "--date",
            help="Act as if today were this day (YYYY-MM-DD); default: each clinic's today.",
        )
        remind.add_argument(
            "--base-url",
            default="",
            help="The address of OpenKAP for the link in the e-mail, e.g. https://openkap.example.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "remind":
            today = None
            if options["date"]:
                try:
                    today = date.fromisoformat(options["date"])
                except ValueError:
                    raise CommandError("--date: a day as YYYY-MM-DD.") from None
            result = monitoring_remind(today=today, base_url=options["base_url"])
            self.stdout.write(
                f"Reminded of {result.reminders} due check(s) in {result.emails} e-mail(s)."
            )
