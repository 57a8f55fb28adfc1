from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Audit trail tools. `openkap audit verify` checks the hash chain and names the first bad row."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "verify", help="Verify the audit hash chain; exit 1 at the first bad row."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            count, chain_break = audit_chain_verify()
            if chain_break is not None:
                raise CommandError(f"Audit chain broken at {chain_break}")
            self.stdout.write(f"Audit chain intact: {count} rows verified.")
