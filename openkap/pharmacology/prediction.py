"""Predicted concentrations for the app, without Django: the doses a session's chart says were given
(infusion start, pauses, resumes, the end or an early stop), the clinic threshold's default, and the
prediction's summary and chart data, computed by the pharmacokinetic core (openkap/clinical/pk.py).

Times are minutes from the start of dosing. Everything here is an estimate from a published
population model: the page says so, with the model, its source and sampling site.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from openkap.clinical import pk

THRESHOLD_FILE = (
    Path(__file__).resolve().parent.parent / "clinical/knowledge/pharmacology/threshold.toml"
)
# The time grid of a prediction: minutes from the start of dosing, one point a minute.
HORIZON_MIN = 300.0
AFTER_DOSING_MIN = 180.0
STEP_MIN = 1.0
BAND_SUBJECTS = 500
# The weight passed to a model without a weight covariate (the engine requires one; it is unused).
NOMINAL_WEIGHT_KG = 70.0
# Routes given as an infusion when the dose has an infusion time (the others are given at once).
INFUSED_ROUTES = ("iv",)

START, PAUSE, RESUME, END, STOP = "dose_start", "pause", "resume", "dose_end", "stop"


@dataclass(frozen=True)
class ThresholdDefault:
    default_ng_per_ml: float
    min_ng_per_ml: float
    max_ng_per_ml: float
    strength: str
    verified: bool
    source: str
    note: str
    version: str


@cache
def threshold_default() -> ThresholdDefault:
    """The default "below threshold" concentration and its limits (knowledge data)."""
    data = tomllib.loads(THRESHOLD_FILE.read_text(encoding="utf-8"))
    table = data["threshold"]
    return ThresholdDefault(
        default_ng_per_ml=float(table["default_ng_per_ml"]),
        min_ng_per_ml=float(table["min_ng_per_ml"]),
        max_ng_per_ml=float(table["max_ng_per_ml"]),
        strength=str(table["strength"]),
        verified=bool(table["verified"]),
        source=str(table["source"]),
        note=str(table.get("note", "")),
        version=str(data["version"]),
    )


@dataclass(frozen=True)
class DosingEvent:
    """One dosing entry of the chart: its kind (dose_start, pause, resume, dose_end, stop) and its
    minute from the start of dosing."""

    kind: str
    minute: float


@dataclass(frozen=True)
class GivenDoses:
    doses: tuple[pk.Dose, ...]
    state: str  # running, paused, complete, stopped
    # What the curve assumes, in one sentence for the page ("" when nothing is assumed).
    assumption: str
    given_mg: float  # the amount the doses add up to
    end_min: float  # when dosing ended, or is expected to end


def planned_doses(*, route: str, dose_mg: float, infusion_min: float | None) -> tuple[pk.Dose, ...]:
    """The confirmed dose as planned: an infusion over its time from minute 0, or all at once."""
    duration = infusion_min if route in INFUSED_ROUTES and infusion_min else 0.0
    return (pk.Dose(route=route, amount_mg=dose_mg, start_min=0.0, duration_min=float(duration)),)


def doses_given(
    *,
    route: str,
    dose_mg: float,
    infusion_min: float | None,
    events: Sequence[DosingEvent],
) -> GivenDoses:
    """The doses the chart's entries describe.

    A dose given at once (every route but an IV infusion) is the whole dose at the start. An
    infusion runs at the planned rate (dose / infusion time) in each stretch between the start or a
    resume and the next pause, end or stop:
    - ended as complete: the whole dose went in over the stretches that ran (at whatever rate that
      took);
    - stopped early: only what the planned rate delivered before the stop (never more than the dose);
    - paused now: what went in so far (the curve changes when the infusion resumes);
    - running now: what went in so far, and the rest at the planned rate until the whole dose is in.
    """
    if route not in INFUSED_ROUTES or not infusion_min:
        single = pk.Dose(route=route, amount_mg=dose_mg, start_min=0.0, duration_min=0.0)
        kinds = {event.kind for event in events}
        if STOP in kinds:
            note = (
                "Stopped early: the curve still shows the whole confirmed dose (the chart does not "
                "say how much of it was given)."
            )
            return GivenDoses((single,), "stopped", note, dose_mg, 0.0)
        state = "complete" if END in kinds else "running"
        return GivenDoses((single,), state, "", dose_mg, 0.0)
    rate = dose_mg / infusion_min
    stretches: list[tuple[float, float]] = []
    running_since: float | None = None
    state = "not_started"
    for event in events:
        if event.kind == START and state == "not_started":
            running_since, state = event.minute, "running"
        elif event.kind == PAUSE and state == "running" and running_since is not None:
            stretches.append((running_since, event.minute))
            running_since, state = None, "paused"
        elif event.kind == RESUME and state == "paused":
            running_since, state = event.minute, "running"
        elif event.kind in (END, STOP) and state in ("running", "paused"):
            if running_since is not None:
                stretches.append((running_since, event.minute))
            running_since, state = None, "complete" if event.kind == END else "stopped"
    stretches = [(a, b) for a, b in stretches if b > a]
    if state == "not_started":
        return GivenDoses((), state, "Dosing has not started.", 0.0, 0.0)
    if state == "complete":
        ran = sum(b - a for a, b in stretches)
        if ran <= 0:
            at = pk.Dose(route=route, amount_mg=dose_mg, start_min=0.0, duration_min=0.0)
            return GivenDoses((at,), state, "", dose_mg, 0.0)
        doses = tuple(
            pk.Dose(route=route, amount_mg=dose_mg * (b - a) / ran, start_min=a, duration_min=b - a)
            for a, b in stretches
        )
        return GivenDoses(doses, state, "", dose_mg, stretches[-1][1])
    doses_list: list[pk.Dose] = []
    given = 0.0
    for a, b in stretches:
        amount = min(rate * (b - a), dose_mg - given)
        if amount <= 0:
            break
        doses_list.append(
            pk.Dose(route=route, amount_mg=amount, start_min=a, duration_min=amount / rate)
        )
        given += amount
    end = doses_list[-1].start_min + doses_list[-1].duration_min if doses_list else 0.0
    if state == "stopped":
        return GivenDoses(
            tuple(doses_list),
            state,
            "Stopped early: the amount is what the planned rate delivered before the stop.",
            given,
            end,
        )
    if state == "paused":
        return GivenDoses(
            tuple(doses_list),
            state,
            "Paused: the curve shows the dose given so far; it changes when the infusion resumes.",
            given,
            end,
        )
    assert running_since is not None
    remaining = dose_mg - given
    if remaining > 0:
        doses_list.append(
            pk.Dose(
                route=route,
                amount_mg=remaining,
                start_min=running_since,
                duration_min=remaining / rate,
            )
        )
        end = running_since + remaining / rate
    return GivenDoses(
        tuple(doses_list),
        state,
        "Running: assumes the infusion continues at the planned rate until the whole dose is in.",
        dose_mg,
        end,
    )


# --- The prediction ----------------------------------------------------------------------------


def _grid(end_min: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    horizon = max(HORIZON_MIN, math.ceil(end_min + AFTER_DOSING_MIN))
    return np.arange(0.0, horizon + STEP_MIN / 2, STEP_MIN, dtype=np.float64)


@lru_cache(maxsize=256)
def _simulate(
    model_id: str, doses: tuple[pk.Dose, ...], weight_kg: float, end_min: float
) -> pk.Prediction:
    return pk.pk_simulate(
        model=pk.pk_model_get(model_id), doses=doses, weight_kg=weight_kg, time_min=_grid(end_min)
    )


@lru_cache(maxsize=64)
def _band(
    model_id: str, doses: tuple[pk.Dose, ...], weight_kg: float, end_min: float
) -> pk.PopulationBand | None:
    model = pk.pk_model_get(model_id)
    if not model.has_variability:
        return None
    return pk.pk_population_band(
        model=model,
        doses=doses,
        weight_kg=weight_kg,
        time_min=_grid(end_min),
        subjects=BAND_SUBJECTS,
        seed=0,
    )


def model_for_route(route: str) -> pk.PkModel | None:
    """The preferred published model for a route; None when OpenKAP's sources have none."""
    models = pk.pk_models_for_route(route)
    return models[0] if models else None


