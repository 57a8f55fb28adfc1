from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.audit.selectors import (
    ChainHead,
    audit_anchor_problem,
    audit_chain_head,
    audit_chain_verify,
)


class Command(BaseCommand):
    help = "Audit trail tools. `openkap audit verify` checks the hash chain and names the first bad row."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help="Verify the audit hash chain; exit 1 at the first bad row."
        )
        verify.add_argument(
            "--anchor",
            type=Path,
            help=(
                "A file kept outside the database (run this daily with it): it records the newest row, "
                "and the next verification fails if that row was since removed or changed."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self._verify(options["anchor"])

    def _verify(self, anchor_path: Path | None) -> None:
        count, chain_break = audit_chain_verify()
        if chain_break is not None:
            raise CommandError(f"Audit chain broken at {chain_break}")
        if anchor_path is not None:
            if anchor_path.exists():
                try:
                    anchor = ChainHead(**json.loads(anchor_path.read_text()))
                except (ValueError, TypeError) as error:
                    raise CommandError(
                        f"--anchor: {anchor_path} is not an anchor file ({error})"
                    ) from None
                problem = audit_anchor_problem(anchor)
                if problem is not None:
                    raise CommandError(f"Audit chain broken: {problem}")
            head = audit_chain_head()
            if head is not None:
                _write_atomically(
                    anchor_path, json.dumps({"sequence": head.sequence, "hash": head.hash})
                )
        self.stdout.write(f"Audit chain intact: {count} rows verified.")


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write must not leave a half anchor that fails every later verification.
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)
