"""An independent reference for the PK engine: each published model written out by hand as its
differential equations (from the papers' tables as quoted in pkpd.md and nlmixr2lib, NOT from our
knowledge files or the engine's matrices) and integrated numerically with SciPy `solve_ivp`
(LSODA, rtol 1e-11) over the same event table. Tests only (SciPy is a development dependency).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.integrate import solve_ivp

Array = npt.NDArray[np.float64]
Rhs = Callable[[Array], Array]


@dataclass(frozen=True)
class Event:
    """`amount_mg` into `state` at `start` (all at once when duration is 0, else zero order)."""

    state: int
    amount_mg: float
    start: float
    duration: float = 0.0


@dataclass(frozen=True)
class OdeModel:
    states: int
    rhs: Rhs  # dx/dt without inputs (mg/min)
    ketamine: tuple[int, float]  # state, ng/mL per mg
    norketamine: tuple[int, float] | None


def domino(weight_kg: float) -> OdeModel:
    v1 = 0.063 * weight_kg
    k10, k12, k13, k21, k31 = 0.4381, 0.5921, 0.590, 0.247, 0.0146

    def rhs(x: Array) -> Array:
        c, p1, p2 = x
        return np.array(
            [
                -(k10 + k12 + k13) * c + k21 * p1 + k31 * p2,
                k12 * c - k21 * p1,
                k13 * c - k31 * p2,
            ]
        )

    return OdeModel(3, rhs, (0, 1000.0 / v1), None)


def clements(weight_kg: float) -> OdeModel:
    v1 = 1.7522 * weight_kg
    k10, k12, k21 = 0.0109, 0.0186, 0.0137

    def rhs(x: Array) -> Array:
        c, p = x
        return np.array([-(k10 + k12) * c + k21 * p, k12 * c - k21 * p])

    return OdeModel(2, rhs, (0, 1000.0 / v1), None)


def fanta(weight_kg: float) -> OdeModel:
    w = weight_kg / 70.0
    v1, cl = 133.0 * w, 95.2 / 60 * w**0.75
    vp1, q1, vp2, q2 = 187.0, 23.2 / 60, 98.8, 157.0 / 60
    vn, cln = 98.6 * w, 57.7 / 60 * w**0.75
    vnp, qn = 160.0, 42.8 / 60

    def rhs(x: Array) -> Array:
        c, p1, p2, n, np_ = x
        return np.array(
            [
                -(cl + q1 + q2) / v1 * c + q1 / vp1 * p1 + q2 / vp2 * p2,
                q1 / v1 * c - q1 / vp1 * p1,
                q2 / v1 * c - q2 / vp2 * p2,
                cl / v1 * c - (cln + qn) / vn * n + qn / vnp * np_,
                qn / vn * n - qn / vnp * np_,
            ]
        )

    return OdeModel(5, rhs, (0, 1000.0 / v1), (3, 1000.0 / vn))


PEREZ = {
    "FRn": 0.54,
    "later": 0.62,
    "ka_n": 2.93 / 60,
    "Dsw": 0.53 * 60,
    "ka_sw": 1.45 / 60,
    "Dpo": 0.32 * 60,
    "ka_po": 0.97 / 60,
    "Fgut": 0.64,
    "Vc": 192.0,
    "Vp1": 143.0,
    "Vp2": 417.0,
    "Q1": 84.3 / 60,
    "Q2": 37.6 / 60,
    "Qh": 151.0 / 60,
    "Vh": 101.0,
    "kel": 1.11 / 60,
    "kmet": 2.77 / 60,
    "Vcn": 70.0,
    "Vpn": 115.0,
    "CLn": 38.0 / 60,
    "Q3": 26.1 / 60,
}


def perez_ruixo() -> OdeModel:
    p = PEREZ

    def rhs(x: Array) -> Array:
        nasal, sw, po, c, p1, p2, liver, n, np_ = x
        return np.array(
            [
                -p["ka_n"] * nasal,
                -p["ka_sw"] * sw,
                -p["ka_po"] * po,
                p["ka_n"] * nasal
                + p["Q1"] / p["Vp1"] * p1
                + p["Q2"] / p["Vp2"] * p2
                + p["Qh"] / p["Vh"] * liver
                - (p["Q1"] + p["Q2"] + p["Qh"]) / p["Vc"] * c,
                p["Q1"] / p["Vc"] * c - p["Q1"] / p["Vp1"] * p1,
                p["Q2"] / p["Vc"] * c - p["Q2"] / p["Vp2"] * p2,
                p["ka_sw"] * sw
                + p["ka_po"] * po
                + p["Qh"] / p["Vc"] * c
                - (p["Qh"] / p["Vh"] + p["kel"] + p["kmet"]) * liver,
                p["kmet"] * liver - (p["CLn"] + p["Q3"]) / p["Vcn"] * n + p["Q3"] / p["Vpn"] * np_,
                p["Q3"] / p["Vcn"] * n - p["Q3"] / p["Vpn"] * np_,
            ]
        )

    return OdeModel(9, rhs, (3, 1000.0 / p["Vc"]), (7, 1000.0 / p["Vcn"]))


def perez_ruixo_events(route: str, amount_mg: float, start: float, duration: float) -> list[Event]:
    p = PEREZ
    if route == "iv":
        return [Event(3, amount_mg, start, duration)]
    if route == "oral":
        return [Event(2, amount_mg * p["Fgut"], start, p["Dpo"])]
    devices = round(amount_mg / 28)
    frn = p["FRn"] * (1 + (devices - 1) * p["later"]) / devices
    return [
        Event(0, amount_mg * frn, start),
        Event(1, amount_mg * (1 - frn) * p["Fgut"], start, p["Dsw"]),
    ]


MW_RATIO = 223.70 / 237.73  # norketamine / ketamine


def simons(weight_kg: float) -> OdeModel:
    w = weight_kg / 70.0
    vk1, vk2, vk3 = 11.6 * w, 39.0 * w, 174.0 * w
    clk1, clk2, clk3 = 1.48 * w**0.75, 2.43 * w**0.75, 1.21 * w**0.75
    ka1, ka2, ktr_gut, ktr = 0.04, 0.049, 1 / 10.7, 2 / 20.1
    vn2, cln1, cln2 = 221.0 * w, 1.00 * w**0.75, 2.63 * w**0.75

    def rhs(x: Array) -> Array:
        muc, gut, gtr, c, p1, p2, m1, m2, n, np_ = x
        return np.array(
            [
                -ka1 * muc,
                -ka2 * gut,
                ka2 * gut - ktr_gut * gtr,
                ka1 * muc - (clk1 + clk2 + clk3) / vk1 * c + clk2 / vk2 * p1 + clk3 / vk3 * p2,
                clk2 / vk1 * c - clk2 / vk2 * p1,
                clk3 / vk1 * c - clk3 / vk3 * p2,
                clk1 / vk1 * c + ktr_gut * gtr - ktr * m1,
                ktr * m1 - ktr * m2,
                0.8 * ktr * m2 - (cln1 + cln2) / vk1 * n + cln2 / vn2 * np_,
                cln2 / vk1 * n - cln2 / vn2 * np_,
            ]
        )

    return OdeModel(10, rhs, (3, 1000.0 / vk1), (8, 1000.0 / vk1 * MW_RATIO))


def simons_events(route: str, amount_mg: float, start: float, duration: float) -> list[Event]:
    if route == "iv":
        return [Event(3, amount_mg, start, duration)]
    return [Event(0, amount_mg * 0.263, start, 13.1), Event(1, amount_mg * 1.16, start, 29.9)]


def reference(model_id: str, weight_kg: float) -> OdeModel:
    if model_id == "domino-1984":
        return domino(weight_kg)
    if model_id == "clements-nimmo-1981":
        return clements(weight_kg)
    if model_id == "fanta-2015":
        return fanta(weight_kg)
    if model_id == "perez-ruixo-2021":
        return perez_ruixo()
    if model_id == "simons-2022":
        return simons(weight_kg)
    raise KeyError(model_id)


def reference_events(
    model_id: str, doses: Sequence[tuple[str, float, float, float]]
) -> list[Event]:
    """(route, amount_mg, start, duration) doses as input events for the hand-written model."""
    events: list[Event] = []
    for route, amount, start, duration in doses:
        if model_id == "perez-ruixo-2021":
            events += perez_ruixo_events(route, amount, start, duration)
        elif model_id == "simons-2022":
            events += simons_events(route, amount, start, duration)
        else:
            events.append(Event(0, amount, start, duration))
    return events


def solve(model: OdeModel, events: Sequence[Event], time_min: Array) -> tuple[Array, Array | None]:
    """Concentrations (ng/mL) of ketamine and norketamine on the grid by numerical integration,
    segment by segment between the events (boluses applied at their times)."""
    t_end = float(time_min[-1])
    breaks = {0.0, t_end}
    for e in events:
        breaks.add(e.start)
        if e.duration > 0:
            breaks.add(e.start + e.duration)
    points = sorted(b for b in breaks if b <= t_end)
    x = np.zeros(model.states)
    states = np.empty((time_min.size, model.states))
    filled = np.zeros(time_min.size, dtype=bool)
    for i, start in enumerate(points):
        for e in events:
            if e.duration == 0 and e.start == start:
                x[e.state] += e.amount_mg
        at_start = time_min == start
        states[at_start] = x
        filled |= at_start
        if i + 1 == len(points):
            break
        end = points[i + 1]
        rate = np.zeros(model.states)
        for e in events:
            if e.duration > 0 and e.start <= start and e.start + e.duration >= end:
                rate[e.state] += e.amount_mg / e.duration

        def f(_t: float, y: Array, rate: Array = rate) -> Array:
            return model.rhs(y) + rate

        inside = (time_min > start) & (time_min <= end)
        solution = solve_ivp(
            f,
            (start, end),
            x,
            method="LSODA",
            rtol=1e-11,
            atol=1e-15,
            t_eval=np.union1d(time_min[inside], [end]),
            first_step=min(1e-3, end - start),
        )
        assert solution.success, solution.message
        if inside.any():
            states[inside] = solution.y[:, : int(inside.sum())].T
            filled |= inside
        x = solution.y[:, -1].copy()
    assert filled.all()
    ketamine = states[:, model.ketamine[0]] * model.ketamine[1]
    norketamine = (
        states[:, model.norketamine[0]] * model.norketamine[1] if model.norketamine else None
    )
    return ketamine, norketamine
