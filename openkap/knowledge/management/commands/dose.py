"""`openkap dose`: calculate a ketamine / esketamine dose from the command line (no database).

    openkap dose --route iv --dose-mg-per-kg 0.5 --weight-kg 70 --infusion-min 40 \\
        --concentration-mg-per-ml 10 --diluent-ml 96.5 --format json
    openkap dose --route intranasal_esketamine --dose-mg 84 --format json

Prints {"dose_mg", "volume_ml", "total_volume_ml", "rate_ml_per_h", "devices", "rule", "source",
"warnings", "inputs"}. A refused dose (outside the allowed range without --override-reason, not a
whole number of esketamine devices, a mg/kg dose without a weight, an impossible value) exits 2 with
a message naming the option on stderr. The calculation and its checks are the clinical core's
(openkap/clinical/dosing.py); this command only reads and prints.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from openkap.clinical.dosing import DoseError, DoseRequest, dose_calculate
from openkap.clinical.protocols import ProtocolError, load_route_dosing, protocol_ids

EXIT_REFUSED = 2
NUMBER_OPTIONS = (
    "dose_mg_per_kg",
    "weight_kg",
    "dose_mg",
    "infusion_min",
    "concentration_mg_per_ml",
    "diluent_ml",
)


def _option(field: str) -> str:
    return "--" + {"protocol_id": "protocol"}.get(field, field).replace("_", "-")


class Command(BaseCommand):
    help = (
        "Calculate a dose: `dose --route R (--dose-mg-per-kg D --weight-kg W | --dose-mg M) "
        "[--infusion-min T] [--concentration-mg-per-ml C] [--diluent-ml V] [--override-reason TEXT] "
        '[--protocol P] --format json` prints {"dose_mg", "volume_ml", "total_volume_ml", '
        '"rate_ml_per_h", "devices", "rule", "source", "warnings"}. A refused dose exits 2.'
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        try:
            routes = ", ".join(
                f"{r.id} ({', '.join(r.aliases)})" if r.aliases else r.id
                for r in load_route_dosing().values()
            )
            protocols = ", ".join(protocol_ids())
        except ProtocolError:  # reported when the command runs
            routes = protocols = "see the knowledge data"
        parser.add_argument("--route", help=f"route of administration: {routes}")
        for name, text in (
            ("dose_mg_per_kg", "weight-based dose in mg/kg (needs --weight-kg)"),
            ("weight_kg", "patient weight in kg"),
            ("dose_mg", "fixed dose in mg (esketamine: a multiple of 28 mg)"),
            ("infusion_min", "infusion time in minutes (0 = a bolus, where the route allows it)"),
            ("concentration_mg_per_ml", "drug concentration in mg/ml (gives the drug volume)"),
            ("diluent_ml", "diluent volume in ml added to the drug volume (IV bag)"),
        ):
            parser.add_argument(_option(name), dest=name, metavar="NUMBER", help=text)
        parser.add_argument(
            "--override-reason",
            default="",
            help="the prescriber's reason to give a dose outside the allowed range (never passes "
            "an impossible value)",
        )
        parser.add_argument("--protocol", help=f"check against a protocol's range: {protocols}")
        parser.add_argument("--format", choices=["json"], default="json", help="output format")

    def handle(self, *args: Any, **options: Any) -> None:
        route = options["route"]
        if not route:
            self._fail("--route: missing (e.g. --route iv)")
        numbers = {name: self._number(name, options[name]) for name in NUMBER_OPTIONS}
        request = DoseRequest(
            route=route,
            override_reason=options["override_reason"] or "",
            protocol_id=options["protocol"],
            **numbers,
        )
        try:
            result = dose_calculate(request)
        except DoseError as error:
            hint = " [overridable]" if error.overridable else ""
            self._fail(f"{_option(error.field)}: {error.message}{hint}")
        except ProtocolError as error:
            self._fail(f"knowledge data: {error}")
        self.stdout.write(json.dumps(result.to_json()))

    def _number(self, name: str, text: str | None) -> float | None:
        if text is None:
            return None
        try:
            value = float(text.strip())
        except ValueError:
            self._fail(f"{_option(name)}: not a number: {text!r}")
        return value

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(EXIT_REFUSED)
