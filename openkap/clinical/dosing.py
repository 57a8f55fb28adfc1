"""The dose calculation: a dose, its drug volume, total volume and infusion rate, checked against
the allowed ranges in the knowledge data (knowledge/dosing/routes.toml and, when a protocol is
named, its [dose] range in knowledge/protocols/).

    dose_mg         = dose_mg_per_kg x weight_kg            (or the fixed dose_mg given)
    volume_ml       = dose_mg / concentration_mg_per_ml     (null without a concentration)
    total_volume_ml = volume_ml + diluent_ml
    rate_ml_per_h   = total_volume_ml / (infusion_min / 60) (null for a bolus or without a volume)
    devices         = dose_mg / device_mg                   (esketamine: 28 mg per device)

Refusals raise `DoseError` naming the field. Only a range check is `overridable`: with an
`override_reason` the dose passes with a warning that names the override and the range. An
impossible value (zero or negative, not a number, a weight outside the rule pack's plausibility
limits, both or neither of mg/kg and mg, a mg/kg dose without a weight, an esketamine dose that is
not a whole number of devices, a negative infusion time) is never overridable. An infusion time of 0
on an infused route (IV) is a bolus: outside the route's studied infusion times, so a range check
that only an override reason passes (the rate is then null).

Rounding (for display; every check uses the unrounded values, so rounding never moves a value into
the allowed range): mg and ml/h to 0.1, ml to 0.01, half away from zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from openkap.clinical.protocols import (
    Protocol,
    ProtocolError,
    Range,
    RouteDosing,
    protocol,
    route_dosing,
)
from openkap.clinical.rulepack import load_rule_pack

MG_PLACES = Decimal("0.1")
ML_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.1")
_MINUTES_PER_HOUR = 60
_ROUNDING_PRECISION = 400


class DoseError(ValueError):
    """A dose that cannot be calculated or is refused; `field` names the input at fault."""

    def __init__(self, field: str, message: str, *, overridable: bool = False) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.overridable = overridable


@dataclass(frozen=True)
class DoseRequest:
    route: str
    dose_mg_per_kg: float | None = None
    weight_kg: float | None = None
    dose_mg: float | None = None
    infusion_min: float | None = None
    concentration_mg_per_ml: float | None = None
    diluent_ml: float | None = None
    override_reason: str = ""
    protocol_id: str | None = None


@dataclass(frozen=True)
class DoseResult:
    dose_mg: float
    volume_ml: float | None
    total_volume_ml: float | None
    rate_ml_per_h: float | None
    devices: int | None
    rule: str
    source: str
    warnings: tuple[str, ...]
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "dose_mg": self.dose_mg,
            "volume_ml": self.volume_ml,
            "total_volume_ml": self.total_volume_ml,
            "rate_ml_per_h": self.rate_ml_per_h,
            "devices": self.devices,
            "rule": self.rule,
            "source": self.source,
            "warnings": list(self.warnings),
            "inputs": dict(self.inputs),
        }


@dataclass(frozen=True)
class _Check:
    """One allowed range a value was checked against."""

    field: str
    value: float
    range: Range
    what: str  # "the iv route", "protocol iv-racemic-ketamine"


def dose_calculate(request: DoseRequest) -> DoseResult:
    """The dose for a request, checked; raises DoseError naming the field."""
    route = _route(request.route)
    chosen = _protocol(request.protocol_id, route)
    _check_numbers(request)
    _check_diluent(route, request)
    per_kg, weight, fixed = request.dose_mg_per_kg, request.weight_kg, request.dose_mg
    if per_kg is not None and fixed is not None:
        raise DoseError(
            "dose_mg", "give either a mg/kg dose with a weight or a dose in mg, not both"
        )
    if per_kg is None and fixed is None:
        raise DoseError("dose_mg", "missing: give a mg/kg dose with a weight, or a dose in mg")
    if weight is not None:
        _check_weight(weight)
    if route.device_mg is not None and per_kg is not None:
        raise DoseError(
            "dose_mg_per_kg",
            f"{route.name} is dosed in whole {_n(route.device_mg)} mg devices, not by weight: "
            "give the dose in mg",
        )
    if per_kg is not None:
        if weight is None:
            raise DoseError("weight_kg", "missing: a mg/kg dose needs the patient's weight")
        dose = per_kg * weight
        _check_finite("dose_mg", dose)
        rule = [f"{_n(per_kg)} mg/kg x {_n(weight)} kg = {_n(_round(dose, MG_PLACES))} mg"]
    elif fixed is not None:
        dose = fixed
        rule = [f"fixed dose {_n(_round(dose, MG_PLACES))} mg"]
        if weight is not None:
            rule.append(f"/ {_n(weight)} kg = {_n(round(dose / weight, 4))} mg/kg")
    else:  # pragma: no cover  (both None is refused above)
        raise DoseError("dose_mg", "missing")
    if _round(dose, MG_PLACES) <= 0:
        raise DoseError("dose_mg", f"{dose:.3g} mg is below {MG_PLACES} mg: not a dose")
    per_kg_value = per_kg if per_kg is not None else (dose / weight if weight else None)

    devices = None
    if route.device_mg is not None:
        count = dose / route.device_mg
        if not math.isclose(count, round(count), rel_tol=0, abs_tol=1e-9) or round(count) < 1:
            raise DoseError(
                "dose_mg",
                f"{_n(_round(dose, MG_PLACES))} mg is not a whole number of "
                f"{_n(route.device_mg)} mg devices (give {_n(route.device_mg)}, "
                f"{_n(2 * route.device_mg)}, {_n(3 * route.device_mg)} mg, ...)",
            )
        devices = round(count)
        rule.append(f"{devices} device(s) of {_n(route.device_mg)} mg")

    checks = _range_checks(route, chosen, dose, per_kg_value, request)
    infusion_min, infusion_warnings, infusion_check = _infusion(route, chosen, request)
    if infusion_check is not None:
        checks.append(infusion_check)
    warnings = list(infusion_warnings)
    outside = [c for c in checks if not c.range.contains(c.value)]
    reason = request.override_reason.strip()
    if outside and not reason:
        first = outside[0]
        raise DoseError(
            first.field,
            "; ".join(_outside_text(c) for c in outside)
            + " (a prescriber may override a range with a reason: --override-reason)",
            overridable=True,
        )
    for check in outside:
        warnings.append(f"OVERRIDE: {_outside_text(check)}; override reason: {reason}")
    for check in checks:
        if check.range.unit != "min":
            rule.append(f"allowed {check.range.describe()} ({check.what})")
    seen_notes: set[str] = set()
    for check in checks:
        sourced = check.range.sourced
        if not sourced.verified and sourced.note not in seen_notes:
            seen_notes.add(sourced.note)
            warnings.append(
                f"Unverified range {check.range.describe()} ({check.what}): {sourced.note}"
            )

    volume = total = rate = None
    concentration = request.concentration_mg_per_ml
    if concentration is not None:
        volume = dose / concentration
        total = volume + (request.diluent_ml or 0.0)
        rule.append(f"{_n(_round(dose, MG_PLACES))} mg / {_n(concentration)} mg/ml")
        if request.diluent_ml is not None:
            rule.append(f"+ {_n(request.diluent_ml)} ml diluent")
        if infusion_min is not None and infusion_min > 0:
            rate = total / (infusion_min / _MINUTES_PER_HOUR)
            rule.append(f"over {_n(infusion_min)} min")
        for name, value in (
            ("volume_ml", volume),
            ("total_volume_ml", total),
            ("rate_ml_per_h", rate),
        ):
            if value is not None:
                _check_finite(name, value)
    elif route.infusion == "required":
        warnings.append("No concentration given: the volume and the rate are not calculated.")
    if infusion_min == 0 and route.concentration and request.infusion_min is not None:
        rule.append("bolus")
    if volume is not None and _round(volume, ML_PLACES) == 0:
        warnings.append(
            f"The drug volume ({volume:.4g} ml) is below {ML_PLACES} ml: check the concentration."
        )

    sources = [c.range.sourced.source for c in checks]
    inputs = {
        "route": route.id,
        "protocol": chosen.id if chosen else None,
        "dose_mg_per_kg": per_kg,
        "weight_kg": weight,
        "dose_mg": fixed,
        "infusion_min": infusion_min,
        "concentration_mg_per_ml": concentration,
        "diluent_ml": request.diluent_ml,
        "override_reason": reason,
    }
    return DoseResult(
        dose_mg=_round(dose, MG_PLACES),
        volume_ml=None if volume is None else _round(volume, ML_PLACES),
        total_volume_ml=None if total is None else _round(total, ML_PLACES),
        rate_ml_per_h=None if rate is None else _round(rate, RATE_PLACES),
        devices=devices,
        rule="; ".join(rule),
        source=" | ".join(dict.fromkeys(sources)),
        warnings=tuple(warnings),
        inputs=inputs,
    )


def _route(name: str) -> RouteDosing:
    if not isinstance(name, str) or not name.strip():
        raise DoseError("route", "missing")
    try:
        return route_dosing(name.strip().lower())
    except ProtocolError as error:
        raise DoseError("route", str(error).removeprefix("route: ")) from None


def _protocol(protocol_id: str | None, route: RouteDosing) -> Protocol | None:
    if protocol_id is None:
        return None
    try:
        chosen = protocol(protocol_id)
    except ProtocolError as error:
        raise DoseError("protocol", str(error).removeprefix("protocol: ")) from None
    if chosen.route != route.id:
        raise DoseError(
            "protocol", f"protocol {chosen.id!r} is for route {chosen.route!r}, not {route.id!r}"
        )
    return chosen


def _check_numbers(request: DoseRequest) -> None:
    for name in ("dose_mg_per_kg", "weight_kg", "dose_mg", "concentration_mg_per_ml", "diluent_ml"):
        value = getattr(request, name)
        if value is None:
            continue
        _check_finite(name, value)
        if value <= 0:
            raise DoseError(name, f"must be above 0, got {_n(value)}")
    if request.infusion_min is not None:
        _check_finite("infusion_min", request.infusion_min)
        if request.infusion_min < 0:
            raise DoseError("infusion_min", f"must not be negative, got {_n(request.infusion_min)}")


def _check_finite(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DoseError(name, f"must be a finite number, got {value!r}")


def _check_weight(weight: float) -> None:
    limit = load_rule_pack().limits["weight_kg"]
    if not limit.minimum <= weight <= limit.maximum:
        raise DoseError(
            "weight_kg",
            f"{_n(weight)} kg is outside the plausible {limit.describe()} (a typing error or a "
            "wrong unit?)",
        )


def _range_checks(
    route: RouteDosing,
    chosen: Protocol | None,
    dose: float,
    per_kg: float | None,
    request: DoseRequest,
) -> list[_Check]:
    per_kg_field = "dose_mg_per_kg" if request.dose_mg_per_kg is not None else "dose_mg"
    checks: list[_Check] = []
    if chosen is not None:
        what = f"protocol {chosen.id}"
        if chosen.dose.basis == "mg_per_kg":
            if per_kg is None:
                raise DoseError(
                    "weight_kg",
                    f"missing: protocol {chosen.id!r} doses by weight ({chosen.dose.range.describe()})"
                    "; give the weight to check the dose",
                )
            checks.append(_Check(per_kg_field, per_kg, chosen.dose.range, what))
        else:
            checks.append(_Check("dose_mg", dose, chosen.dose.range, what))
    what = f"the {route.id} route"
    if route.mg_per_kg is not None:
        if per_kg is not None:
            checks.append(_Check(per_kg_field, per_kg, route.mg_per_kg, what))
        elif route.mg is None:
            raise DoseError(
                "weight_kg",
                f"missing: the {route.id} range is by weight ({route.mg_per_kg.describe()}); "
                "give the weight to check the dose",
            )
    if route.mg is not None:
        checks.append(_Check("dose_mg", dose, route.mg, what))
    return checks


def _infusion(
    route: RouteDosing, chosen: Protocol | None, request: DoseRequest
) -> tuple[float | None, list[str], _Check | None]:
    minutes = request.infusion_min
    warnings: list[str] = []
    if route.infusion == "none":
        if minutes is not None and minutes > 0:
            raise DoseError(
                "infusion_min",
                f"{route.name} is not infused: leave the infusion time out (or 0 for a bolus)",
            )
        return minutes, warnings, None
    if minutes is None:
        if chosen is None or chosen.infusion is None:
            raise DoseError(
                "infusion_min", f"missing: {route.name} needs an infusion time in minutes"
            )
        minutes = chosen.infusion.minutes
        warnings.append(f"Infusion time {_n(minutes)} min taken from protocol {chosen.id}.")
    if minutes == 0:
        # A bolus on an infused route: outside the route's studied infusion times, so a range check
        # that only a prescriber's override reason passes; the rate is then null.
        warnings.append(f"Bolus: {route.name} is given as an infusion in the protocols.")
    check = None
    if route.infusion_minutes is not None:
        check = _Check("infusion_min", minutes, route.infusion_minutes, f"the {route.id} route")
    return minutes, warnings, check


def _check_diluent(route: RouteDosing, request: DoseRequest) -> None:
    if request.concentration_mg_per_ml is not None and not route.concentration:
        raise DoseError(
            "concentration_mg_per_ml",
            f"does not apply to {route.name} (fixed-dose devices)",
        )
    if request.diluent_ml is not None:
        if not route.diluent:
            raise DoseError("diluent_ml", f"does not apply to {route.name}")
        if request.concentration_mg_per_ml is None:
            raise DoseError(
                "concentration_mg_per_ml",
                "missing: a diluent volume needs the drug concentration to give a total volume",
            )


def _outside_text(check: _Check) -> str:
    unit = check.range.unit
    value = _n(round(check.value, 4))
    label = "infusion time" if check.field == "infusion_min" else "dose"
    return f"{label} {value} {unit} is outside the allowed {check.range.describe()} ({check.what})"


def _round(value: float, places: Decimal) -> float:
    # Enough precision for any finite float (the default context's 28 digits would overflow).
    context = Context(prec=_ROUNDING_PRECISION)
    return float(Decimal(repr(value)).quantize(places, rounding=ROUND_HALF_UP, context=context))


def _n(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