def _round(values: Any, places: int = 1) -> list[float]:
    return [round(float(v), places) for v in np.asarray(values, dtype=np.float64)]


def _until_below(prediction: pk.Prediction, threshold: float, end_min: float) -> dict[str, Any]:
    """When the curve falls below the threshold (and stays below), from the end of dosing."""
    if prediction.cmax_ng_per_ml < threshold:
        return {"never_above": True, "minutes_after_end": 0.0, "minute": None, "beyond": False}
    after = prediction.minutes_until_below(threshold, after_min=end_min)
    if after is None:
        return {"never_above": False, "minutes_after_end": None, "minute": None, "beyond": True}
    return {
        "never_above": False,
        "minutes_after_end": round(after),
        "minute": round(end_min + after),
        "beyond": False,
    }


def model_label(model: pk.PkModel) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.name,
        "drug": model.drug,
        "source": model.source,
        "sampling_site": model.sampling_site,
        "strength": model.strength,
        "verified": model.verified,
        "notes": model.notes,
    }


def predict(
    *,
    model: pk.PkModel,
    doses: tuple[pk.Dose, ...],
    weight_kg: float,
    end_min: float,
    threshold_ng_per_ml: float,
    band: bool = True,
) -> dict[str, Any]:
    """One curve (with its population band when the model has one) and its summary."""
    prediction = _simulate(model.id, doses, weight_kg, end_min)
    summary: dict[str, Any] = {
        "cmax_ng_per_ml": round(prediction.cmax_ng_per_ml),
        "tmax_min": round(prediction.tmax_min),
        "end_min": round(end_min, 1),
        "horizon_min": round(float(prediction.time_min[-1])),
        "threshold": _until_below(prediction, threshold_ng_per_ml, end_min),
    }
    result: dict[str, Any] = {
        "time_min": _round(prediction.time_min, 0),
        "ketamine_ng_per_ml": _round(prediction.ketamine_ng_per_ml),
        "summary": summary,
        "band": None,
    }
    population = _band(model.id, doses, weight_kg, end_min) if band else None
    if population is not None:
        # When the slowest of the usual patients (the 95th percentile) falls below the threshold.
        upper = pk.Prediction(
            model=model,
            weight_kg=weight_kg,
            doses=doses,
            time_min=population.time_min,
            ketamine_ng_per_ml=population.p95,
            norketamine_ng_per_ml=None,
        )
        result["band"] = {
            "p5": _round(population.p5),
            "p95": _round(population.p95),
            "subjects": population.subjects,
            "variability_source": population.variability_source,
            "p95_threshold": _until_below(upper, threshold_ng_per_ml, end_min),
        }
    return result


