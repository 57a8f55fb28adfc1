"""`openkap pk models` lists every model with its routes, source and whether it is verified."""

from __future__ import annotations

import json

from openkap.pharmacology.tests.pk_command import call_pk, run_pk


def test_it_lists_the_models():
    result = call_pk("models", "--format", "json")
    assert result.returncode == 0, result.stderr
    models = {m["id"]: m for m in json.loads(result.stdout)}
    assert {
        "domino-1984",
        "clements-nimmo-1981",
        "fanta-2015",
        "perez-ruixo-2021",
        "simons-2022",
    } <= set(models)
    assert models["domino-1984"]["routes"] == ["iv"]
    assert "intranasal_esketamine" in models["perez-ruixo-2021"]["routes"]
    assert all(m["source"] and m["verified"] is False for m in models.values())


def test_the_text_listing_marks_unverified_models():
    result = call_pk("models")
    assert result.returncode == 0, result.stderr
    assert "domino-1984  routes: iv  UNVERIFIED" in result.stdout


def test_without_an_action_it_exits_2(tmp_path):
    result = run_pk(data_dir=tmp_path)
    assert result.returncode == 2
