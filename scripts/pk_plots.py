"""Validation plots and figures for docs/pharmacology.md (development only: needs Matplotlib).

Every prediction is the PK engine's (openkap.clinical.pk, the models in knowledge/pk/); every
published figure drawn or printed here is written next to its source, as quoted in
../shared/reference/pkpd.md. Writes PNGs to docs/pharmacology/ and prints the predicted values of
the tables in docs/pharmacology.md.

Run: `.venv/bin/python scripts/pk_plots.py`
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openkap.clinical.pk import (
    Dose,
    Prediction,
    pk_model_get,
    pk_population_band,
    pk_simulate,
)

OUT = Path(__file__).resolve().parent.parent / "docs" / "pharmacology"
Array = npt.NDArray[np.float64]
WEIGHT = 70.0


def predict(
    model_id: str, route: str, mg: float, t: Array, *, duration: float = 0.0, weight: float = WEIGHT
) -> Prediction:
    dose = Dose(route=route, amount_mg=mg, start_min=0.0, duration_min=duration)
    return pk_simulate(model=pk_model_get(model_id), doses=[dose], weight_kg=weight, time_min=t)


def fine_then_coarse(end_min: float) -> Array:
    """0.01 min steps for the first 2 h (an IV bolus peaks sharply), then 1 min to the end."""
    return np.concatenate([np.arange(0.0, 120.0, 0.01), np.arange(120.0, end_min + 1.0, 1.0)])


def auc(p: Prediction) -> float:
    c, t = p.ketamine_ng_per_ml, p.time_min
    return float(np.sum((c[1:] + c[:-1]) * np.diff(t)) / 2.0)


def terminal_half_life_h(p: Prediction) -> float:
    t, c = p.time_min, p.ketamine_ng_per_ml
    j = len(t) - 1
    i = int(np.searchsorted(t, t[j] - 360.0))  # the last 6 hours of the horizon
    slope = math.log(float(c[i]) / float(c[j])) / float(t[j] - t[i])
    return math.log(2.0) / slope / 60.0


def save(fig: Figure, name: str) -> None:
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=110)
    plt.close(fig)
    print(f"wrote docs/pharmacology/{name}")


def iv_infusion_figure() -> None:
    """0.5 mg/kg racemic over 40 min at 70 kg: Domino and Clements (racemic), and twice the
    S-ketamine predictions of the esketamine models for 0.25 mg/kg (the S half of the dose)."""
    t = np.arange(0.0, 240.5, 0.5)
    mg = 0.5 * WEIGHT
    fig, ax = plt.subplots(figsize=(8, 4.8))
    ax.axhspan(
        100, 250, color="#f3e5f5", label="dissociation 100-250 ng/mL (Krystal 1994 via Zanos 2018)"
    )
    print("\n0.5 mg/kg over 40 min IV, 70 kg")
    for model_id, factor, label, style in (
        ("domino-1984", 1.0, "Domino 1984 (racemic; sampling not stated)", "-"),
        ("clements-nimmo-1981", 1.0, "Clements & Nimmo 1981 (racemic)", "-"),
        ("fanta-2015", 2.0, "2 x Fanta 2015 S-ketamine (venous)", "--"),
        ("simons-2022", 2.0, "2 x Simons 2022 S-ketamine (arterial)", "--"),
        ("perez-ruixo-2021", 2.0, "2 x Perez-Ruixo 2021 esketamine (venous)", "--"),
    ):
        p = predict(model_id, "iv", mg / factor, t, duration=40.0)
        c = p.ketamine_ng_per_ml * factor
        ax.plot(t, c, style, label=label)
        at = {m: float(c[int(m * 2)]) for m in (40, 60, 120, 240)}
        print(
            f"  {model_id}: x{factor:g} peak {c.max():.0f} ng/mL at {t[int(np.argmax(c))]:.0f} min;"
            + "; ".join(f" {m} min {v:.0f}" for m, v in at.items())
        )
    ax.plot([40], [185], "k*", markersize=14, label="~185 ng/mL peak (Zarate 2006 via Zanos 2018)")
    ax.set_xlabel("minutes from the start of the infusion")
    ax.set_ylabel("plasma ketamine, ng/mL")
    ax.set_title("Racemic ketamine 0.5 mg/kg IV over 40 min, 70 kg: predicted vs published peak")
    ax.set_xlim(0, 240)
    ax.set_ylim(0, None)
    ax.legend(fontsize=7.5, loc="upper right")
    ax.grid(alpha=0.3)
    save(fig, "iv-0.5-mg-per-kg-40-min.png")


def bolus_figure() -> None:
    """Clements & Nimmo 1981 was derived from a 250 microgram/kg IV bolus; Domino for the same."""
    t = np.arange(0.0, 240.25, 0.25)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    print("\n0.25 mg/kg IV bolus, 70 kg; and 10 mg IV bolus, 70 kg")
    for model_id in ("domino-1984", "clements-nimmo-1981"):
        p = predict(model_id, "iv", 0.25 * WEIGHT, t)
        ax.semilogy(t[1:], p.ketamine_ng_per_ml[1:], label=p.model.name)
        c = p.ketamine_ng_per_ml
        print(
            f"  {model_id} 0.25 mg/kg: C(0) {c[0]:.0f}, 2 min {c[8]:.0f}, 10 min {c[40]:.0f}, "
            f"60 min {c[240]:.0f}, 240 min {c[-1]:.0f} ng/mL"
        )
        q = predict(model_id, "iv", 10.0, t)
        d = q.ketamine_ng_per_ml
        print(f"  {model_id} 10 mg: 2 min {d[8]:.0f}, 5 min {d[20]:.0f}, 10 min {d[40]:.0f} ng/mL")
    ax.set_xlabel("minutes after the bolus")
    ax.set_ylabel("plasma ketamine, ng/mL (log scale)")
    ax.set_title("Racemic ketamine 0.25 mg/kg IV bolus, 70 kg: the two racemic IV models")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    save(fig, "iv-bolus-0.25-mg-per-kg.png")


def fanta_figure() -> None:
    t = np.arange(0.0, 48 * 60 + 1, 1.0)
    p = predict("fanta-2015", "iv", 0.125 * WEIGHT, t)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.semilogy(t[1:] / 60, p.ketamine_ng_per_ml[1:], label="S-ketamine")
    assert p.norketamine_ng_per_ml is not None
    ax.semilogy(t[1:] / 60, p.norketamine_ng_per_ml[1:], label="S-norketamine")
    ax.set_xlabel("hours after the bolus")
    ax.set_ylabel("plasma, ng/mL (log scale)")
    ax.set_title("Fanta 2015 / Otto 2021: S-ketamine 0.125 mg/kg IV bolus, 70 kg")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    save(fig, "fanta-2015-iv.png")
    print(
        f"\nfanta-2015 0.125 mg/kg IV bolus: terminal half-life {terminal_half_life_h(p):.1f} h "
        f"(from the last 6 h of 48 h); norketamine peak {p.norketamine_ng_per_ml.max():.1f} "
        f"ng/mL at {t[int(np.argmax(p.norketamine_ng_per_ml))]:.0f} min"
    )


def intranasal_figure() -> None:
    t = np.arange(0.0, 8 * 60 + 1, 1.0)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    band = pk_population_band(
        model=pk_model_get("perez-ruixo-2021"),
        doses=[Dose(route="intranasal_esketamine", amount_mg=56.0)],
        weight_kg=WEIGHT,
        time_min=t,
        subjects=1000,
        seed=0,
    )
    assert band is not None
    ax.fill_between(
        t / 60,
        band.p5,
        band.p95,
        color="#bbdefb",
        label="56 mg: 5th-95th percentile (1000 subjects)",
    )
    print("\nperez-ruixo-2021 intranasal esketamine, 70 kg")
    long_t = fine_then_coarse(14 * 24 * 60)
    for mg, colour in ((56.0, "#1565c0"), (84.0, "#c62828")):
        p = predict("perez-ruixo-2021", "intranasal_esketamine", mg, t)
        ax.plot(t / 60, p.ketamine_ng_per_ml, color=colour, label=f"{mg:.0f} mg (typical subject)")
        nasal = predict("perez-ruixo-2021", "intranasal_esketamine", mg, long_t)
        iv = predict("perez-ruixo-2021", "iv", mg, long_t)
        print(
            f"  {mg:.0f} mg: Cmax {p.cmax_ng_per_ml:.0f} ng/mL at {p.tmax_min:.0f} min; "
            f"F (AUC 0-14 d nasal / IV bolus) {auc(nasal) / auc(iv):.2f}; terminal half-life "
            f"{terminal_half_life_h(nasal):.1f} h; at 2 h {p.ketamine_ng_per_ml[120]:.0f} ng/mL"
        )
    print(f"  56 mg band at the peak of the median: p5 {band.p5[band.p50.argmax()]:.0f}, "
          f"p50 {band.p50.max():.0f}, p95 {band.p95[band.p50.argmax()]:.0f} ng/mL")  # fmt: skip
    ax.axvspan(
        20 / 60,
        40 / 60,
        color="#fff176",
        alpha=0.35,
        zorder=0,
        label="label tmax 20-40 min after the last spray",
    )
    ax.set_xlabel("hours after the dose (all devices given at 0)")
    ax.set_ylabel("plasma esketamine, ng/mL")
    ax.set_title("Perez-Ruixo 2021: esketamine nasal spray 56 and 84 mg, 70 kg")
    ax.set_xlim(0, 8)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, "perez-ruixo-2021-intranasal.png")


def sublingual_figure() -> None:
    t = np.arange(0.0, 8 * 60 + 1, 1.0)
    fig, ax = plt.subplots(figsize=(8, 4.8))
    print("\nsimons-2022 sublingual S-ketamine film, 70 kg")
    band = pk_population_band(
        model=pk_model_get("simons-2022"),
        doses=[Dose(route="sublingual", amount_mg=100.0)],
        weight_kg=WEIGHT,
        time_min=t,
        subjects=1000,
        seed=0,
    )
    assert band is not None
    ax.fill_between(
        t / 60,
        band.p5,
        band.p95,
        color="#c8e6c9",
        label="100 mg: 5th-95th percentile (1000 subjects)",
    )
    long_t = fine_then_coarse(7 * 24 * 60)
    for mg, colour in ((50.0, "#2e7d32"), (100.0, "#1b5e20")):
        p = predict("simons-2022", "sublingual", mg, t)
        ax.plot(t / 60, p.ketamine_ng_per_ml, color=colour, label=f"{mg:.0f} mg film (typical)")
        sl = predict("simons-2022", "sublingual", mg, long_t)
        iv = predict("simons-2022", "iv", mg, long_t)
        print(
            f"  {mg:.0f} mg: Cmax {p.cmax_ng_per_ml:.1f} ng/mL at {p.tmax_min:.0f} min; "
            f"F (AUC 0-7 d film / IV bolus) {auc(sl) / auc(iv):.3f}"
        )
    ax.axvspan(
        0.25,
        1.0,
        color="#fff176",
        alpha=0.35,
        zorder=0,
        label="Rolan 2014 racemic wafer tmax 0.25-1.0 h",
    )
    ax.axvline(0.75, color="#f9a825", linestyle="--", label="Rolan 2014 median tmax 0.75 h")
    ax.set_xlabel("hours after the film is placed")
    ax.set_ylabel("plasma S-ketamine, ng/mL")
    ax.set_title("Simons 2022: S-ketamine oral thin film (sublingual), 70 kg")
    ax.set_xlim(0, 8)
    ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, "simons-2022-sublingual.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    iv_infusion_figure()
    bolus_figure()
    fanta_figure()
    intranasal_figure()
    sublingual_figure()


if __name__ == "__main__":
    main()
