from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openkap.reports.synth import SynthError, synth_clinic


class Command(BaseCommand):
    help = (
        "Write a synthetic clinic's history (synthetic people only; deterministic by seed) in bulk: "
        "plans, dosing sessions with vitals and adverse events, questionnaires. One audit row for "
        "the run, none per record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--clinics", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] > 1
        try:
            summary = synth_clinic(
                patients=options["patients"],
                seed=options["seed"],
                clinics=options["clinics"],
                progress=(lambda line: self.stdout.write(line)) if verbose else None,
            )
        except SynthError as error:
            raise CommandError(str(error)) from None
        counts = ", ".join(f"{name} {count:,}" for name, count in summary.counts.items())
        self.stdout.write(
            f"Synthetic clinic of seed {summary.seed} (clinic ids "
            f"{', '.join(map(str, summary.clinics))}): {counts}; "
            f"{time.perf_counter() - started:.1f} s."
        )
