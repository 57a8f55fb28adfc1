"""Bad input to `openkap pk simulate` exits 2 with a message naming the option, and prints nothing
on stdout."""

from __future__ import annotations

import pytest

from openkap.pharmacology.tests.pk_command import call_pk, run_pk

GOOD = {
    "--model": "domino-1984",
    "--route": "iv",
    "--dose-mg": "35",
    "--weight-kg": "70",
    "--infusion-min": "40",
    "--t-end-min": "60",
    "--step-min": "1",
}


def _args(**changes: str | None) -> list[str]:
    options = {**GOOD, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return [x for k, v in options.items() if v is not None for x in (k, v)]


@pytest.mark.parametrize(
    ("changes", "option"),
    [
        ({"--model": "schnider-1998"}, "--model"),
        ({"--route": "sublingual"}, "--route"),
        ({"--route": "im"}, "--route"),
        ({"--weight-kg": None}, "--weight-kg"),
        ({"--dose-mg": None, "--dose-mg-per-kg": "0.5", "--weight-kg": None}, "--weight-kg"),
        ({"--dose-mg-per-kg": "0.5"}, "--dose-mg"),
        ({"--dose-mg": None}, "--dose-mg"),
        ({"--dose-mg": "0"}, "--dose-mg"),
        ({"--dose-mg": "-35"}, "--dose-mg"),
        ({"--dose-mg": "lots"}, "--dose-mg"),
        ({"--dose-mg": "90000"}, "--dose-mg"),
        ({"--weight-kg": "-70"}, "--weight-kg"),
        ({"--weight-kg": "7000"}, "--weight-kg"),
        ({"--infusion-min": "-1"}, "--infusion-min"),
        ({"--t-end-min": "0"}, "--t-end-min"),
        ({"--t-end-min": None}, "--t-end-min"),
        ({"--t-end-min": "99999999"}, "--t-end-min"),
        ({"--step-min": "0"}, "--step-min"),
        ({"--step-min": "120"}, "--step-min"),
        ({"--step-min": "0.0001"}, "--step-min"),
    ],
)
def test_it_refuses_and_names_the_option(changes, option):
    result = call_pk("simulate", *_args(**changes))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(option + ":"), result.stderr


def test_it_refuses_an_infusion_time_on_a_route_given_at_once():
    result = call_pk(
        "simulate",
        "--model",
        "simons-2022",
        "--route",
        "sublingual",
        "--dose-mg",
        "50",
        "--weight-kg",
        "70",
        "--infusion-min",
        "10",
        "--t-end-min",
        "60",
        "--step-min",
        "5",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("--infusion-min:")


def test_it_refuses_part_of_an_esketamine_device():
    result = call_pk(
        "simulate",
        "--model",
        "perez-ruixo-2021",
        "--route",
        "intranasal_esketamine",
        "--dose-mg",
        "70",
        "--t-end-min",
        "60",
        "--step-min",
        "5",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("--dose-mg:") and "28 mg" in result.stderr


def test_a_real_process_exits_2(tmp_path):
    result = run_pk("simulate", *_args(**{"--route": "im"}), data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("--route:")
