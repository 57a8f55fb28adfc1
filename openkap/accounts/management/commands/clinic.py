"""`openkap clinic add`: create a clinic (and its organisation on first use) from the command line,
so a new deployment can be set up without any web page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.accounts.models import Clinic
from openkap.accounts.services import clinic_create


class Command(BaseCommand):
    help = "Manage clinics. `openkap clinic add --organisation ORG --name NAME --mrn-prefix P`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        add = subcommands.add_parser("add", help="Create a clinic (and the organisation if new).")
        add.add_argument("--organisation", required=True)
        add.add_argument("--name", required=True)
        add.add_argument(
            "--mrn-prefix", required=True, help="Letters that start this clinic's MRNs."
        )
        add.add_argument("--timezone", default="America/New_York")
        add.add_argument("--idle-timeout-minutes", type=int, default=15)
        subcommands.add_parser("list", help="List clinics.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            for clinic in Clinic.objects.select_related("organisation").order_by("name"):
                self.stdout.write(
                    f"{clinic.pk}\t{clinic.name}\t{clinic.mrn_prefix}\t{clinic.organisation}"
                )
            return
        try:
            clinic = clinic_create(
                organisation_name=options["organisation"],
                name=options["name"],
                mrn_prefix=options["mrn_prefix"],
                timezone_name=options["timezone"],
                idle_timeout_minutes=options["idle_timeout_minutes"],
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from None
        self.stdout.write(f"Created clinic {clinic.name} (MRN prefix {clinic.mrn_prefix}).")


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
