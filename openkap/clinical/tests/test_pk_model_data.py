"""The PK models are data with their sources: every file loads, the values the issue fixes are the
ones in the data, unverified values are marked so, and routes without a published model are absent."""

from __future__ import annotations

import pytest

from openkap.clinical.pk import (
    PkInputError,
    pk_bioavailability,
    pk_model_get,
    pk_models,
    pk_models_for_route,
    pk_parameter_table,
)

REQUIRED = {"domino-1984", "clements-nimmo-1981", "fanta-2015", "perez-ruixo-2021", "simons-2022"}


def _values(model_id: str) -> dict[str, tuple[float, str]]:
    return {p["name"]: (p["value"], p["unit"]) for p in pk_parameter_table(pk_model_get(model_id))}


def test_it_has_the_required_models():
    assert {m.id for m in pk_models()} >= REQUIRED


def test_domino_has_exactly_the_issue_values():
    assert _values("domino-1984") == {
        "V1": (0.063, "L/kg"),
        "k10": (0.4381, "1/min"),
        "k12": (0.5921, "1/min"),
        "k13": (0.590, "1/min"),
        "k21": (0.247, "1/min"),
        "k31": (0.0146, "1/min"),
    }
    assert pk_model_get("domino-1984").routes == ("iv",)


def test_every_parameter_has_a_source_and_unit():
    for model in pk_models():
        for p in pk_parameter_table(model):
            assert p["source"].strip(), (model.id, p["name"])
            assert p["value"] > 0


def test_values_read_in_code_are_marked_unverified():
    # pkpd.md gives every one of these models' full parameter tables only [VIA-CODE].
    for model_id in REQUIRED:
        model = pk_model_get(model_id)
        assert model.verified is False
        assert all(p["verified"] is False for p in pk_parameter_table(model))


def test_sampling_sites_are_as_published():
    assert pk_model_get("simons-2022").sampling_site == "arterial"
    assert pk_model_get("fanta-2015").sampling_site == "venous"
    assert pk_model_get("perez-ruixo-2021").sampling_site == "venous"
    assert pk_model_get("domino-1984").sampling_site == "not stated"


def test_metabolite_and_variability_flags():
    assert pk_model_get("fanta-2015").has_metabolite
    assert pk_model_get("perez-ruixo-2021").has_metabolite
    assert pk_model_get("simons-2022").has_metabolite
    assert not pk_model_get("domino-1984").has_metabolite
    assert not pk_model_get("domino-1984").has_variability
    assert not pk_model_get("clements-nimmo-1981").has_variability
    for model_id in ("fanta-2015", "perez-ruixo-2021", "simons-2022"):
        model = pk_model_get(model_id)
        assert model.has_variability and model.variability_source


def test_effect_site_half_life_is_olofsens_for_s_ketamine_only():
    for model in pk_models():
        if model.drug.startswith("esketamine"):
            assert model.effect_site_half_life_min == 6.1
            assert "Olofsen" in model.effect_site_source
        else:
            assert model.effect_site_half_life_min is None


def test_routes_map_to_models_preferred_first():
    assert pk_models_for_route("iv")[0].id == "domino-1984"
    assert pk_models_for_route("intranasal_esketamine")[0].id == "perez-ruixo-2021"
    assert pk_models_for_route("sublingual")[0].id == "simons-2022"


def test_im_has_no_model_because_no_absorption_model_is_published_in_our_sources():
    assert pk_models_for_route("im") == ()
    assert "oral" not in pk_model_get("fanta-2015").routes


def test_an_unknown_model_names_the_field():
    with pytest.raises(PkInputError) as error:
        pk_model_get("schnider")
    assert error.value.field == "model"


def test_bioavailability_entries_have_sources():
    entries = pk_bioavailability()
    assert any(e["route"] == "sublingual" and e["f"] == 0.29 for e in entries)  # Rolan 2014
    assert any(e["route"] == "im" and e["f"] == 0.93 and not e["verified"] for e in entries)
    for entry in entries:
        assert entry["source"] and 0 < entry["f"] <= 1