# --- The infusion planner (IV) -------------------------------------------------------------------


class PlannerRefusal(ValueError):
    """The planner refuses its input; `field` names it (as pk.PkInputError does)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def error_field_and_message(error: ValueError) -> tuple[str, str]:
    """The field a refusal names and its message without a leading "field: " prefix."""
    field = str(getattr(error, "field", "") or "")
    message = str(error)
    if field and message.startswith(f"{field}: "):
        message = message.removeprefix(f"{field}: ")
    return field, message


def plan_infusion(
    *,
    model: pk.PkModel,
    weight_kg: float,
    target_ng_per_ml: float,
    duration_min: float,
    step_min: float,
    loading_bolus: bool,
    concentration_mg_per_ml: float | None,
    threshold_ng_per_ml: float,
) -> dict[str, Any]:
    """The core's StanPump-style plan (rates per step, the bolus, the total), in mL/h too when the
    solution's concentration is known, and its predicted curve. Raises pk.PkInputError naming the
    field; a model that is not an IV model is refused (field "model")."""
    if "iv" not in model.routes:
        raise PlannerRefusal("model", f"{model.name} does not predict IV infusions")
    plan = pk.pk_infusion_plan(
        model=model,
        weight_kg=weight_kg,
        target_ng_per_ml=target_ng_per_ml,
        duration_min=duration_min,
        step_min=step_min,
        loading_bolus=loading_bolus,
    )

    def ml_per_h(mg_per_min: float) -> float | None:
        return (
            round(mg_per_min * 60 / concentration_mg_per_ml, 1) if concentration_mg_per_ml else None
        )

    steps = [
        {
            "start_min": round(step.start_min, 1),
            "end_min": round(step.end_min, 1),
            "rate_mg_per_min": round(step.rate_mg_per_min, 3),
            "rate_mg_per_kg_per_h": round(step.rate_mg_per_min * 60 / weight_kg, 3),
            "rate_ml_per_h": ml_per_h(step.rate_mg_per_min),
            "mg": round(step.rate_mg_per_min * (step.end_min - step.start_min), 2),
        }
        for step in plan.steps
    ]
    doses: list[pk.Dose] = []
    if plan.loading_bolus_mg > 0:
        doses.append(pk.Dose(route="iv", amount_mg=plan.loading_bolus_mg))
    doses += [
        pk.Dose(
            route="iv",
            amount_mg=step.rate_mg_per_min * (step.end_min - step.start_min),
            start_min=step.start_min,
            duration_min=step.end_min - step.start_min,
        )
        for step in plan.steps
        if step.rate_mg_per_min > 0 and step.end_min > step.start_min
    ]
    result = predict(
        model=model,
        doses=tuple(doses),
        weight_kg=weight_kg,
        end_min=duration_min,
        threshold_ng_per_ml=threshold_ng_per_ml,
    )
    bolus_ml = (
        round(plan.loading_bolus_mg / concentration_mg_per_ml, 2)
        if concentration_mg_per_ml and plan.loading_bolus_mg > 0
        else None
    )
    return {
        "model": model_label(model),
        "steps": steps,
        "loading_bolus_mg": round(plan.loading_bolus_mg, 2),
        "loading_bolus_ml": bolus_ml,
        "total_mg": round(plan.total_mg, 1),
        "total_mg_per_kg": round(plan.total_mg / weight_kg, 3),
        "concentration_mg_per_ml": concentration_mg_per_ml,
        "prediction": result,
        "chart": {
            "planned": {"t": result["time_min"], "c": result["ketamine_ng_per_ml"]},
            "plannedLabel": "Proposed infusion",
            "given": None,
            "target": target_ng_per_ml,
            "threshold": threshold_ng_per_ml,
            "now": None,
            "band": (
                {"t": result["time_min"], "p5": result["band"]["p5"], "p95": result["band"]["p95"]}
                if result["band"]
                else None
            ),
        },
    }
