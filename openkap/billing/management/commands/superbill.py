"""`openkap superbill --mrn MRN --from DATE --to DATE --output FILE.pdf`: write the patient's
superbill for the dates of service in the range (inclusive).

The superbill shows the charges that exist: it does not generate charges (that is a person's act,
on the patient's billing page, audited under their name). Errors exit non-zero with a message:
unknown MRN, a bad date or range, no charges in the range, a file that cannot be written. The read
is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.billing import documents
from openkap.patients.models import Patient


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name}: {text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Write a patient's superbill (PDF) for a range of dates of service."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mrn", required=True, help="The patient's medical record number.")
        parser.add_argument("--from", dest="start", required=True, help="First date (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", required=True, help="Last date (YYYY-MM-DD).")
        parser.add_argument("--output", required=True, type=Path, help="The PDF file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start"], "--from")
        end = _date(options["end"], "--to")
        mrn = options["mrn"].strip()
        patient = Patient.objects.select_related("clinic").filter(mrn__iexact=mrn).first()
        if patient is None:
            raise CommandError(f"No patient with MRN {mrn!r}.")
        output: Path = options["output"]
        if output.is_dir():
            raise CommandError(f"--output: {output} is a directory.")
        if not output.parent.exists():
            raise CommandError(f"--output: the folder {output.parent} does not exist.")
        try:
            content = documents.superbill(
                actor=None, username="openkap superbill", patient=patient, start=start, end=end
            )
        except documents.DocumentUnavailable as error:
            raise CommandError(f"No superbill for {patient.mrn}: {error}") from None
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(
            f"Wrote the superbill of {patient.mrn} to {output} ({len(content)} bytes)."
        )
