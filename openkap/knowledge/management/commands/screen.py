"""`openkap screen FILE|-`: screen patients for ketamine / esketamine treatment (no database).

    openkap screen patient.json
    echo '{"age_years": 40, "sex": "female", "weight_kg": 70}' | openkap screen -
    openkap screen patients.json --local-rules clinic.toml

Reads one JSON object, or a list of them (the output is then a list in the same order), and prints
{"decision", "rule_pack", "findings": [...]} for each. Invalid input (not JSON, a wrong type, a
malformed ICD-10-CM code, an implausible value, an unknown route) exits 2 with a message naming the
field on stderr ("[2].weight_kg: ..." for the third object of a list). The rules and the checks are
the clinical core's (openkap/clinical/eligibility.py); this command only reads and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from openkap.clinical.eligibility import InputError, evaluate_json, loads_json
from openkap.clinical.rulepack import RulePackError, load_local_rules, load_rule_pack

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Screen for ketamine/esketamine eligibility: reads a JSON object (or a list) from FILE or "
        'stdin (-) and prints {"decision", "rule_pack", "findings"}. Invalid input exits 2.'
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help='JSON input; "-" reads stdin')
        parser.add_argument(
            "--local-rules",
            metavar="FILE.toml",
            type=Path,
            help="a clinic's local rules laid over the rule pack (new rules, stricter levels)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pack = load_rule_pack()
            if options["local_rules"] is not None:
                pack = pack.with_local_rules(load_local_rules(options["local_rules"]))
        except RulePackError as error:
            self._fail(f"--local-rules: {error}" if options["local_rules"] else str(error))
        source: str = options["file"]
        try:
            text = (
                sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
            )
        except OSError as error:
            self._fail(f"{source}: cannot read ({error.strerror})")
        except UnicodeDecodeError:
            self._fail(f"{'stdin' if source == '-' else source}: not UTF-8 text")
        try:
            result = evaluate_json(loads_json(text), pack=pack)
        except InputError as error:
            self._fail(str(error))
        self.stdout.write(json.dumps(result, indent=2))

    def _fail(self, message: str) -> NoReturn:
        # Django's CommandError exits 1; bad input exits 2.
        self.stderr.write(f"openkap screen: {message}")
        sys.exit(EXIT_BAD_INPUT)
