"""docs/protocols.md lists every bundled protocol and every route with dose data."""

from __future__ import annotations

from pathlib import Path

from openkap.clinical.protocols import load_route_dosing, protocol, protocol_ids

DOC = Path(__file__).resolve().parents[3] / "docs" / "protocols.md"


def rows() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            key = line.split("`")[1]
            found.setdefault(key, line)
    return found


def test_every_protocol_has_a_row_naming_its_route():
    table = rows()
    for protocol_id in protocol_ids():
        assert protocol_id in table, protocol_id
        assert f"`{protocol(protocol_id).route}`" in table[protocol_id]


def test_every_route_with_dose_data_has_a_row():
    table = rows()
    for route in load_route_dosing():
        assert route in table, route


def test_a_row_of_an_unverified_dose_range_says_unverified():
    table = rows()
    for protocol_id in protocol_ids():
        if not protocol(protocol_id).dose.sourced.verified:
            assert "unverified" in table[protocol_id].lower(), protocol_id
