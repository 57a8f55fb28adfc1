"""`openkap billing descriptors --clinic ID --csv FILE`: load the clinic's own code descriptors
(e.g. from its CPT licence: OpenKAP ships CPT code numbers only). The CSV has the columns code and
descriptor (a header row); a code not in the billing codes file is refused and nothing is loaded."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.accounts.models import Clinic
from openkap.billing.services import descriptors_load


class Command(BaseCommand):
    help = "Billing data: `openkap billing descriptors --clinic ID --csv FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("descriptors", help="Load the clinic's code descriptors.")
        load.add_argument("--clinic", type=int, required=True, help="The clinic's id.")
        load.add_argument("--csv", type=Path, required=True, help="code,descriptor rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = Clinic.objects.filter(pk=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {options['clinic']}.")
        path: Path = options["csv"]
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or not {"code", "descriptor"} <= set(reader.fieldnames):
                    raise CommandError("The CSV needs the columns code and descriptor.")
                rows = [(row["code"] or "", row["descriptor"] or "") for row in reader]
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            count = descriptors_load(actor=None, clinic=clinic, rows=rows)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Loaded {count} descriptor(s) for {clinic.name}.")
