"""`openkap pk`: predicted ketamine concentrations from the command line (no database).

    openkap pk simulate --model domino-1984 --route iv --dose-mg-per-kg 0.5 --weight-kg 70 \\
        --infusion-min 40 --t-end-min 240 --step-min 1 --format json
    openkap pk simulate --model perez-ruixo-2021 --route intranasal_esketamine --dose-mg 56 \\
        --t-end-min 240 --step-min 5 --format csv --threshold 100
    openkap pk models [--format json]

`simulate` prints {"time_min": [...], "ketamine_ng_per_ml": [...], "norketamine_ng_per_ml": [...]
(only for a model with the metabolite), "cmax_ng_per_ml", "tmax_min", "minutes_above": {"100": m,
...}, "inputs": {...}}. The grid is 0, S, 2S, ... up to E (E itself is always the last point). The
dose is one bolus (--infusion-min absent or 0; for oral-route models the whole dose at time 0) or
one IV infusion. Without --threshold the minutes above the data's default reporting thresholds
(knowledge/pk/limits.toml: the 100-250 ng/mL dissociation range of pkpd.md §2) are given.
`--format csv` prints one row per time point (time_min, ketamine_ng_per_ml[,
norketamine_ng_per_ml]) on stdout and the summary (cmax, tmax, minutes above, inputs) as one JSON
line on stderr, so that stdout stays plain CSV.

Bad input exits 2 with a message naming the option on stderr: an unknown model, a route the model
does not predict, both or neither of --dose-mg and --dose-mg-per-kg, a missing weight when the dose
is per kg or the model scales with weight, zero, negative or non-numeric values, a step longer than
the horizon, too many time points. The predictions are the clinical core's
(openkap/clinical/pk.py); this command only reads and prints.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from typing import Any, NoReturn

import numpy as np
from django.core.management.base import BaseCommand, CommandParser

from openkap.clinical.pk import (
    IV_ROUTE,
    Dose,
    PkInputError,
    pk_command_defaults,
    pk_model_get,
    pk_models,
    pk_simulate,
)

EXIT_REFUSED = 2
_OPTIONS = {
    "model": "--model",
    "route": "--route",
    "dose_mg": "--dose-mg",
    "dose_mg_per_kg": "--dose-mg-per-kg",
    "weight_kg": "--weight-kg",
    "infusion_min": "--infusion-min",
    "t_end_min": "--t-end-min",
    "step_min": "--step-min",
    "threshold_ng_per_ml": "--threshold",
    "time_min": "--t-end-min",
    "start_min": "--infusion-min",
    "doses": "--dose-mg",
}


def _fail(message: str) -> NoReturn:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.exit(EXIT_REFUSED)


def _number(options: dict[str, Any], name: str) -> float | None:
    text = options.get(name)
    if text is None:
        return None
    try:
        value = float(str(text).strip())
    except ValueError:
        _fail(f"{_OPTIONS[name]}: not a number: {text!r}")
    if not math.isfinite(value):
        _fail(f"{_OPTIONS[name]}: not a finite number: {text!r}")
    return value


def _label(value: float) -> str:
    return f"{value:g}" if float(value) == round(value, 6) else repr(float(value))


class Command(BaseCommand):
    help = (
        "Predicted ketamine / norketamine plasma concentrations: `pk simulate --model M --route R "
        "(--dose-mg X | --dose-mg-per-kg Y --weight-kg W) [--infusion-min T] --t-end-min E "
        "--step-min S --format json|csv [--threshold NG ...]`; `pk models` lists the models. "
        "Bad input exits 2."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{simulate,models}")
        simulate = actions.add_parser(
            "simulate",
            help="predict the concentrations of one dose",
            description=__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        simulate.add_argument("--model", help="model id (see `openkap pk models`)")
        simulate.add_argument("--route", help="route id: iv, sublingual, oral, ...")
        for name, text in (
            ("dose_mg", "dose in mg"),
            ("dose_mg_per_kg", "dose in mg/kg (needs --weight-kg)"),
            ("weight_kg", "body weight in kg"),
            ("infusion_min", "IV infusion time in minutes (0 or absent: a bolus)"),
            ("t_end_min", "horizon in minutes (E)"),
            ("step_min", "time step in minutes (S)"),
        ):
            simulate.add_argument(_OPTIONS[name], dest=name, metavar="NUMBER", help=text)
        simulate.add_argument(
            "--threshold",
            dest="threshold",
            action="extend",
            nargs="+",
            metavar="NG_PER_ML",
            help="report the minutes above these concentrations (--threshold 100 185, or repeated)",
        )
        simulate.add_argument("--format", choices=["json", "csv"], default="json")
        models = actions.add_parser("models", help="list the models")
        models.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "models":
            self._models(options["format"])
        else:
            self._simulate(options)

    def _models(self, fmt: str) -> None:
        rows = [
            {
                "id": m.id,
                "name": m.name,
                "drug": m.drug,
                "routes": list(m.routes),
                "sampling_site": m.sampling_site,
                "has_metabolite": m.has_metabolite,
                "has_variability": m.has_variability,
                "verified": m.verified,
                "version": m.version,
                "source": m.source,
                "notes": m.notes,
            }
            for m in pk_models()
        ]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for m in pk_models():
            self.stdout.write(
                f"{m.id}  routes: {', '.join(m.routes)}  "
                f"{'verified' if m.verified else 'UNVERIFIED'}  sampling: {m.sampling_site}\n"
                f"    {m.name}\n    source: {m.source}"
            )

    def _simulate(self, options: dict[str, Any]) -> None:
        defaults = pk_command_defaults()
        if not options.get("model"):
            _fail("--model: missing (see `openkap pk models`)")
        if not options.get("route"):
            _fail("--route: missing")
        try:
            model = pk_model_get(options["model"])
        except PkInputError as error:
            _fail(f"--model: {error.message}")
        route = options["route"]
        if route not in model.routes:
            _fail(
                f"--route: {model.id} does not predict the route {route!r} "
                f"(it covers: {', '.join(model.routes)})"
            )
        dose_mg, per_kg = _number(options, "dose_mg"), _number(options, "dose_mg_per_kg")
        weight = _number(options, "weight_kg")
        infusion = _number(options, "infusion_min") or 0.0
        t_end, step = _number(options, "t_end_min"), _number(options, "step_min")
        if (dose_mg is None) == (per_kg is None):
            _fail("--dose-mg: give either --dose-mg or --dose-mg-per-kg with --weight-kg")
        for name, value in (("dose_mg", dose_mg), ("dose_mg_per_kg", per_kg)):
            if value is not None and value <= 0:
                _fail(f"{_OPTIONS[name]}: must be a positive number, not {_label(value)}")
        if weight is not None and weight <= 0:
            _fail(f"--weight-kg: must be a positive number, not {_label(weight)}")
        if weight is None and per_kg is not None:
            _fail("--weight-kg: missing: a mg/kg dose needs the patient's weight")
        if weight is None and model.weight_dependent:
            _fail(f"--weight-kg: missing: the model {model.id} scales with body weight")
        if infusion < 0:
            _fail(f"--infusion-min: must be 0 (a bolus) or positive, not {_label(infusion)}")
        if infusion > 0 and route != IV_ROUTE:
            _fail(f"--infusion-min: only IV takes an infusion time; {route} is given at once")
        if t_end is None:
            _fail("--t-end-min: missing")
        if step is None:
            _fail("--step-min: missing")
        if t_end <= 0:
            _fail(f"--t-end-min: must be a positive number, not {_label(t_end)}")
        if step <= 0:
            _fail(f"--step-min: must be a positive number, not {_label(step)}")
        if step > t_end:
            _fail(
                f"--step-min: {_label(step)} min is longer than the horizon ({_label(t_end)} min)"
            )
        if t_end > defaults.max_horizon_min:
            _fail(
                f"--t-end-min: {_label(t_end)} min is longer than the "
                f"{_label(defaults.max_horizon_min)} min allowed"
            )
        points = math.floor(t_end / step + 1e-9) + 1
        if points > defaults.max_points:
            _fail(
                f"--step-min: {points} time points is more than the {defaults.max_points} allowed; "
                "use a longer step or a shorter horizon"
            )
        thresholds = [
            _number({"threshold_ng_per_ml": t}, "threshold_ng_per_ml")
            for t in (options.get("threshold") or [])
        ]
        if any(t is None or t < 0 for t in thresholds):
            _fail("--threshold: must be a concentration of 0 ng/mL or more")
        reported = [float(t) for t in thresholds if t is not None] or list(defaults.thresholds)
        time_min = np.round(np.arange(points) * step, 9)
        if t_end - time_min[-1] > 1e-9 * t_end:
            time_min = np.append(time_min, t_end)
        amount = dose_mg if dose_mg is not None else float(per_kg or 0) * float(weight or 0)
        try:
            prediction = pk_simulate(
                model=model,
                doses=[Dose(route=route, amount_mg=amount, duration_min=infusion)],
                weight_kg=weight if weight is not None else model.reference_weight_kg,
                time_min=time_min,
            )
        except PkInputError as error:
            option = _OPTIONS.get(error.field, error.field)
            if error.field == "dose_mg" and per_kg is not None:
                option = "--dose-mg-per-kg"
            _fail(f"{option}: {error.message}")
        summary: dict[str, Any] = {
            "cmax_ng_per_ml": prediction.cmax_ng_per_ml,
            "tmax_min": prediction.tmax_min,
            "minutes_above": {_label(t): prediction.minutes_above(t) for t in reported},
            "inputs": {
                "model": model.id,
                "model_version": model.version,
                "route": route,
                "dose_mg": amount,
                "weight_kg": weight,
                "infusion_min": infusion,
                "t_end_min": t_end,
                "step_min": step,
                "drug": model.drug,
                "sampling_site": model.sampling_site,
                "verified": model.verified,
                "source": model.source,
                "estimate": "model prediction for a typical patient, not a measurement",
            },
        }
        if options["format"] == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            header = ["time_min", "ketamine_ng_per_ml"]
            columns = [prediction.time_min, prediction.ketamine_ng_per_ml]
            if prediction.norketamine_ng_per_ml is not None:
                header.append("norketamine_ng_per_ml")
                columns.append(prediction.norketamine_ng_per_ml)
            writer.writerow(header)
            for row in zip(*(c.tolist() for c in columns), strict=True):
                writer.writerow([repr(v) for v in row])
            self.stdout.write(buffer.getvalue(), ending="")
            sys.stderr.write(json.dumps(summary) + "\n")
            return
        data: dict[str, Any] = {
            "time_min": prediction.time_min.tolist(),
            "ketamine_ng_per_ml": prediction.ketamine_ng_per_ml.tolist(),
        }
        if prediction.norketamine_ng_per_ml is not None:
            data["norketamine_ng_per_ml"] = prediction.norketamine_ng_per_ml.tolist()
        data.update(summary)
        self.stdout.write(json.dumps(data))
