"""Pharmacokinetic engine: predicted ketamine (and norketamine) plasma concentrations.

The models are data (knowledge/pk/*.toml, one file per published model, each value with its unit
and source; the file format is described at the top of knowledge/pk/domino-1984.toml). A model is
a set of linear compartments (central, peripheral, absorption depots, transit and metabolite
compartments) joined by first-order flows, so its amounts obey

    dx/dt = A x + r(t)

with a constant rate matrix A (per minute) and r(t) the zero-order inputs (IV infusions, and the
zero-order release some oral-route models use), piecewise constant between events; boluses are jumps
in x. The solution is exact (closed form): between two consecutive break points (grid times and
dose events) of length h,

    x(t + h) = E(h) x(t) + Phi(h) r,    E(h) = exp(A h),    Phi(h) = integral_0^h exp(A s) ds,

both read off one matrix exponential of the block matrix [[A, I], [0, 0]] h (Van Loan), computed
by scaling and squaring of a Taylor series that is accurate to rounding error. Unlike an
eigen-decomposition this stays exact when rates coincide (the equal-rate transit chains of
Simons 2022). The same code advances a whole population at once (a stack of rate matrices), and
E(h) is computed once per distinct step length.

Units: minutes, mg, kg, L; concentrations in ng/mL (1 mg/L = 1000 ng/mL). Route ids are those of
knowledge/dosing/routes.toml. Bad input raises `PkInputError` naming the field. Pure Python +
NumPy: no Django, no SciPy.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from openkap.clinical.protocols import load_route_dosing
from openkap.clinical.rulepack import load_rule_pack

PK_DIR = Path(__file__).resolve().parent / "knowledge" / "pk"
NG_PER_ML_PER_MG_PER_L = 1000.0
IV_ROUTE = "iv"

Array = npt.NDArray[np.float64]

# Unit -> (factor to minutes/litres/mg, whether the value is per kg of body weight).
_UNITS: dict[str, tuple[float, bool]] = {
    "L/kg": (1.0, True),
    "L": (1.0, False),
    "L/min": (1.0, False),
    "L/h": (1.0 / 60.0, False),
    "1/min": (1.0, False),
    "1/h": (1.0 / 60.0, False),
    "min": (1.0, False),
    "h": (60.0, False),
    "fraction": (1.0, False),
}
_TAYLOR_ORDER = 16
_TAYLOR_NORM = 0.25


class PkInputError(ValueError):
    """Bad input to the engine; `field` names it ("model", "route", "weight_kg", "dose_mg", ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PkDataError(ValueError):
    """The model data (knowledge/pk/*.toml) is wrong; the message names the file and key."""


@dataclass(frozen=True)
class PkModel:
    id: str
    name: str
    drug: str
    routes: tuple[str, ...]
    sampling_site: str
    source: str
    strength: str
    verified: bool
    notes: str
    has_metabolite: bool
    has_variability: bool
    effect_site_half_life_min: float | None
    version: str = ""
    effect_site_source: str = ""
    weight_dependent: bool = True
    variability_source: str = ""
    route_notes: tuple[tuple[str, str], ...] = ()
    reference_weight_kg: float = 70.0


@dataclass(frozen=True)
class Dose:
    route: str
    amount_mg: float
    start_min: float = 0.0
    duration_min: float = 0.0


@dataclass(frozen=True)
class Prediction:
    model: PkModel
    weight_kg: float
    doses: tuple[Dose, ...]
    time_min: Array
    ketamine_ng_per_ml: Array
    norketamine_ng_per_ml: Array | None

    @property
    def cmax_ng_per_ml(self) -> float:
        return float(np.max(self.ketamine_ng_per_ml))

    @property
    def tmax_min(self) -> float:
        return float(self.time_min[int(np.argmax(self.ketamine_ng_per_ml))])

    def minutes_above(self, threshold_ng_per_ml: float) -> float:
        """Total minutes with the concentration above the threshold (crossings interpolated)."""
        threshold = _positive_number(threshold_ng_per_ml, "threshold_ng_per_ml", allow_zero=True)
        return _minutes_above(self.time_min, self.ketamine_ng_per_ml, threshold)

    def minutes_until_below(self, threshold_ng_per_ml: float, *, after_min: float) -> float | None:
        """Minutes from `after_min` until the concentration falls below the threshold and stays
        below until the end of the horizon: 0 if it is already (and stays) below, None if it is
        still at or above the threshold at the end of the horizon."""
        threshold = _positive_number(threshold_ng_per_ml, "threshold_ng_per_ml", allow_zero=True)
        t, c = self.time_min, self.ketamine_ng_per_ml
        if not math.isfinite(after_min) or after_min < t[0] or after_min > t[-1]:
            raise PkInputError(
                "after_min", f"must lie within the prediction ({_n(t[0])}-{_n(t[-1])} min)"
            )
        keep = t > after_min
        times = np.concatenate(([after_min], t[keep]))
        conc = np.concatenate(([float(np.interp(after_min, t, c))], c[keep]))
        if conc[-1] >= threshold:
            return None
        at_or_above = np.flatnonzero(conc >= threshold)
        if at_or_above.size == 0:
            return 0.0
        i = int(at_or_above[-1])
        fraction = (conc[i] - threshold) / (conc[i] - conc[i + 1])
        return float(times[i] + fraction * (times[i + 1] - times[i]) - after_min)


@dataclass(frozen=True)
class InfusionStep:
    start_min: float
    end_min: float
    rate_mg_per_min: float


@dataclass(frozen=True)
class InfusionPlan:
    model: PkModel
    weight_kg: float
    target_ng_per_ml: float
    loading_bolus_mg: float
    steps: tuple[InfusionStep, ...]
    total_mg: float
    prediction: Prediction


@dataclass(frozen=True)
class PopulationBand:
    time_min: Array
    p5: Array
    p50: Array
    p95: Array
    subjects: int
    variability_source: str


# --------------------------------------------------------------------------------------------
# Model data


@dataclass(frozen=True)
class _Parameter:
    name: str
    value: float
    unit: str
    allometric: float | None
    omega2: float | None
    logit_sd: float | None
    source: str
    verified: bool


@dataclass(frozen=True)
class _Flow:
    source: int
    target: int | None
    kind: str  # "rate" | "clearance" | "mtt"
    parameter: str
    transit: int
    fraction: float


@dataclass(frozen=True)
class _Input:
    compartment: int
    factors: tuple[str | float, ...]
    duration: str | None


@dataclass(frozen=True)
class _PerDevice:
    parameter: str
    device_mg: float
    later_factor: str


@dataclass(frozen=True)
class _Route:
    preference: int
    inputs: tuple[_Input, ...]
    per_device: _PerDevice | None
    note: str


@dataclass(frozen=True)
class _Spec:
    compartments: tuple[str, ...]
    volumes: Mapping[int, str]
    parameters: Mapping[str, _Parameter]
    flows: tuple[_Flow, ...]
    observations: Mapping[str, tuple[int, float]]
    routes: Mapping[str, _Route]
    reference_weight_kg: float


@dataclass(frozen=True)
class _Limits:
    dose_mg_max: float
    horizon_min_max: float
    time_points_max: int
    target_ng_per_ml_max: float
    subjects_max: int
    reporting_thresholds: tuple[float, ...]


def _require(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise PkDataError(f"{where}: missing key {key!r}")
    value = table[key]
    if isinstance(value, bool) and kind is not bool:
        raise PkDataError(f"{where}: {key!r} must be a {kind}")
    if not isinstance(value, kind):
        raise PkDataError(f"{where}: {key!r} must be a {kind}")
    return value


_MODEL_KEYS = frozenset(
    [
        "kind",
        "id",
        "version",
        "name",
        "drug",
        "source",
        "strength",
        "sampling_site",
        "verified",
        "notes",
        "reference_weight_kg",
        "effect_site_half_life_min",
        "effect_site_source",
        "variability_source",
        "parameters",
        "compartments",
        "flows",
        "observations",
        "routes",
    ]
)
_PARAMETER_KEYS = frozenset(
    [
        "value",
        "unit",
        "source",
        "verified",
        "allometric",
        "cv",
        "omega2",
        "logit_sd",
        "iiv_source",
        "note",
    ]
)
_COMPARTMENT_KEYS = frozenset({"id", "volume", "note"})
_FLOW_KEYS = frozenset(
    [
        "from",
        "to",
        "rate",
        "clearance",
        "mean_transit_time",
        "transit_compartments",
        "fraction",
        "note",
    ]
)
_OBSERVATION_KEYS = frozenset({"compartment", "mass_factor", "note"})
_ROUTE_KEYS = frozenset({"preference", "note", "inputs", "per_device"})
_INPUT_KEYS = frozenset({"compartment", "fraction", "duration", "note"})


def _check_keys(table: Any, allowed: frozenset[str], where: str) -> None:
    if not isinstance(table, dict):
        raise PkDataError(f"{where}: must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise PkDataError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")


def _route_ids() -> frozenset[str]:
    return frozenset(load_route_dosing())


def _read_parameter(name: str, table: Mapping[str, Any], where: str) -> _Parameter:
    _check_keys(table, _PARAMETER_KEYS, where)
    value = float(_require(table, "value", (int, float), where))
    unit = _require(table, "unit", str, where)
    if unit not in _UNITS:
        raise PkDataError(f"{where}: unknown unit {unit!r} (known: {', '.join(_UNITS)})")
    if not math.isfinite(value) or value <= 0:
        raise PkDataError(f"{where}: value must be a positive number")
    allometric = table.get("allometric")
    if allometric is not None and (unit == "L/kg" or not isinstance(allometric, int | float)):
        raise PkDataError(f"{where}: allometric must be a number and not on a per-kg value")
    omega2 = table.get("omega2")
    if "cv" in table:
        cv = float(table["cv"])
        omega2 = math.log1p(cv * cv)
    logit_sd = table.get("logit_sd")
    if (omega2 is not None or logit_sd is not None) and not table.get("iiv_source"):
        raise PkDataError(f"{where}: between-subject variability needs its iiv_source")
    if logit_sd is not None and not (unit == "fraction" and value < 1):
        raise PkDataError(f"{where}: logit_sd applies to a fraction below 1")
    return _Parameter(
        name=name,
        value=value,
        unit=unit,
        allometric=float(allometric) if allometric is not None else None,
        omega2=float(omega2) if omega2 is not None else None,
        logit_sd=float(logit_sd) if logit_sd is not None else None,
        source=_require(table, "source", str, where),
        verified=bool(_require(table, "verified", bool, where)),
    )


def _read_model(path: Path, routes_known: frozenset[str]) -> tuple[PkModel, _Spec]:
    where = f"knowledge/pk/{path.name}"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    _check_keys(data, _MODEL_KEYS, where)
    params = {
        name: _read_parameter(name, table, f"{where} [parameters.{name}]")
        for name, table in _require(data, "parameters", dict, where).items()
    }

    def param(name: Any, at: str) -> str:
        if not isinstance(name, str) or name not in params:
            raise PkDataError(f"{at}: unknown parameter {name!r}")
        return name

    compartments: list[str] = []
    volumes: dict[int, str] = {}
    for i, table in enumerate(_require(data, "compartments", list, where)):
        at = f"{where} [[compartments]] #{i + 1}"
        _check_keys(table, _COMPARTMENT_KEYS, at)
        compartments.append(_require(table, "id", str, at))
        if "volume" in table:
            volumes[i] = param(table["volume"], at)
    index = {c: i for i, c in enumerate(compartments)}
    if len(index) != len(compartments):
        raise PkDataError(f"{where}: duplicate compartment ids")

    def compartment(name: Any, at: str) -> int:
        if name not in index:
            raise PkDataError(f"{at}: unknown compartment {name!r}")
        return index[name]

    flows: list[_Flow] = []
    for i, table in enumerate(_require(data, "flows", list, where)):
        at = f"{where} [[flows]] #{i + 1}"
        _check_keys(table, _FLOW_KEYS, at)
        source = compartment(table.get("from"), at)
        target = None if table.get("to") == "out" else compartment(table.get("to"), at)
        kinds = [k for k in ("rate", "clearance", "mean_transit_time") if k in table]
        if len(kinds) != 1:
            raise PkDataError(f"{at}: give exactly one of rate, clearance, mean_transit_time")
        kind = {"mean_transit_time": "mtt"}.get(kinds[0], kinds[0])
        if kind == "clearance" and source not in volumes:
            raise PkDataError(f"{at}: a clearance needs a volume on {table['from']!r}")
        fraction = float(table.get("fraction", 1.0))
        if not 0 < fraction <= 1:
            raise PkDataError(f"{at}: fraction must be in (0, 1]")
        flows.append(
            _Flow(
                source=source,
                target=target,
                kind=kind,
                parameter=param(table[kinds[0]], at),
                transit=int(table.get("transit_compartments", 1)),
                fraction=fraction,
            )
        )
    observations: dict[str, tuple[int, float]] = {}
    for analyte, table in _require(data, "observations", dict, where).items():
        at = f"{where} [observations.{analyte}]"
        _check_keys(table, _OBSERVATION_KEYS, at)
        if analyte not in ("ketamine", "norketamine"):
            raise PkDataError(f"{at}: unknown analyte")
        c = compartment(table.get("compartment"), at)
        if c not in volumes:
            raise PkDataError(f"{at}: the compartment has no volume")
        observations[analyte] = (c, float(_require(table, "mass_factor", (int, float), at)))
    if "ketamine" not in observations:
        raise PkDataError(f"{where}: [observations.ketamine] is missing")
    routes: dict[str, _Route] = {}
    for route_id, table in _require(data, "routes", dict, where).items():
        at = f"{where} [routes.{route_id}]"
        _check_keys(table, _ROUTE_KEYS, at)
        if route_id not in routes_known:
            raise PkDataError(f"{at}: unknown route (knowledge/dosing/routes.toml)")
        inputs = []
        for j, entry in enumerate(_require(table, "inputs", list, at)):
            at_input = f"{at} inputs #{j + 1}"
            _check_keys(entry, _INPUT_KEYS, at_input)
            factors: list[str | float] = []
            for factor in _require(entry, "fraction", list, at_input):
                if isinstance(factor, str):
                    param(factor.removeprefix("1-"), at_input)
                    factors.append(factor)
                else:
                    factors.append(float(factor))
            duration = entry.get("duration")
            inputs.append(
                _Input(
                    compartment=compartment(entry.get("compartment"), at_input),
                    factors=tuple(factors),
                    duration=param(duration, at_input) if duration is not None else None,
                )
            )
        per_device = None
        if "per_device" in table:
            pd = table["per_device"]
            per_device = _PerDevice(
                parameter=param(pd.get("parameter"), at),
                device_mg=float(_require(pd, "device_mg", (int, float), at)),
                later_factor=param(pd.get("later_factor"), at),
            )
        if route_id == IV_ROUTE and any(i.duration for i in inputs):
            raise PkDataError(f"{at}: the IV route takes the dose's own infusion time")
        routes[route_id] = _Route(
            preference=int(_require(table, "preference", int, at)),
            inputs=tuple(inputs),
            per_device=per_device,
            note=str(table.get("note", "")),
        )
    ketamine_compartment = observations["ketamine"][0]
    if IV_ROUTE in routes and [i.compartment for i in routes[IV_ROUTE].inputs] != [
        ketamine_compartment
    ]:
        raise PkDataError(f"{where} [routes.iv]: IV goes into the observed central compartment")
    spec = _Spec(
        compartments=tuple(compartments),
        volumes=volumes,
        parameters=params,
        flows=tuple(flows),
        observations=observations,
        routes=routes,
        reference_weight_kg=float(_require(data, "reference_weight_kg", (int, float), where)),
    )
    half_life = data.get("effect_site_half_life_min")
    if half_life is not None and not data.get("effect_site_source"):
        raise PkDataError(f"{where}: effect_site_half_life_min needs effect_site_source")
    has_variability = any(p.omega2 is not None or p.logit_sd is not None for p in params.values())
    if has_variability and not data.get("variability_source"):
        raise PkDataError(f"{where}: variability needs a model-level variability_source")
    model = PkModel(
        id=_require(data, "id", str, where),
        name=_require(data, "name", str, where),
        drug=_require(data, "drug", str, where),
        routes=tuple(sorted(routes, key=lambda r: (r != IV_ROUTE, r))),
        sampling_site=_require(data, "sampling_site", str, where),
        source=_require(data, "source", str, where),
        strength=_require(data, "strength", str, where),
        verified=bool(_require(data, "verified", bool, where))
        and all(p.verified for p in params.values()),
        notes=_require(data, "notes", str, where),
        has_metabolite="norketamine" in observations,
        has_variability=has_variability,
        effect_site_half_life_min=float(half_life) if half_life is not None else None,
        version=_require(data, "version", str, where),
        effect_site_source=str(data.get("effect_site_source", "")),
        weight_dependent=any(p.unit == "L/kg" or p.allometric is not None for p in params.values()),
        variability_source=str(data.get("variability_source", "")),
        route_notes=tuple((r, routes[r].note) for r in sorted(routes)),
        reference_weight_kg=spec.reference_weight_kg,
    )
    if model.sampling_site not in ("arterial", "venous", "not stated"):
        raise PkDataError(f"{where}: sampling_site must be arterial, venous or not stated")
    if path.stem != model.id:
        raise PkDataError(f"{where}: the file name must be the model id {model.id!r}")
    return model, spec


@cache
def _load() -> tuple[dict[str, tuple[PkModel, _Spec]], _Limits]:
    routes_known = _route_ids()
    models: dict[str, tuple[PkModel, _Spec]] = {}
    limits: _Limits | None = None
    for path in sorted(PK_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            kind = tomllib.load(handle).get("kind")
        if kind == "model":
            model, spec = _read_model(path, routes_known)
            models[model.id] = (model, spec)
        elif kind == "limits":
            with path.open("rb") as handle:
                data = tomllib.load(handle)
            limits = _Limits(
                dose_mg_max=float(data["dose_mg"]["max"]),
                horizon_min_max=float(data["horizon_min"]["max"]),
                time_points_max=int(data["time_points"]["max"]),
                target_ng_per_ml_max=float(data["target_ng_per_ml"]["max"]),
                subjects_max=int(data["subjects"]["max"]),
                reporting_thresholds=tuple(
                    float(v) for v in data["reporting"]["thresholds_ng_per_ml"]
                ),
            )
    if limits is None:
        raise PkDataError("knowledge/pk/limits.toml: missing")
    return models, limits


@dataclass(frozen=True)
class PkCommandDefaults:
    thresholds: tuple[float, ...]  # reported when no threshold is asked for
    max_points: int  # time points in one prediction
    max_horizon_min: float


def pk_command_defaults() -> PkCommandDefaults:
    """What `openkap pk simulate` reports by default, and its size limits (knowledge/pk/
    limits.toml)."""
    limits = _load()[1]
    return PkCommandDefaults(
        thresholds=limits.reporting_thresholds,
        max_points=limits.time_points_max,
        max_horizon_min=limits.horizon_min_max,
    )


def pk_models() -> tuple[PkModel, ...]:
    return tuple(model for model, _ in _load()[0].values())


def pk_model_get(model_id: str) -> PkModel:
    models = _load()[0]
    if model_id not in models:
        raise PkInputError("model", f"unknown model {model_id!r} (known: {', '.join(models)})")
    return models[model_id][0]


def pk_models_for_route(route: str) -> tuple[PkModel, ...]:
    """The models that predict a route, the preferred one first; () when none does."""
    found = [
        (spec.routes[route].preference, m.id, m)
        for m, spec in _load()[0].values()
        if route in spec.routes
    ]
    return tuple(m for _, _, m in sorted(found, key=lambda item: (item[0], item[1])))


def pk_model_read(path: Path) -> PkModel:
    """Read and check one model file (e.g. a new model before it is added to knowledge/pk/);
    PkDataError names the file and the key at fault."""
    try:
        return _read_model(path, _route_ids())[0]
    except tomllib.TOMLDecodeError as error:
        raise PkDataError(f"{path.name}: not valid TOML: {error}") from None
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, PkDataError):
            raise
        raise PkDataError(f"{path.name}: {error!r}") from None


def pk_parameter_table(model: PkModel) -> tuple[dict[str, Any], ...]:
    """The model's parameters as read from its data file (name, value, unit, source, verified,
    between-subject variability), for display."""
    spec = _spec(model)
    return tuple(
        {
            "name": p.name,
            "value": p.value,
            "unit": p.unit,
            "allometric": p.allometric,
            "omega2": p.omega2,
            "logit_sd": p.logit_sd,
            "source": p.source,
            "verified": p.verified,
        }
        for p in spec.parameters.values()
    )


def _spec(model: PkModel) -> _Spec:
    models = _load()[0]
    if not isinstance(model, PkModel) or model.id not in models:
        raise PkInputError("model", f"unknown model {getattr(model, 'id', model)!r}")
    return models[model.id][1]


# --------------------------------------------------------------------------------------------
# Parameters, rate matrix, inputs


def _parameter_values(
    spec: _Spec, weight_kg: float, etas: Mapping[str, Array] | None, subjects: int
) -> dict[str, Array]:
    values: dict[str, Array] = {}
    for p in spec.parameters.values():
        factor, per_kg = _UNITS[p.unit]
        value = p.value * factor * (weight_kg if per_kg else 1.0)
        if p.allometric is not None:
            value *= (weight_kg / spec.reference_weight_kg) ** p.allometric
        column = np.full(subjects, value)
        eta = etas.get(p.name) if etas else None
        if eta is not None:
            if p.logit_sd is not None:
                column = 1.0 / (1.0 + np.exp(-(math.log(value / (1.0 - value)) + eta)))
            else:
                column = column * np.exp(eta)
        values[p.name] = column
    return values


def _rate_matrix(spec: _Spec, values: Mapping[str, Array], subjects: int) -> Array:
    n = len(spec.compartments)
    a = np.zeros((subjects, n, n))
    for flow in spec.flows:
        v = values[flow.parameter]
        if flow.kind == "rate":
            k = v
        elif flow.kind == "clearance":
            k = v / values[spec.volumes[flow.source]]
        else:
            k = flow.transit / v
        a[:, flow.source, flow.source] -= k
        if flow.target is not None:
            a[:, flow.target, flow.source] += k * flow.fraction
    return a


@dataclass(frozen=True)
class _Events:
    boluses: tuple[tuple[float, int, Array], ...]  # time, compartment, amount per subject
    infusions: tuple[tuple[float, float, int, Array], ...]  # start, end, compartment, mg/min


def _events(
    spec: _Spec, doses: Sequence[Dose], values: Mapping[str, Array], subjects: int
) -> _Events:
    boluses: list[tuple[float, int, Array]] = []
    infusions: list[tuple[float, float, int, Array]] = []
    for dose in doses:
        route = spec.routes[dose.route]
        override: dict[str, Array] = {}
        if route.per_device is not None:
            pd = route.per_device
            devices = round(dose.amount_mg / pd.device_mg)
            if devices < 1 or abs(devices * pd.device_mg - dose.amount_mg) > 1e-9 * pd.device_mg:
                raise PkInputError(
                    "dose_mg",
                    f"{dose.route} is given in whole {_n(pd.device_mg)} mg devices, "
                    f"not {_n(dose.amount_mg)} mg",
                )
            later = values[pd.later_factor]
            override[pd.parameter] = values[pd.parameter] * (1.0 + (devices - 1) * later) / devices
        for entry in route.inputs:
            share = np.ones(subjects)
            for factor in entry.factors:
                if isinstance(factor, float):
                    share = share * factor
                else:
                    name = factor.removeprefix("1-")
                    value = override.get(name, values[name])
                    share = share * ((1.0 - value) if factor.startswith("1-") else value)
            amount = dose.amount_mg * share
            duration: float | Array
            if entry.duration is not None:
                column = values[entry.duration]
                if np.ptp(column) != 0:
                    raise PkDataError("a zero-order input duration cannot vary between subjects")
                duration = float(column[0])
            else:
                duration = dose.duration_min
            if duration > 0:
                infusions.append(
                    (
                        dose.start_min,
                        dose.start_min + duration,
                        entry.compartment,
                        amount / duration,
                    )
                )
            else:
                boluses.append((dose.start_min, entry.compartment, amount))
    return _Events(tuple(boluses), tuple(infusions))


# --------------------------------------------------------------------------------------------
# The exact solution


def _expm(m: Array) -> Array:
    """exp(m) for a stack of square matrices: scaling and squaring of the Taylor series (the
    scaled norm is <= 1/4, so order 16 leaves a truncation error far below rounding error)."""
    norm = float(np.max(np.sum(np.abs(m), axis=-1))) if m.size else 0.0
    squarings = max(0, math.ceil(math.log2(norm / _TAYLOR_NORM))) if norm > 0 else 0
    x = m / (2.0**squarings)
    identity = np.broadcast_to(np.eye(m.shape[-1]), m.shape)
    result = identity.copy()
    for k in range(_TAYLOR_ORDER, 0, -1):
        result = identity + (x @ result) / k
    for _ in range(squarings):
        result = result @ result
    return result


def _propagators(a: Array, h: float) -> tuple[Array, Array]:
    """E = exp(A h) and Phi = integral_0^h exp(A s) ds for a stack of rate matrices."""
    subjects, n, _ = a.shape
    block = np.zeros((subjects, 2 * n, 2 * n))
    block[:, :n, :n] = a * h
    block[:, :n, n:] = np.eye(n) * h
    e = _expm(block)
    return e[:, :n, :n], e[:, :n, n:]


def _solve(a: Array, events: _Events, time_min: Array, observe: Sequence[int]) -> Array:
    """Amounts (subjects, len(observe), times) of the observed compartments on the grid."""
    subjects, n, _ = a.shape
    t_end = float(time_min[-1])
    points = {0.0, *time_min.tolist()}
    bolus_at: dict[float, Array] = {}
    for time, compartment, amount in events.boluses:
        if time <= t_end:
            points.add(time)
            bolus_at.setdefault(time, np.zeros((subjects, n)))[:, compartment] += amount
    infusions = []
    for start, end, compartment, rate in events.infusions:
        if start < t_end:
            points.update((start, min(end, t_end)))
            infusions.append((start, end, compartment, rate))
    grid = np.array(sorted(points))
    record = np.searchsorted(grid, time_min)
    out = np.empty((subjects, len(observe), time_min.size))
    cache: dict[float, tuple[Array, Array]] = {}
    x = np.zeros((subjects, n))
    k = 0
    for i, point in enumerate(grid.tolist()):
        if point in bolus_at:
            x = x + bolus_at[point]
        while k < time_min.size and record[k] == i:
            out[:, :, k] = x[:, observe]
            k += 1
        if i + 1 == grid.size:
            break
        following = float(grid[i + 1])
        key = float(f"{following - point:.12g}")
        if key not in cache:
            cache[key] = _propagators(a, key)
        e, phi = cache[key]
        x = np.einsum("sij,sj->si", e, x)
        active = [(c, r) for s, end, c, r in infusions if s <= point and end >= following]
        if active:
            rate = np.zeros((subjects, n))
            for compartment, r in active:
                rate[:, compartment] += r
            x = x + np.einsum("sij,sj->si", phi, rate)
    return out


def _concentrations(
    spec: _Spec, values: Mapping[str, Array], amounts: Array, analytes: Sequence[str]
) -> list[Array]:
    result = []
    for j, analyte in enumerate(analytes):
        compartment, mass_factor = spec.observations[analyte]
        volume = values[spec.volumes[compartment]][:, None]
        conc = amounts[:, j, :] / volume * NG_PER_ML_PER_MG_PER_L * mass_factor
        result.append(np.maximum(conc, 0.0))  # rounding error can leave -1e-20
    return result


# --------------------------------------------------------------------------------------------
# Input checks


def _n(value: float) -> str:
    return f"{value:g}"


def _positive_number(value: Any, field: str, *, allow_zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PkInputError(field, f"not a number: {value!r}") from None
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise PkInputError(
            field,
            f"must be a {'non-negative' if allow_zero else 'positive'} number, not {_n(number)}",
        )
    return number


def _check_weight(model: PkModel, weight_kg: Any) -> float:
    weight = _positive_number(weight_kg, "weight_kg")
    limit = load_rule_pack().limits["weight_kg"]
    if not limit.minimum <= weight <= limit.maximum:
        raise PkInputError(
            "weight_kg",
            f"{_n(weight)} kg is outside the plausible {_n(limit.minimum)}-{_n(limit.maximum)} kg",
        )
    return weight


def _check_doses(model: PkModel, doses: Sequence[Dose]) -> tuple[Dose, ...]:
    limits = _load()[1]
    checked = tuple(doses)
    if not checked:
        raise PkInputError("doses", "give at least one dose")
    for dose in checked:
        if not isinstance(dose, Dose):
            raise PkInputError("doses", f"not a Dose: {dose!r}")
        if dose.route not in model.routes:
            raise PkInputError(
                "route",
                f"{model.id} does not predict the route {dose.route!r} "
                f"(it covers: {', '.join(model.routes)})",
            )
        amount = _positive_number(dose.amount_mg, "dose_mg")
        if amount > limits.dose_mg_max:
            raise PkInputError(
                "dose_mg", f"{_n(amount)} mg is above the plausible {_n(limits.dose_mg_max)} mg"
            )
        _positive_number(dose.start_min, "start_min", allow_zero=True)
        duration = _positive_number(dose.duration_min, "infusion_min", allow_zero=True)
        if duration > 0 and dose.route != IV_ROUTE:
            raise PkInputError(
                "infusion_min", f"only IV takes an infusion time; {dose.route} is given at once"
            )
        if duration > limits.horizon_min_max:
            raise PkInputError("infusion_min", f"{_n(duration)} min is too long")
    return checked


def _check_time(time_min: npt.ArrayLike) -> Array:
    limits = _load()[1]
    try:
        t = np.asarray(time_min, dtype=np.float64)
    except (TypeError, ValueError):
        raise PkInputError("time_min", "not a sequence of numbers") from None
    if t.ndim != 1 or t.size == 0:
        raise PkInputError("time_min", "give a one-dimensional, non-empty time grid")
    if t.size > limits.time_points_max:
        raise PkInputError(
            "time_min", f"{t.size} time points is more than the {limits.time_points_max} allowed"
        )
    if not np.all(np.isfinite(t)) or t[0] < 0:
        raise PkInputError("time_min", "times must be finite and not negative")
    if np.any(np.diff(t) <= 0):
        raise PkInputError("time_min", "times must be strictly increasing")
    if t[-1] > limits.horizon_min_max:
        raise PkInputError(
            "time_min", f"the horizon is limited to {_n(limits.horizon_min_max)} min"
        )
    return t


# --------------------------------------------------------------------------------------------
# Public entry points


def pk_simulate(
    *, model: PkModel, doses: Sequence[Dose], weight_kg: float, time_min: npt.ArrayLike
) -> Prediction:
    """The typical subject's predicted concentrations on the time grid, for all the doses (bolus,
    infusions, pauses as separate infusions, repeated doses) by superposition."""
    spec = _spec(model)
    weight = _check_weight(model, weight_kg)
    checked = _check_doses(model, doses)
    t = _check_time(time_min)
    values = _parameter_values(spec, weight, None, 1)
    analytes = ["ketamine", "norketamine"] if model.has_metabolite else ["ketamine"]
    amounts = _solve(
        _rate_matrix(spec, values, 1),
        _events(spec, checked, values, 1),
        t,
        [spec.observations[a][0] for a in analytes],
    )
    conc = _concentrations(spec, values, amounts, analytes)
    t.setflags(write=False)
    for c in conc:
        c.setflags(write=False)
    return Prediction(
        model=model,
        weight_kg=weight,
        doses=checked,
        time_min=t,
        ketamine_ng_per_ml=conc[0][0],
        norketamine_ng_per_ml=conc[1][0] if len(conc) > 1 else None,
    )


def pk_sample_etas(model: PkModel, *, subjects: int, seed: int) -> dict[str, Array]:
    """Random effects for `subjects` virtual subjects: one normal deviate per subject for each
    parameter with published between-subject variability (log-normal, or logit-normal for a
    fraction), in a fixed order so that a seed always gives the same subjects."""
    spec = _spec(model)
    rng = np.random.default_rng(seed)
    etas: dict[str, Array] = {}
    for name in sorted(spec.parameters):
        p = spec.parameters[name]
        sd = math.sqrt(p.omega2) if p.omega2 is not None else p.logit_sd
        if sd is not None:
            etas[name] = rng.normal(0.0, sd, subjects)
    return etas


def pk_simulate_subjects(
    *,
    model: PkModel,
    doses: Sequence[Dose],
    weight_kg: float,
    time_min: npt.ArrayLike,
    etas: Mapping[str, Array],
) -> tuple[Array, Array | None]:
    """Concentrations (subjects x times) of ketamine and norketamine (None without a metabolite)
    for virtual subjects given by their random effects (see `pk_sample_etas`), all at once."""
    spec = _spec(model)
    weight = _check_weight(model, weight_kg)
    checked = _check_doses(model, doses)
    t = _check_time(time_min)
    sizes = {np.asarray(e).shape for e in etas.values()}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise PkInputError("etas", "give one equally long vector per parameter")
    subjects = next(iter(sizes))[0]
    limits = _load()[1]
    if subjects < 1 or subjects > limits.subjects_max:
        raise PkInputError("subjects", f"give 1 to {limits.subjects_max} subjects")
    values = _parameter_values(spec, weight, etas, subjects)
    analytes = ["ketamine", "norketamine"] if model.has_metabolite else ["ketamine"]
    amounts = _solve(
        _rate_matrix(spec, values, subjects),
        _events(spec, checked, values, subjects),
        t,
        [spec.observations[a][0] for a in analytes],
    )
    conc = _concentrations(spec, values, amounts, analytes)
    return conc[0], (conc[1] if len(conc) > 1 else None)


def pk_population_band(
    *,
    model: PkModel,
    doses: Sequence[Dose],
    weight_kg: float,
    time_min: npt.ArrayLike,
    subjects: int = 1000,
    seed: int = 0,
) -> PopulationBand | None:
    """5th, 50th and 95th percentile of the ketamine concentration over virtual subjects whose
    parameters are drawn from the published between-subject variability; None when the model
    publishes none. Deterministic for a seed."""
    _spec(model)
    if not model.has_variability:
        return None
    limits = _load()[1]
    if isinstance(subjects, bool) or not isinstance(subjects, int) or subjects < 2:
        raise PkInputError("subjects", "give a whole number of subjects, at least 2")
    if subjects > limits.subjects_max:
        raise PkInputError("subjects", f"at most {limits.subjects_max} subjects")
    etas = pk_sample_etas(model, subjects=subjects, seed=seed)
    t = _check_time(time_min)
    ketamine, _ = pk_simulate_subjects(
        model=model, doses=doses, weight_kg=weight_kg, time_min=t, etas=etas
    )
    p5, p50, p95 = np.percentile(ketamine, [5.0, 50.0, 95.0], axis=0)
    return PopulationBand(
        time_min=t,
        p5=p5,
        p50=p50,
        p95=p95,
        subjects=subjects,
        variability_source=model.variability_source,
    )


def pk_infusion_plan(
    *,
    model: PkModel,
    weight_kg: float,
    target_ng_per_ml: float,
    duration_min: float,
    step_min: float = 5.0,
    loading_bolus: bool = False,
) -> InfusionPlan:
    """StanPump-style plasma targeting (IV only). Over each step of `step_min` minutes the rate is
    constant and chosen so that the predicted plasma concentration at the end of the step equals
    the target: rate = (target - C_free) / UDF, where C_free is the concentration the step would
    end at with no drug given and UDF (the unit disposition function) the concentration one
    mg/min over the step adds. A negative rate (the concentration would end above the target
    anyway) becomes 0. With `loading_bolus` a bolus of target x central volume fills the central
    compartment at time 0.

    Tolerance (tested on every IV model for steps of 1 to 5 minutes): the plan's own prediction
    equals the target at the end of every step (to rounding) and, after the first step, stays
    between 90% and 100% of it in between (the concentration dips within a step while the
    peripheral compartments take up drug; shorter steps dip less)."""
    spec = _spec(model)
    if IV_ROUTE not in spec.routes:
        raise PkInputError("route", f"{model.id} does not predict IV; the planner is for IV only")
    weight = _check_weight(model, weight_kg)
    limits = _load()[1]
    target = _positive_number(target_ng_per_ml, "target_ng_per_ml")
    if target > limits.target_ng_per_ml_max:
        raise PkInputError(
            "target_ng_per_ml",
            f"{_n(target)} ng/mL is above the plausible {_n(limits.target_ng_per_ml_max)} ng/mL",
        )
    duration = _positive_number(duration_min, "duration_min")
    if duration > limits.horizon_min_max:
        raise PkInputError("duration_min", f"limited to {_n(limits.horizon_min_max)} min")
    step = _positive_number(step_min, "step_min")
    if step > duration:
        raise PkInputError("step_min", "the step is longer than the duration")
    if duration / step > 10_000:
        raise PkInputError("step_min", "too many steps; use a longer step")
    values = _parameter_values(spec, weight, None, 1)
    a = _rate_matrix(spec, values, 1)
    central, mass_factor = spec.observations["ketamine"]
    per_mg = NG_PER_ML_PER_MG_PER_L * mass_factor / float(values[spec.volumes[central]][0])
    x = np.zeros(len(spec.compartments))
    bolus = target / per_mg if loading_bolus else 0.0
    x[central] += bolus
    count = math.ceil(duration / step - 1e-9)
    bounds = [min(i * step, duration) for i in range(count)] + [duration]
    steps: list[InfusionStep] = []
    for start, end in itertools.pairwise(bounds):
        e, phi = _propagators(a, end - start)
        free = e[0] @ x
        udf = float(phi[0][central, central]) * per_mg
        rate = max(0.0, (target - float(free[central]) * per_mg) / udf)
        x = free + phi[0][:, central] * rate
        steps.append(InfusionStep(start_min=start, end_min=end, rate_mg_per_min=rate))
    doses = [Dose(route=IV_ROUTE, amount_mg=bolus)] if bolus > 0 else []
    doses += [
        Dose(
            route=IV_ROUTE,
            amount_mg=s.rate_mg_per_min * (s.end_min - s.start_min),
            start_min=s.start_min,
            duration_min=s.end_min - s.start_min,
        )
        for s in steps
        if s.rate_mg_per_min > 0
    ]
    points = min(limits.time_points_max - len(bounds), max(201, count * 20 + 1))
    grid = np.union1d(np.linspace(0.0, duration, points), np.array(bounds))
    prediction = pk_simulate(model=model, doses=doses, weight_kg=weight, time_min=grid)
    return InfusionPlan(
        model=model,
        weight_kg=weight,
        target_ng_per_ml=target,
        loading_bolus_mg=bolus,
        steps=tuple(steps),
        total_mg=bolus + sum(s.rate_mg_per_min * (s.end_min - s.start_min) for s in steps),
        prediction=prediction,
    )


def pk_bioavailability() -> tuple[dict[str, Any], ...]:
    """The route bioavailability figures collected from the literature (knowledge/pk/
    bioavailability.toml), each with its source and whether it is verified."""
    path = PK_DIR / "bioavailability.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(dict(entry) for entry in data.get("entries", []))


def _minutes_above(t: Array, c: Array, threshold: float) -> float:
    if t.size < 2:
        return 0.0
    c0, c1, dt = c[:-1], c[1:], np.diff(t)
    above0, above1 = c0 > threshold, c1 > threshold
    both = above0 & above1
    total = float(np.sum(dt[both]))
    crossing = above0 != above1
    if np.any(crossing):
        c0x, c1x, dtx = c0[crossing], c1[crossing], dt[crossing]
        part = np.where(c0x > threshold, (c0x - threshold), (c1x - threshold)) / np.abs(c1x - c0x)
        total += float(np.sum(part * dtx))
    return total
