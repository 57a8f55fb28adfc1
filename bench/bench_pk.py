"""A million virtual subjects through a three-compartment IV infusion model, against a per-subject
SciPy `solve_ivp` loop on a subsample measured in the same run.

The model is Domino 1984 (the StanPump racemic ketamine model; typical values read from
openkap/clinical/knowledge/pk/domino-1984.toml through the PK engine). Domino 1984 publishes no
between-subject variability, so this benchmark ASSUMES an illustrative log-normal CV of 30% on each
of V1, k10, k12, k13, k21 and k31 and a weight of median 70 kg with a CV of 20%: an assumption for
measuring speed only, never shown to clinicians. The dose is 0.5 mg/kg over 40 min (IV), the grid
0-240 min every minute (241 points), the threshold 100 ng/mL (the lower end of the dissociation
range in Zanos 2018 Table 1, pkpd.md §2: a benchmark setting, not a clinical threshold).

Figures:
1. Wall time of the whole population run (sampling the subjects, macro-constants, the
   concentrations, per-subject Cmax / Tmax / minutes above the threshold, the 5th, 50th and 95th
   percentile curves): the median of `--repeats` runs.
2. Peak memory: the peak of NumPy's traced allocations (tracemalloc) during one more run, and
   the process's peak resident set size (ru_maxrss: interpreter, NumPy, SciPy and every run).
3. The baseline: for `--baseline-subjects` of the same subjects, one `solve_ivp` (LSODA,
   rtol 1e-8, atol 1e-12 mg, the exact Jacobian) per subject and per dosing phase, then the same
   statistics from its curve in NumPy. Per-subject ratio = (baseline time per subject) /
   (population time per subject); the baseline's results are checked against the population's.

Run: `.venv/bin/python bench/bench_pk.py` (it needs no database). Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.integrate import solve_ivp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openkap.clinical.pk import pk_model_get, pk_parameter_table
from openkap.clinical.pk_population import (
    PARAMETERS,
    Infusion,
    MammillaryModel,
    PopulationResult,
    Variability,
    sample_subjects,
    simulate_population,
)

Array = npt.NDArray[np.float64]

ILLUSTRATIVE_CV = 0.30
WEIGHT_MEDIAN_KG = 70.0
WEIGHT_CV = 0.20
DOSE_MG_PER_KG = 0.5
INFUSION_MIN = 40.0
T_END_MIN = 240.0
STEP_MIN = 1.0
THRESHOLD_NG_PER_ML = 100.0


def domino_typical() -> MammillaryModel:
    model = pk_model_get("domino-1984")
    values = {row["name"]: row for row in pk_parameter_table(model)}
    assert values["V1"]["unit"] == "L/kg", values["V1"]
    for name in ("k10", "k12", "k13", "k21", "k31"):
        assert values[name]["unit"] == "1/min", values[name]
    return MammillaryModel(
        v1_l_per_kg=values["V1"]["value"],
        k10=values["k10"]["value"],
        k12=values["k12"]["value"],
        k13=values["k13"]["value"],
        k21=values["k21"]["value"],
        k31=values["k31"]["value"],
        name=model.name,
        source=model.source,
    )


VARIABILITY = Variability(
    cv={name: ILLUSTRATIVE_CV for name in PARAMETERS},
    weight_median_kg=WEIGHT_MEDIAN_KG,
    weight_cv=WEIGHT_CV,
    source="ASSUMPTION for the benchmark only: 30% CV on each Domino 1984 parameter (Domino "
    "publishes no between-subject variability), weight median 70 kg CV 20%",
)


def run_population(subjects: int, seed: int, threads: int) -> PopulationResult:
    population = sample_subjects(
        model=domino_typical(),
        variability=VARIABILITY,
        subjects=subjects,
        seed=seed,
        threads=threads,
    )
    return simulate_population(
        subjects=population,
        doses=[Infusion(start_min=0.0, duration_min=INFUSION_MIN, mg_per_kg=DOSE_MG_PER_KG)],
        t_end_min=T_END_MIN,
        step_min=STEP_MIN,
        threshold_ng_per_ml=THRESHOLD_NG_PER_ML,
        threads=threads,
        seed=seed,
        variability_source=VARIABILITY.source,
    )


def minutes_above(t: Array, c: Array, threshold: float) -> float:
    """Time above the threshold, crossings interpolated linearly (the brute-force definition)."""
    a, b = c[:-1] - threshold, c[1:] - threshold
    dt = np.diff(t)
    both = (a > 0) & (b > 0)
    one = (a > 0) != (b > 0)
    frac = np.where(one, np.maximum(a, b) / np.where(one, np.abs(a) + np.abs(b), 1.0), 0.0)
    return float(np.sum(dt * (both + frac)))


def ode_subject(result: PopulationResult, i: int, t: Array) -> tuple[Array, float, float, float]:
    """One subject by solve_ivp: its curve, Cmax, Tmax and minutes above the threshold."""
    s = result.subjects
    k10, k12, k13, k21, k31 = (float(getattr(s, n)[i]) for n in ("k10", "k12", "k13", "k21", "k31"))
    v1, weight = float(s.v1_l[i]), float(s.weight_kg[i])
    a = np.array(
        [[-(k10 + k12 + k13), k21, k31], [k12, -k21, 0.0], [k13, 0.0, -k31]], dtype=np.float64
    )
    rate = DOSE_MG_PER_KG * weight / INFUSION_MIN
    state = np.zeros(3)
    pieces = []
    for lo, hi, r in ((0.0, INFUSION_MIN, rate), (INFUSION_MIN, T_END_MIN, 0.0)):
        inflow = np.array([r, 0.0, 0.0])
        mask = (t >= lo) & (t <= hi) if lo == 0.0 else (t > lo) & (t <= hi)
        sol = solve_ivp(
            lambda _t, x, inflow=inflow: a @ x + inflow,
            (lo, hi),
            state,
            method="LSODA",
            t_eval=t[mask],
            rtol=1e-8,
            atol=1e-12,
            jac=lambda _t, _x: a,
        )
        assert sol.success, sol.message
        assert sol.t[-1] == hi  # the phase ends on a grid point: its last state carries on
        pieces.append(sol.y[0])
        state = sol.y[:, -1]
    c = np.concatenate(pieces) * 1000.0 / v1
    k = int(np.argmax(c))
    return c, float(c[k]), float(t[k]), minutes_above(t, c, THRESHOLD_NG_PER_ML)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--baseline-subjects", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261121)
    args = parser.parse_args()

    print(f"date (UTC): {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"model: Domino 1984 (three compartments), {args.subjects:,} subjects, "
        f"{DOSE_MG_PER_KG} mg/kg over {INFUSION_MIN:.0f} min, 0-{T_END_MIN:.0f} min every "
        f"{STEP_MIN:.0f} min, threshold {THRESHOLD_NG_PER_ML:.0f} ng/mL, {args.threads} threads"
    )
    print(f"variability: {VARIABILITY.source}")

    timings = []
    cpu = []
    result = None
    for _ in range(args.repeats):
        result = None
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run_population(args.subjects, args.seed, args.threads)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert result is not None
    wall = statistics.median(timings)
    print(
        f"population: median {wall:.3f} s wall of {args.repeats} "
        f"({', '.join(f'{x:.3f}' for x in timings)}); CPU {statistics.median(cpu):.3f} s"
    )

    result_kept = result
    tracemalloc.start()
    run_population(args.subjects, args.seed, args.threads)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak NumPy/Python allocations of one run (tracemalloc): {traced_peak / 2**20:.0f} MiB")
    print(
        f"full matrix for comparison (not allocated): "
        f"{args.subjects * result_kept.time_min.size * 8 / 2**20:.0f} MiB"
    )

    t = result_kept.time_min
    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(args.subjects, size=args.baseline_subjects, replace=False))
    start = time.perf_counter()
    baseline = [ode_subject(result_kept, int(i), t) for i in sample]
    baseline_s = time.perf_counter() - start
    per_subject_ode = baseline_s / len(sample)
    per_subject_pop = wall / args.subjects
    print(
        f"solve_ivp loop: {len(sample)} subjects in {baseline_s:.3f} s, "
        f"{per_subject_ode * 1e3:.2f} ms per subject; population "
        f"{per_subject_pop * 1e6:.3f} us per subject: ratio {per_subject_ode / per_subject_pop:,.0f}x"
    )

    worst = {"cmax": 0.0, "tmax": 0.0, "minutes_above": 0.0}
    for (_, cmax, tmax, above), i in zip(baseline, sample, strict=True):
        worst["cmax"] = max(worst["cmax"], abs(cmax / result_kept.cmax_ng_per_ml[i] - 1.0))
        worst["tmax"] = max(worst["tmax"], abs(tmax - result_kept.tmax_min[i]))
        worst["minutes_above"] = max(
            worst["minutes_above"], abs(above - result_kept.minutes_above[i])
        )
    print(
        f"agreement on the subsample: Cmax within {worst['cmax']:.1e} relative, "
        f"Tmax within {worst['tmax']:.1e} min, minutes above within "
        f"{worst['minutes_above']:.1e} min"
    )
    agree = worst["cmax"] < 1e-6 and worst["tmax"] == 0.0 and worst["minutes_above"] < 1e-4
    p = result_kept.percentiles
    for q in (5.0, 50.0, 95.0):
        k = int(np.argmax(p[q]))
        print(f"P{q:g}: peak {p[q][k]:.1f} ng/mL at {t[k]:.0f} min")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the process: {rss:.0f} MiB (after imports: {rss_before:.0f} MiB)")
    print(
        f"targets: under 2 s: {'yes' if wall < 2 else 'NO'}; under 2 GB: "
        f"{'yes' if rss < 2048 else 'NO'}; ratio >= 1000x: "
        f"{'yes' if per_subject_ode / per_subject_pop >= 1000 else 'NO'}; "
        f"subsample agrees: {'yes' if agree else 'NO'}"
    )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
