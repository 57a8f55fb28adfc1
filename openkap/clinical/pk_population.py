"""Population simulation of a linear mammillary IV model (one, two or three compartments).

N virtual subjects, each with its own log-normally distributed micro-constants and weight, receive
the same regimen of IV boluses and zero-order infusions (amounts in mg and/or mg/kg). The central
(plasma) concentration of every subject is evaluated on a uniform time grid in closed form, and the
run returns, per subject, Cmax, Tmax and the minutes above a threshold, and, per time point, the
requested percentiles across subjects. Pure Python + NumPy: no Django, no SciPy.

How it is computed (and why it is exact):

- The central concentration after a unit dose into the central compartment is a sum of
  exponentials, C(t) = sum_i A_i exp(-lambda_i t) (macro-constants). The exponents lambda_i are the
  eigenvalues of the rate matrix: the roots of its characteristic polynomial, computed for every
  subject at once (quadratic formula for two compartments; the trigonometric solution of the cubic
  for three, the smallest root by Vieta's product, the others polished by one Newton step). The
  coefficients are A_i = prod_j (k_j1 - lambda_i) / prod_{m != i} (lambda_m - lambda_i) / V1 over the
  peripheral compartments j (they sum to 1/V1).
- Each exponential term ("mode") is advanced independently from one grid time to the next:
  x_i(t + dt) = x_i(t) exp(-lambda_i dt) + (input during the step). For a step fully inside an
  infusion of rate R the input is R A_i (1 - exp(-lambda_i dt)) / lambda_i; steps cut by the start
  or end of an infusion, and boluses between grid points, get their exact integrals. This is the
  closed form (the same superposition as the ADVAN-style solutions of Abuhelwa 2015), evaluated by a
  geometric recurrence on the uniform grid: the rounding error grows by about one unit in the last
  place per step (about 1e-13 relative after 241 steps), and the tests check it against an ODE
  solution to 1e-6 relative.
- Memory stays bounded: the subjects x time matrix is never materialised (1,000,000 x 241 float64
  would be 1.9 GB). Time is processed in blocks of a few columns for all subjects; a block is
  written by the simulation (subjects split between threads, in cache-sized chunks) while the
  percentiles of the previous block are taken (one in-place partition per column and percentile),
  so the peak is the per-subject arrays plus two blocks.
- Percentiles are NumPy's default ("linear") percentiles, computed exactly (the same order
  statistics and the same interpolation as `numpy.percentile`).
- Determinism: every random number is drawn up front, one independent stream per parameter
  spawned from `numpy.random.SeedSequence(seed)`, so a seed gives the same subjects whatever the
  chunk size or the number of threads.

Between-subject variability: each parameter is `typical * exp(omega * eta)`, eta standard normal,
omega = sqrt(ln(1 + CV^2)) (log-normal with median `typical` and coefficient of variation CV).
The typical values and the CVs are inputs: this module holds no clinical values. When a published
model gives no variability, any CV used with it is an assumption of the caller, to be stated.

Bad input raises `PopulationInputError` naming the field.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MICRO_CONSTANTS = ("k10", "k12", "k13", "k21", "k31")
PARAMETERS = ("v1", *MICRO_CONSTANTS)
NG_PER_ML_PER_MG_PER_L = 1000.0
# Largest population the streaming run accepts, and largest one the curves function materialises.
MAX_SUBJECTS = 20_000_000
MAX_MATERIALISED_VALUES = 50_000_000
# Exponents closer than this (relative) make the coefficients lose more than ~1e-10 to rounding.
MIN_RELATIVE_GAP = 1e-6


class PopulationInputError(ValueError):
    """Bad input; `field` names it ("subjects", "doses", "step_min", "cv", ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class MammillaryModel:
    """Typical (median) values of a mammillary model with elimination from the central compartment.

    One compartment: k12 = k21 = k13 = k31 = 0. Two: k13 = k31 = 0. Rate constants per minute.
    V1 = v1_l_per_kg * weight (linear in weight, as in Domino 1984 / StanPump)."""

    v1_l_per_kg: float
    k10: float
    k12: float = 0.0
    k13: float = 0.0
    k21: float = 0.0
    k31: float = 0.0
    name: str = ""
    source: str = ""

    @property
    def compartments(self) -> int:
        if self.k13 > 0.0:
            return 3
        if self.k12 > 0.0:
            return 2
        return 1


@dataclass(frozen=True)
class Variability:
    """Log-normal between-subject variability: CV per parameter ("v1", "k10", ... ; missing = 0)
    and the weight distribution (log-normal, median and CV). `source` says where the CVs come from
    (a publication, or "assumption: ..." when they are illustrative)."""

    cv: Mapping[str, float] = field(default_factory=dict)
    weight_median_kg: float = 70.0
    weight_cv: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class Infusion:
    """A dose into the central compartment: amount = mg + mg_per_kg x the subject's weight, given
    at `start_min` all at once (duration 0, a bolus) or at a constant rate over `duration_min`."""

    start_min: float
    duration_min: float
    mg: float = 0.0
    mg_per_kg: float = 0.0


@dataclass(frozen=True)
class Grid:
    """The uniform time grid t_k = start_min + k * step_min, k = 0 .. points - 1."""

    start_min: float
    step_min: float
    points: int

    @property
    def time_min(self) -> FloatArray:
        return self.start_min + self.step_min * np.arange(self.points, dtype=np.float64)


@dataclass(frozen=True)
class Subjects:
    """Per-subject parameters (arrays of length N): weight (kg), V1 (L), micro-constants (/min)."""

    weight_kg: FloatArray
    v1_l: FloatArray
    k10: FloatArray
    k12: FloatArray
    k13: FloatArray
    k21: FloatArray
    k31: FloatArray
    compartments: int

    @property
    def count(self) -> int:
        return int(self.weight_kg.shape[0])

    def take(self, index: slice | npt.ArrayLike) -> Subjects:
        i = index if isinstance(index, slice) else np.asarray(index)
        return Subjects(
            weight_kg=self.weight_kg[i],
            v1_l=self.v1_l[i],
            k10=self.k10[i],
            k12=self.k12[i],
            k13=self.k13[i],
            k21=self.k21[i],
            k31=self.k31[i],
            compartments=self.compartments,
        )


@dataclass(frozen=True)
class PopulationResult:
    time_min: FloatArray
    percentiles: dict[float, FloatArray]  # q (e.g. 5.0) -> concentration (ng/mL) per time point
    cmax_ng_per_ml: FloatArray  # per subject, the largest value on the grid
    tmax_min: FloatArray  # per subject, the first grid time where it is reached
    minutes_above: FloatArray  # per subject, time above the threshold (crossings interpolated)
    threshold_ng_per_ml: float
    subjects: Subjects
    seed: int | None
    variability_source: str


# --------------------------------------------------------------------------------------------
# Sampling


def _check_positive(value: float, name: str, *, allow_zero: bool = False) -> None:
    if not math.isfinite(value) or value < 0.0 or (value == 0.0 and not allow_zero):
        raise PopulationInputError(name, f"must be a finite number {'>=' if allow_zero else '>'} 0")


def _check_model(model: MammillaryModel) -> None:
    _check_positive(model.v1_l_per_kg, "v1_l_per_kg")
    _check_positive(model.k10, "k10")
    for name in ("k12", "k13", "k21", "k31"):
        _check_positive(getattr(model, name), name, allow_zero=True)
    if (model.k12 > 0.0) != (model.k21 > 0.0):
        raise PopulationInputError("k12", "k12 and k21 must both be > 0 or both be 0")
    if (model.k13 > 0.0) != (model.k31 > 0.0):
        raise PopulationInputError("k13", "k13 and k31 must both be > 0 or both be 0")
    if model.k13 > 0.0 and model.k12 == 0.0:
        raise PopulationInputError("k13", "a third compartment needs a second one (k12, k21)")


def sample_subjects(
    *,
    model: MammillaryModel,
    variability: Variability,
    subjects: int,
    seed: int,
    threads: int | None = None,
) -> Subjects:
    """N subjects. `SeedSequence(seed).spawn(7)` gives one independent random stream each to the
    weight and to v1, k10, k12, k13, k21, k31 (in that order; always drawn, even with a CV of 0),
    so a seed gives the same subjects whatever the CVs and however many threads draw them."""
    _check_model(model)
    if isinstance(subjects, bool) or not isinstance(subjects, int):
        raise PopulationInputError("subjects", "must be a whole number")
    if not 1 <= subjects <= MAX_SUBJECTS:
        raise PopulationInputError("subjects", f"must be from 1 to {MAX_SUBJECTS}")
    _check_positive(variability.weight_median_kg, "weight_median_kg")
    for name, cv in {"weight_cv": variability.weight_cv, **variability.cv}.items():
        if name != "weight_cv" and name not in PARAMETERS:
            raise PopulationInputError("cv", f"unknown parameter {name!r}")
        if not math.isfinite(cv) or not 0.0 <= cv <= 3.0:
            raise PopulationInputError("cv", f"{name}: a coefficient of variation from 0 to 3")
    streams = np.random.SeedSequence(seed).spawn(1 + len(PARAMETERS))
    medians = [variability.weight_median_kg, *(1.0 for _ in PARAMETERS)]
    cvs = [variability.weight_cv, *(variability.cv.get(name, 0.0) for name in PARAMETERS)]

    def lognormal(i: int) -> FloatArray:
        # NumPy releases the GIL while it fills and exponentiates: the streams run in parallel.
        eta = np.random.default_rng(streams[i]).standard_normal(subjects)
        eta *= math.sqrt(math.log1p(cvs[i] * cvs[i]))
        np.exp(eta, out=eta)
        eta *= medians[i]
        return eta

    with ThreadPoolExecutor(max_workers=threads or min(2, os.cpu_count() or 1)) as pool:
        weight, *drawn = pool.map(lognormal, range(len(streams)))
    values = dict(zip(PARAMETERS, drawn, strict=True))
    values["v1"] *= weight
    values["v1"] *= model.v1_l_per_kg
    for name in MICRO_CONSTANTS:
        values[name] *= getattr(model, name)
    return Subjects(
        weight_kg=weight,
        v1_l=values["v1"],
        k10=values["k10"],
        k12=values["k12"],
        k13=values["k13"],
        k21=values["k21"],
        k31=values["k31"],
        compartments=model.compartments,
    )


# --------------------------------------------------------------------------------------------
# Macro-constants


def macro_constants(subjects: Subjects) -> tuple[FloatArray, FloatArray]:
    """(lambdas, coefficients), each of shape (compartments, N): the exponents (/min, largest
    first) and the central concentration per mg given (ng/mL per mg) of each exponential term."""
    k10, k12, k13, k21, k31 = (
        subjects.k10,
        subjects.k12,
        subjects.k13,
        subjects.k21,
        subjects.k31,
    )
    n = subjects.compartments
    if n == 1:
        lam = k10[np.newaxis, :].copy()
    elif n == 2:
        a = k10 + k12 + k21
        b = k10 * k21
        l1 = 0.5 * (a + np.sqrt(a * a - 4.0 * b))
        lam = np.stack([l1, b / l1])
    else:
        a2 = k10 + k12 + k13 + k21 + k31
        a1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31
        a0 = k10 * k21 * k31
        shift = a2 / 3.0
        p = a1 - a2 * a2 / 3.0
        q = -2.0 * a2**3 / 27.0 + a1 * a2 / 3.0 - a0
        r = np.sqrt(-p / 3.0)
        cos_arg = np.clip(-q / (2.0 * r**3), -1.0, 1.0)
        phi = np.arccos(cos_arg) / 3.0
        l1 = shift + 2.0 * r * np.cos(phi)
        l2 = shift + 2.0 * r * np.cos(phi - 2.0 * math.pi / 3.0)
        for root in (l1, l2):  # one Newton step on the characteristic polynomial
            f = ((root - a2) * root + a1) * root - a0
            df = (3.0 * root - 2.0 * a2) * root + a1
            root -= f / df
        lam = np.stack([l1, l2, a0 / (l1 * l2)])
    exits = [k21, k31][: n - 1]
    coef = np.empty_like(lam)
    for i in range(n):
        num = np.ones_like(k10)
        for k_j1 in exits:
            num *= k_j1 - lam[i]
        for m in range(n):
            if m != i:
                num /= lam[m] - lam[i]
        coef[i] = num
    coef *= NG_PER_ML_PER_MG_PER_L / subjects.v1_l
    return lam, coef


# --------------------------------------------------------------------------------------------
# The recurrence


@dataclass(frozen=True)
class _Plan:
    """What enters during each step: full-step infusion sets and the steps needing exact pieces."""

    initial: tuple[int, ...]  # boluses at the first grid time
    full: tuple[tuple[int, ...], ...]  # per step: infusions covering the whole step
    partial: tuple[tuple[tuple[int, float, float], ...], ...]  # per step: (dose, from, to)
    boluses: tuple[tuple[tuple[int, float], ...], ...]  # per step: (dose, time) in (t_k, t_k+1]


def _plan(doses: Sequence[Infusion], grid: Grid) -> _Plan:
    if not doses:
        raise PopulationInputError("doses", "at least one dose is needed")
    steps = grid.points - 1
    t = grid.time_min
    full: list[list[int]] = [[] for _ in range(steps)]
    partial: list[list[tuple[int, float, float]]] = [[] for _ in range(steps)]
    boluses: list[list[tuple[int, float]]] = [[] for _ in range(steps)]
    initial: list[int] = []
    tol = 1e-9 * max(grid.step_min, 1.0)
    for j, dose in enumerate(doses):
        for value, name in ((dose.start_min, "start_min"), (dose.duration_min, "duration_min")):
            if not math.isfinite(value):
                raise PopulationInputError("doses", f"dose {j + 1}: {name} must be finite")
        _check_positive(dose.mg, "doses", allow_zero=True)
        _check_positive(dose.mg_per_kg, "doses", allow_zero=True)
        if dose.duration_min < 0.0:
            raise PopulationInputError("doses", f"dose {j + 1}: duration_min must be >= 0")
        if dose.start_min < grid.start_min - tol:
            raise PopulationInputError("doses", f"dose {j + 1} starts before the time grid")
        a, b = dose.start_min, dose.start_min + dose.duration_min
        if dose.duration_min == 0.0:
            if abs(a - grid.start_min) <= tol:
                initial.append(j)
                continue
            k = int(np.searchsorted(t, a - tol, side="left")) - 1  # t[k] < a <= t[k+1]
            if 0 <= k < steps:
                boluses[k].append((j, a))
            continue
        for k in range(steps):
            p, q = max(a, t[k]), min(b, t[k + 1])
            if q - p <= tol:
                continue
            if p - t[k] <= tol and t[k + 1] - q <= tol:
                full[k].append(j)
            else:
                partial[k].append((j, float(p), float(q)))
    return _Plan(
        initial=tuple(initial),
        full=tuple(tuple(x) for x in full),
        partial=tuple(tuple(x) for x in partial),
        boluses=tuple(tuple(x) for x in boluses),
    )


class _Kernel:
    """Per-subject constants of the recurrence and the state x (compartments, N). The constants
    are computed per chunk of subjects (`prepare`), by the thread that advances the chunk."""

    def __init__(self, subjects: Subjects, doses: Sequence[Infusion], grid: Grid) -> None:
        self.subjects = subjects
        self.doses = tuple(doses)
        self.grid = grid
        self.plan = _plan(doses, grid)
        shape = (subjects.compartments, subjects.count)
        self.lam = np.empty(shape)
        self.coef = np.empty(shape)
        self.decay = np.empty(shape)
        self.gain = np.empty(shape)
        self.state = np.zeros(shape)
        self.amount = np.empty((len(doses), subjects.count))
        self.rate = np.zeros((len(doses), subjects.count))

    def prepare(self, s: slice) -> None:
        lam, coef = macro_constants(self.subjects.take(s))
        if lam.shape[0] > 1 and np.min((lam[:-1] - lam[1:]) / lam[:-1]) < MIN_RELATIVE_GAP:
            raise PopulationInputError(
                "subjects",
                "a subject has (nearly) repeated exponents (e.g. k21 = k31), where the "
                "sum-of-exponentials form loses accuracy: use the PK engine (openkap.clinical.pk)",
            )
        dt = self.grid.step_min
        self.lam[:, s] = lam
        self.coef[:, s] = coef
        np.multiply(lam, -dt, out=self.decay[:, s])
        # Per mg/min of infusion over a whole step: coef * (1 - exp(-lambda dt)) / lambda.
        gain = np.expm1(self.decay[:, s])
        np.exp(self.decay[:, s], out=self.decay[:, s])
        gain *= coef
        gain /= lam
        np.negative(gain, out=self.gain[:, s])
        weight = self.subjects.weight_kg[s]
        for j, dose in enumerate(self.doses):
            self.amount[j, s] = dose.mg + dose.mg_per_kg * weight
            if dose.duration_min > 0:
                self.rate[j, s] = self.amount[j, s] / dose.duration_min
        for j in self.plan.initial:
            self.state[:, s] += coef * self.amount[j, s]

    def has_input(self, k: int) -> bool:
        return bool(self.plan.full[k] or self.plan.partial[k] or self.plan.boluses[k])

    def step_input(self, k: int, s: slice, cache: dict[tuple[int, ...], FloatArray]) -> FloatArray:
        """What step k adds to each mode for the subjects in `s`."""
        key = self.plan.full[k]
        base = cache.get(key)
        if base is None:
            base = np.zeros((self.lam.shape[0], s.stop - s.start))
            for j in key:
                base += self.gain[:, s] * self.rate[j, s]
            cache[key] = base
        if not (self.plan.partial[k] or self.plan.boluses[k]):
            return base
        total = base.copy()
        t1 = self.grid.start_min + (k + 1) * self.grid.step_min
        lam, coef = self.lam[:, s], self.coef[:, s]
        for j, p, q in self.plan.partial[k]:
            total += (
                coef / lam * np.exp(-lam * (t1 - q)) * -np.expm1(-lam * (q - p)) * self.rate[j, s]
            )
        for j, a in self.plan.boluses[k]:
            total += coef * np.exp(-lam * (t1 - a)) * self.amount[j, s]
        return total


def _percentile_setup(n: int, qs: Sequence[float]) -> list[tuple[float, int, float]]:
    """(q, lower order statistic, gamma) exactly as numpy.percentile's "linear" method."""
    out = []
    for q in qs:
        virtual = (n - 1) * np.true_divide(q, 100)
        below = int(np.floor(virtual))
        gamma = float(np.asanyarray(virtual - np.floor(virtual)))
        out.append((float(q), below, gamma))
    return out


def _lerp(a: float, b: float, t: float) -> float:
    """numpy's _lerp (a + (b - a) t, or b - (b - a)(1 - t) when t >= 0.5), bit for bit."""
    diff = np.float64(b) - np.float64(a)
    if t >= 0.5:
        return float(np.float64(b) - diff * (1.0 - np.float64(t)))
    return float(np.float64(a) + diff * np.float64(t))


def _column_percentiles(column: FloatArray, setup: list[tuple[float, int, float]]) -> list[float]:
    """The percentiles of `column` (scrambled in place). One partition per order statistic wanted
    (NumPy's fast path for a single kth), each on the segment left between the ones already
    placed, the middle one first; the next order statistic is then the minimum of what lies
    between it and the next one placed."""
    n = column.shape[0]
    primaries = sorted({k for _, k, _ in setup})

    def place(lo: int, hi: int, ks: list[int]) -> None:
        if not ks:
            return
        mid = len(ks) // 2
        k = ks[mid]
        column[lo:hi].partition(k - lo)
        place(lo, k, ks[:mid])
        place(k + 1, hi, ks[mid + 1 :])

    place(0, n, primaries)
    value: dict[int, float] = {}
    for i, k in enumerate(primaries):
        value[k] = float(column[k])
        if k + 1 < n:
            stop = primaries[i + 1] + 1 if i + 1 < len(primaries) else n
            value[k + 1] = float(column[k + 1 : stop].min())
    return [_lerp(value[k], value[min(k + 1, n - 1)], g) for _, k, g in setup]


def _sum_modes(x: FloatArray, out: FloatArray, modes: int) -> None:
    # Row by row: np.sum(axis=0) on a (3, n) array is about twice as slow.
    if modes == 1:
        np.copyto(out, x[0])
        return
    np.add(x[0], x[1], out=out)
    for i in range(2, modes):
        out += x[i]


def _advance(
    kernel: _Kernel, s: slice, k0: int, k1: int, out: FloatArray, stats: _Stats | None = None
) -> None:
    """Advance the subjects in `s` from grid point k0 to k1 and write the concentrations into
    out[row, s]: rows 0.. hold points 0..k1 when k0 is 0, else points k0+1..k1. With `stats`,
    the running maximum and the comparison with the threshold are taken while each row is still
    in cache, and the block's statistics are then folded in."""
    x = kernel.state[:, s].copy()
    decay = kernel.decay[:, s]
    modes = x.shape[0]
    cache: dict[tuple[int, ...], FloatArray] = {}
    rows = k1 - k0 + (1 if k0 == 0 else 0)
    if stats is not None:
        cmax = stats.cmax[s]
        cmax_before = cmax.copy()
        above = np.empty((rows, s.stop - s.start), dtype=bool)
    row = 0

    def emit() -> None:
        col = out[row, s]
        _sum_modes(x, col, modes)
        if stats is not None:
            np.maximum(cmax, col, out=cmax)
            np.greater(col, stats.threshold, out=above[row])

    if k0 == 0:
        emit()
        row = 1
    for k in range(k0, k1):
        x *= decay
        if kernel.has_input(k):
            x += kernel.step_input(k, s, cache)
        emit()
        row += 1
    kernel.state[:, s] = x
    if stats is not None:
        stats.fold(s, out[:rows, s], above, cmax_before, 0 if k0 == 0 else k0 + 1)


class _Stats:
    """Per-subject running Cmax, Tmax (grid index) and time above the threshold, folded in one
    block of grid points at a time. The time above is the sum over the runs above the threshold of
    (end - start), each end and start interpolated linearly between the two grid values around the
    crossing (the first grid time when a run starts above, the last when it is still above), so only
    the subjects that cross in a block are touched."""

    def __init__(self, n: int, grid: Grid, threshold: float) -> None:
        self.grid = grid
        self.threshold = threshold
        self.cmax = np.full(n, -np.inf)
        self.imax = np.zeros(n, dtype=np.int64)
        self.minutes = np.zeros(n)
        self.above = np.zeros(n, dtype=bool)  # at the last point of the previous block
        self.last = np.zeros(n)  # the value there

    def fold(
        self,
        s: slice,
        rows: FloatArray,
        above: npt.NDArray[np.bool_],
        cmax_before: FloatArray,
        p0: int,
    ) -> None:
        """`rows`: the concentrations of the subjects in `s` at grid points p0, p0 + 1, ...;
        `above`: rows > threshold; self.cmax[s] already holds the maximum including them."""
        imax, minutes = self.imax[s], self.minutes[s]
        higher = np.flatnonzero(self.cmax[s] > cmax_before)
        if higher.size:  # the first grid point of the block where the new maximum is reached
            imax[higher] = p0 + rows[:, higher].argmax(axis=0)
        t0, dt = self.grid.start_min, self.grid.step_min
        if p0 == 0:
            minutes -= t0 * above[0]
        else:
            j = np.flatnonzero(above[0] != self.above[s])
            if j.size:
                self._cross(minutes, j, self.last[s][j], rows[0, j], above[0, j], p0 - 1)
        # flatnonzero, then divmod: np.nonzero on a 2-D array is ~50x slower.
        r, j = np.divmod(np.flatnonzero(above[1:] != above[:-1]), above.shape[1])
        if j.size:
            self._cross(minutes, j, rows[r, j], rows[r + 1, j], above[r + 1, j], p0 + r)
        last_point = p0 + rows.shape[0] - 1
        if last_point == self.grid.points - 1:
            minutes += (t0 + dt * last_point) * above[-1]
        self.above[s] = above[-1]
        self.last[s] = rows[-1]

    def _cross(
        self,
        minutes: FloatArray,
        j: npt.NDArray[np.intp],
        a: FloatArray,
        b: FloatArray,
        rising: npt.NDArray[np.bool_],
        p: int | npt.NDArray[np.intp],
    ) -> None:
        """Crossings between grid points p and p + 1 (values a, b): a run starts (rising) or ends."""
        t = self.grid.start_min + self.grid.step_min * (p + (a - self.threshold) / (a - b))
        np.add.at(minutes, j, np.where(rising, -t, t))


def _grid(t_start_min: float, t_end_min: float, step_min: float) -> Grid:
    for value, name in ((t_start_min, "t_start_min"), (t_end_min, "t_end_min")):
        if not math.isfinite(value):
            raise PopulationInputError(name, "must be finite")
    if not math.isfinite(step_min) or step_min <= 0.0:
        raise PopulationInputError("step_min", "must be a finite number > 0")
    if t_end_min <= t_start_min:
        raise PopulationInputError("t_end_min", "must be after t_start_min")
    points = math.floor((t_end_min - t_start_min) / step_min + 1e-9) + 1
    if points > 100_000:
        raise PopulationInputError("step_min", "at most 100,000 time points")
    return Grid(start_min=t_start_min, step_min=step_min, points=points)


def population_curves(
    *,
    subjects: Subjects,
    doses: Sequence[Infusion],
    t_end_min: float,
    step_min: float,
    t_start_min: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """(time_min, concentrations (N, points) in ng/mL): the whole matrix, for small populations
    (tests, plots). Same computation as `simulate_population`."""
    grid = _grid(t_start_min, t_end_min, step_min)
    if subjects.count * grid.points > MAX_MATERIALISED_VALUES:
        raise PopulationInputError("subjects", "too many values to materialise: use the stream")
    kernel = _Kernel(subjects, doses, grid)
    everyone = slice(0, subjects.count)
    kernel.prepare(everyone)
    out = np.empty((grid.points, subjects.count))
    _advance(kernel, everyone, 0, grid.points - 1, out)
    return grid.time_min, np.ascontiguousarray(out.T)


def simulate_population(
    *,
    subjects: Subjects,
    doses: Sequence[Infusion],
    t_end_min: float,
    step_min: float,
    threshold_ng_per_ml: float,
    t_start_min: float = 0.0,
    percentiles: Sequence[float] = (5.0, 50.0, 95.0),
    threads: int | None = None,
    chunk_subjects: int = 32_768,
    block_columns: int = 8,
    seed: int | None = None,
    variability_source: str = "",
) -> PopulationResult:
    """Stream the population through the grid: per-subject Cmax, Tmax and minutes above the
    threshold, and the percentile curves, without materialising the subjects x time matrix.

    Time goes in blocks of `block_columns` grid points. While the threads advance block b (the
    subjects split between them, in chunks of `chunk_subjects`), they also take the percentiles of
    block b - 1 (one task per column), so two block buffers of N values per point are alive."""
    grid = _grid(t_start_min, t_end_min, step_min)
    if not math.isfinite(threshold_ng_per_ml) or threshold_ng_per_ml < 0.0:
        raise PopulationInputError("threshold_ng_per_ml", "must be a finite number >= 0")
    qs = [float(q) for q in percentiles]
    if not qs or any(not math.isfinite(q) or not 0.0 <= q <= 100.0 for q in qs):
        raise PopulationInputError("percentiles", "one or more numbers from 0 to 100")
    if threads is None:
        threads = min(2, os.cpu_count() or 1)
    if not 1 <= threads <= 64:
        raise PopulationInputError("threads", "from 1 to 64")
    if chunk_subjects < 1:
        raise PopulationInputError("chunk_subjects", "must be >= 1")
    if block_columns < 1:
        raise PopulationInputError("block_columns", "must be >= 1")
    n = subjects.count
    kernel = _Kernel(subjects, doses, grid)
    stats = _Stats(n, grid, threshold_ng_per_ml)
    setup = _percentile_setup(n, qs)
    result = np.empty((len(qs), grid.points))

    # Block b holds grid points first[b] .. last[b]; it is reached by advancing from start[b].
    starts = list(range(0, max(grid.points - 1, 1), block_columns))
    blocks = [(k0, min(k0 + block_columns, grid.points - 1)) for k0 in starts]
    first = [0 if k0 == 0 else k0 + 1 for k0, _ in blocks]
    buffers = [np.empty((block_columns + 1, n)) for _ in range(min(2, len(blocks)))]
    chunks = [(c0, min(c0 + chunk_subjects, n)) for c0 in range(0, n, chunk_subjects)]
    per_thread = [chunks[i::threads] for i in range(threads)]

    def advance(b: int, mine: list[tuple[int, int]]) -> None:
        k0, k1 = blocks[b]
        for c0, c1 in mine:
            s = slice(c0, c1)
            if b == 0:
                kernel.prepare(s)
            _advance(kernel, s, k0, k1, buffers[b % 2], stats)

    def take_percentiles(b: int, row: int) -> None:
        result[:, first[b] + row] = _column_percentiles(buffers[b % 2][row], setup)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for b in range(len(blocks) + 1):
            futures = []
            if b < len(blocks):
                futures += [pool.submit(advance, b, mine) for mine in per_thread if mine]
            if b > 0:
                rows = blocks[b - 1][1] - first[b - 1] + 1
                futures += [pool.submit(take_percentiles, b - 1, r) for r in range(rows)]
            for future in futures:
                future.result()
    return PopulationResult(
        time_min=grid.time_min,
        percentiles={q: result[i] for i, q in enumerate(qs)},
        cmax_ng_per_ml=stats.cmax,
        tmax_min=grid.start_min + grid.step_min * stats.imax.astype(np.float64),
        minutes_above=stats.minutes,
        threshold_ng_per_ml=threshold_ng_per_ml,
        subjects=subjects,
        seed=seed,
        variability_source=variability_source,
    )
