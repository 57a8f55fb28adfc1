"""Independent references for the population simulation (tests only; SciPy is a development
dependency): an ODE solution with SciPy `solve_ivp` and brute-force per-subject statistics."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.integrate import solve_ivp

from openkap.clinical.pk_population import PARAMETERS, Infusion, MammillaryModel, Variability

Array = npt.NDArray[np.float64]

# Domino 1984 as given in issue 6 (V1 0.063 L/kg; k10, k12, k13, k21, k31 per minute), a two- and a
# one-compartment model with the same central volume: written here by hand, not read from the
# knowledge files, so that the tests do not share the engine's data path.
THREE = MammillaryModel(v1_l_per_kg=0.063, k10=0.4381, k12=0.5921, k13=0.590, k21=0.247, k31=0.0146)
TWO = MammillaryModel(v1_l_per_kg=0.063, k10=0.4381, k12=0.5921, k21=0.247)
ONE = MammillaryModel(v1_l_per_kg=0.063, k10=0.0381)
MODELS = {1: ONE, 2: TWO, 3: THREE}
SPREAD = Variability(cv={name: 0.3 for name in PARAMETERS}, weight_median_kg=70.0, weight_cv=0.2)

# A bolus at the start, an infusion whose ends fall between grid points, a pause, a second
# infusion on grid points and a bolus between grid points.
REGIMEN = (
    Infusion(start_min=0.0, duration_min=0.0, mg=5.0),
    Infusion(start_min=2.5, duration_min=37.25, mg_per_kg=0.5),
    Infusion(start_min=60.0, duration_min=20.0, mg_per_kg=0.2, mg=3.0),
    Infusion(start_min=101.3, duration_min=0.0, mg=10.0),
)


def ode_curve(
    *,
    v1_l: float,
    k10: float,
    k12: float,
    k13: float,
    k21: float,
    k31: float,
    weight_kg: float,
    doses: Sequence[Infusion],
    time_min: Array,
) -> Array:
    """Central concentration (ng/mL) by integrating the amounts' ODEs between dose events."""
    a = np.array(
        [[-(k10 + k12 + k13), k21, k31], [k12, -k21, 0.0], [k13, 0.0, -k31]], dtype=np.float64
    )
    events = sorted(
        {float(time_min[0]), float(time_min[-1])}
        | {d.start_min for d in doses}
        | {d.start_min + d.duration_min for d in doses}
    )
    events = [e for e in events if time_min[0] <= e <= time_min[-1]]
    amount = [d.mg + d.mg_per_kg * weight_kg for d in doses]
    state = np.zeros(3)
    out = np.full(time_min.shape, np.nan)
    for lo, hi in itertools.pairwise(events):
        for d, mg in zip(doses, amount, strict=True):
            if d.duration_min == 0.0 and d.start_min == lo:
                state[0] += mg
        rate = sum(
            mg / d.duration_min
            for d, mg in zip(doses, amount, strict=True)
            if d.duration_min > 0.0 and d.start_min <= lo and hi <= d.start_min + d.duration_min
        )
        inflow = np.array([rate, 0.0, 0.0])
        # The grid points in [lo, hi): the state just after the boluses at lo (right-continuous).
        mask = (time_min >= lo) & (time_min < hi)
        sol = solve_ivp(
            lambda _t, x, inflow=inflow: a @ x + inflow,
            (lo, hi),
            state,
            method="LSODA",
            t_eval=np.concatenate([time_min[mask], [hi]]),
            rtol=1e-10,
            atol=1e-14,
            jac=lambda _t, _x: a,
        )
        assert sol.success, sol.message
        out[mask] = sol.y[0, :-1]
        state = sol.y[:, -1].copy()
    for d, mg in zip(doses, amount, strict=True):  # a bolus at the very last time
        if d.duration_min == 0.0 and d.start_min == time_min[-1]:
            state[0] += mg
    out[-1] = state[0]
    return out * 1000.0 / v1_l


def brute_statistics(t: Array, c: Array, threshold: float) -> tuple[float, float, float]:
    """Cmax, Tmax (the first time of the maximum) and minutes above, one value at a time."""
    cmax, tmax = -np.inf, float("nan")
    for time, value in zip(t, c, strict=True):
        if value > cmax:
            cmax, tmax = float(value), float(time)
    minutes = 0.0
    for i in range(len(t) - 1):
        a, b = float(c[i]) - threshold, float(c[i + 1]) - threshold
        dt = float(t[i + 1] - t[i])
        if a > 0 and b > 0:
            minutes += dt
        elif a > 0 >= b:
            minutes += dt * a / (a - b)
        elif b > 0 >= a:
            minutes += dt * b / (b - a)
    return cmax, tmax, minutes
