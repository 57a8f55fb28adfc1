"""Reads of the pharmacology app: a clinic's threshold (or the default), the weight a session's
prediction uses, and the session chart's predicted concentration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.clinical import pk
from openkap.clinical.protocols import route_dosing
from openkap.pharmacology import prediction as pred
from openkap.pharmacology.models import PharmacologySettings
from openkap.screening.engine import latest_measurement

if TYPE_CHECKING:
    from openkap.accounts.models import User
    from openkap.dosing.models import ChartEntry, DosingSession

DOSING_KINDS = (pred.START, pred.PAUSE, pred.RESUME, pred.END, pred.STOP)


@dataclass(frozen=True)
class Threshold:
    value: float
    is_default: bool
    version: int  # 0 while the clinic keeps the default
    default: pred.ThresholdDefault
    updated_at: datetime | None = None
    updated_by: User | None = None


def clinic_threshold(clinic: Clinic) -> Threshold:
    row = PharmacologySettings.objects.filter(clinic=clinic).select_related("updated_by").first()
    default = pred.threshold_default()
    if row is None:
        return Threshold(default.default_ng_per_ml, True, 0, default)
    return Threshold(
        float(row.threshold_ng_per_ml), False, row.version, default, row.updated_at, row.updated_by
    )


@dataclass(frozen=True)
class Weight:
    kg: float | None
    origin: str


def session_weight(session: DosingSession) -> Weight:
    """The weight of the confirmed dose's calculation, else the patient's latest measured one."""
    inputs = (session.dose_calculation or {}).get("inputs") or {}
    if inputs.get("weight_kg"):
        return Weight(float(inputs["weight_kg"]), "the confirmed dose's calculation")
    measured = latest_measurement(session.patient, "weight_kg")
    if measured is not None and measured.weight_kg:
        return Weight(
            float(measured.weight_kg),
            f"the latest weight in the intake ({timezone.localdate(measured.taken_at):%Y-%m-%d})",
        )
    return Weight(None, "")


def session_infusion_min(session: DosingSession) -> float | None:
    inputs = (session.dose_calculation or {}).get("inputs") or {}
    value = inputs.get("infusion_min")
    return float(value) if value else None


def session_concentration_mg_per_ml(session: DosingSession) -> float | None:
    """The infused solution's concentration: the dose over the total volume with the diluent."""
    calculation = session.dose_calculation or {}
    total = calculation.get("total_volume_ml")
    if session.dose_mg and total:
        return float(session.dose_mg) / float(total)
    return None


def dosing_events(session: DosingSession, entries: list[ChartEntry]) -> list[pred.DosingEvent]:
    start = session.dose_started_at
    if start is None:
        return []
    return [
        pred.DosingEvent(entry.kind, (entry.observed_at - start).total_seconds() / 60)
        for entry in entries
        if entry.kind in DOSING_KINDS
    ]


def _points(result: dict[str, Any]) -> dict[str, Any]:
    return {"t": result["time_min"], "c": result["ketamine_ng_per_ml"]}


def session_prediction(
    session: DosingSession, entries: list[ChartEntry], *, now: datetime | None = None
) -> dict[str, Any]:
    """What the session chart shows of the predicted concentration: for the confirmed dose as
    planned and, once dosing started, for the dose the chart says was given. Never raises: a
    prediction that cannot be made says why."""
    if session.dose_mg is None:
        return {"state": "no_dose"}
    route = session.plan.route
    model = pred.model_for_route(route)
    if model is None:
        return {"state": "no_model", "route": route}
    weight = session_weight(session)
    if weight.kg is None and not model.weight_dependent:
        # The model has no weight covariate: the engine still takes a weight, which changes nothing.
        weight = Weight(pred.NOMINAL_WEIGHT_KG, "nowhere: this model does not use the weight")
    if weight.kg is None:
        return {"state": "no_weight", "model": pred.model_label(model)}
    threshold = clinic_threshold(session.patient.clinic)
    dose_mg = float(session.dose_mg)
    infusion_min = session_infusion_min(session)
    planned_doses = pred.planned_doses(route=route, dose_mg=dose_mg, infusion_min=infusion_min)
    try:
        planned = pred.predict(
            model=model,
            doses=planned_doses,
            weight_kg=weight.kg,
            end_min=planned_doses[0].duration_min,
            threshold_ng_per_ml=threshold.value,
            band=session.dose_started_at is None,
        )
        given = None
        given_doses = None
        if session.dose_started_at is not None:
            given_doses = pred.doses_given(
                route=route,
                dose_mg=dose_mg,
                infusion_min=infusion_min,
                events=dosing_events(session, entries),
            )
            if given_doses.doses:
                given = pred.predict(
                    model=model,
                    doses=given_doses.doses,
                    weight_kg=weight.kg,
                    end_min=given_doses.end_min,
                    threshold_ng_per_ml=threshold.value,
                )
    except pk.PkInputError as error:
        return {
            "state": "refused",
            "model": pred.model_label(model),
            "message": f"{error.field}: {error}",
        }
    headline = given or planned
    start = session.dose_started_at
    now = now or timezone.now()
    now_min = (
        round((now - start).total_seconds() / 60, 1)
        if start is not None and session.status == "in_progress"
        else None
    )
    summary = headline["summary"]
    below_minute = summary["threshold"]["minute"]
    chart = {
        "threshold": threshold.value,
        "now": now_min,
        "planned": _points(planned),
        "given": _points(given) if given else None,
        "band": (
            {"t": headline["time_min"], **{k: headline["band"][k] for k in ("p5", "p95")}}
            if headline["band"]
            else None
        ),
    }
    route_name = route_dosing(route).name
    return {
        "state": "ok",
        "model": pred.model_label(model),
        "route_name": route_name,
        # The model was built for another drug than the route's (S-ketamine for racemic ketamine).
        "drug_differs": ("racemic" in route_name.lower()) != ("racemic" in model.drug.lower()),
        "weight": weight,
        "threshold": threshold,
        "dose_mg": dose_mg,
        "infusion_min": infusion_min,
        "is_given": given is not None,
        "given": given_doses,
        "summary": summary,
        "planned_summary": planned["summary"],
        "band": headline["band"],
        "peak_at": start + timedelta(minutes=summary["tmax_min"]) if start else None,
        "below_at": (
            start + timedelta(minutes=below_minute) if start and below_minute is not None else None
        ),
        "chart": chart,
    }
