"""The billing codes file: every code has a system, a source and a verification flag; no CPT
descriptor is shipped (AMA-licensed); every unverified code says what to check; the research notes'
[VERIFY] codes are marked unverified; CPT codes show as numbers unless the clinic loaded its own."""

from __future__ import annotations

import pytest

from openkap.billing import selectors
from openkap.billing.models import CodeDescriptor
from openkap.clinical import costs


def test_no_cpt_descriptor_is_shipped():
    for entry in costs.billing_codes().values():
        if entry.system == "CPT":
            assert entry.descriptor == "", entry.code


def test_the_research_notes_verify_codes_are_unverified():
    codes = costs.billing_codes()
    for code in ("J0013", "96372", "0820T", "0821T", "0822T", "90837"):
        assert codes[code].verified is False, code
        assert "[VERIFY" in codes[code].note


def test_the_spravato_codes_are_there_with_public_descriptors():
    codes = costs.billing_codes()
    assert codes["G2082"].system == codes["G2083"].system == "HCPCS"
    assert "up to 56 mg" in codes["G2082"].descriptor
    assert "greater than 56 mg" in codes["G2083"].descriptor


def test_the_parser_refuses_a_cpt_descriptor_and_an_unflagged_unverified_code():
    with pytest.raises(costs.CostError, match="AMA"):
        costs.parse_codes(
            {"99999": {"system": "CPT", "descriptor": "x", "source": "s", "verified": True}}
        )
    with pytest.raises(costs.CostError, match="VERIFY"):
        costs.parse_codes({"X1": {"system": "HCPCS", "source": "s", "verified": False}})


def test_a_cpt_code_shows_its_number_unless_the_clinic_loaded_a_descriptor(clinic):
    assert selectors.codes_shown(["96365"], selectors.descriptors(clinic))[0].text == ""
    CodeDescriptor.objects.create(clinic=clinic, code="96365", descriptor="Clinic's own text")
    assert (
        selectors.codes_shown(["96365"], selectors.descriptors(clinic))[0].text
        == "Clinic's own text"
    )
    assert selectors.codes_shown(["J3490"], {})[0].text == "Unclassified drugs"


def test_the_demo_price_list_names_only_known_codes():
    from openkap.billing.demo import ITEMS

    known = costs.billing_codes()
    for _, _, _, _, _, codes, _ in ITEMS:
        assert set(codes) <= set(known)
