"""A model file with a mistake is refused with an error naming the file and the key, never read
half-way: each case below breaks one thing in the bundled Domino file."""

from __future__ import annotations

from pathlib import Path

import pytest

from openkap.clinical.pk import PK_DIR, PkDataError, pk_model_read

DOMINO = (PK_DIR / "domino-1984.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "domino-1984.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_file_reads(tmp_path):
    assert pk_model_read(_write(tmp_path, DOMINO)).id == "domino-1984"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('unit = "1/min"', 'unit = "per fortnight"', "unknown unit"),
        ("value = 0.4381", "value = -0.4381", "positive"),
        ('rate = "k10"', 'rate = "k99"', "unknown parameter"),
        ('to = "out"', 'to = "liver"', "unknown compartment"),
        ("[routes.iv]", "[routes.rectal]", "unknown route"),
        ('sampling_site = "not stated"', 'sampling_site = "capillary"', "sampling_site"),
        ("value = 0.063\n", "value = 0.063\ncv = 0.3\n", "iiv_source"),
        ('id = "domino-1984"', 'id = "domino-1985"', "file name"),
        ('unit = "L/kg"', 'unit = "L/kg"\ncolour = "red"', "unknown key(s) 'colour'"),
        ('rate = "k10"', 'rate = "k10"\nspeed = 2', "unknown key(s) 'speed'"),
        (
            'source = "Domino 1984 via opentiva ketamine.py Domino (pkpd.md §1.1 [VIA-CODE])"\n',
            "",
            "missing key 'source'",
        ),
    ],
)
def test_it_refuses_a_broken_file(tmp_path, old, new, message):
    assert old in DOMINO
    with pytest.raises(PkDataError) as error:
        pk_model_read(_write(tmp_path, DOMINO.replace(old, new, 1)))
    assert "domino-1984.toml" in str(error.value)
    assert message in str(error.value)


def test_it_refuses_invalid_toml(tmp_path):
    with pytest.raises(PkDataError) as error:
        pk_model_read(_write(tmp_path, DOMINO + "\n[[[broken"))
    assert "not valid TOML" in str(error.value)
