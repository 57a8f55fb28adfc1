"""`openkap billing charges --clinic ID --as USERNAME`: generate the charges of every patient of
the clinic with completed work not yet charged (as that staff member, audited per patient).

`openkap billing descriptors --clinic ID --csv FILE`: load the clinic's own code descriptors
(e.g. from its CPT licence: OpenKAP ships CPT code numbers only). The CSV has the columns code and
descriptor (a header row); a code not in the billing codes file is refused and nothing is loaded."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.billing import charge_services
from openkap.billing.services import descriptors_load


class Command(BaseCommand):
    help = "Billing data: `openkap billing descriptors --clinic ID --csv FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("descriptors", help="Load the clinic's code descriptors.")
        load.add_argument("--clinic", type=int, required=True, help="The clinic's id.")
        load.add_argument("--csv", type=Path, required=True, help="code,descriptor rows.")
        charges = subcommands.add_parser(
            "charges",
            help="Generate the charges of every patient of the clinic with completed work.",
        )
        charges.add_argument("--clinic", type=int, required=True, help="The clinic's id.")
        charges.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The staff member (front desk or billing) the charges are made and audited as.",
        )

        ids = subcommands.add_parser(
            "identifiers", help="The clinic's NPI and Tax ID printed on superbills (optional)."
        )
        ids.add_argument("--clinic", type=int, required=True, help="The clinic's id.")
        ids.add_argument("--npi", default="", help="The clinic's (type 2) NPI: 10 digits.")
        ids.add_argument("--tax-id", dest="tax_id", default="", help="The EIN: NN-NNNNNNN.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "charges":
            self._charges(options)
            return
        if options["subcommand"] == "identifiers":
            self._identifiers(options)
            return
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

    def _charges(self, options: dict[str, Any]) -> None:
        clinic = Clinic.objects.filter(pk=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {options['clinic']}.")
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None or not user_can(actor, Permission.BILLING_EDIT, clinic.pk):
            raise CommandError(
                f"{options['username']!r} is not an active user who may bill at {clinic.name}."
            )
        created = skipped = 0
        for patient in charge_services.patients_with_work(clinic):
            result = charge_services.charges_generate(actor=actor, patient=patient)
            created += len(result.created)
            skipped += len(result.skipped)
        self.stdout.write(
            f"{created} new charge(s) at {clinic.name}; {skipped} piece(s) of work not charged "
            "(see each patient's billing page)."
        )

    def _identifiers(self, options: dict[str, Any]) -> None:
        clinic = Clinic.objects.filter(pk=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"No clinic with id {options['clinic']}.")
        try:
            charge_services.clinic_identifiers_set(
                clinic=clinic, npi=options["npi"], tax_id=options["tax_id"]
            )
        except ValidationError as error:
            raise CommandError(
                " ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        self.stdout.write(f"Saved the billing identifiers of {clinic.name}.")
