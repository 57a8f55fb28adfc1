"""`openkap estimate --mrn MRN --format json`: the cost estimate of the patient's current plan.

JSON shape: {"lines": [{"item", "quantity", "unit_price", "expected_coverage", "patient_pays"}],
"total", "patient_total", "currency"}. Money is a string with two decimals ("450.00"), never a float,
so no amount is rounded by a JSON reader; quantity is an integer. The payer is the one the clinic
chose for the patient (else the one their registration matches). Errors (unknown MRN, no plan, an
item without a price: named) exit non-zero with a message on stderr. The read is audited."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.billing import selectors
from openkap.patients.models import Patient


class Command(BaseCommand):
    help = "Print the cost estimate of a patient's current treatment plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mrn", required=True, help="The patient's medical record number.")
        parser.add_argument(
            "--format",
            choices=["json", "text"],
            default="json",
            help="json (default): the machine-readable estimate; text: a table for people.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mrn = options["mrn"].strip()
        patient = Patient.objects.select_related("clinic").filter(mrn__iexact=mrn).first()
        if patient is None:
            raise CommandError(f"No patient with MRN {mrn!r}.")
        try:
            result = selectors.plan_estimate(patient)
        except selectors.EstimateUnavailable as error:
            raise CommandError(f"No estimate for {patient.mrn}: {error}") from None
        audit_record(
            action=Action.READ,
            category=Category.BILLING,
            actor=None,
            username="openkap estimate",
            patient=patient,
            object_type="patient",
            object_id=patient.pk,
            detail={"view": "estimate command", "format": options["format"]},
        )
        estimate = result.estimate
        if options["format"] == "json":
            self.stdout.write(json.dumps(estimate.as_dict(), indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"Cost estimate (not a bill) for {patient.mrn}, plan {result.plan.protocol_name}, "
            f"payer {result.payer.name if result.payer else 'none'}:"
        )
        for line in estimate.lines:
            self.stdout.write(
                f"  {line.item:<40} {line.quantity:>3} x {line.unit_price:>9}"
                f"  coverage {line.expected_coverage:>9}  patient {line.patient_pays:>9}"
            )
        self.stdout.write(
            f"  Total {estimate.total} {estimate.currency}; "
            f"the patient pays about {estimate.patient_total}."
        )
        for why in (*estimate.choices, *result.assumptions):
            self.stdout.write(f"  - {why}")
