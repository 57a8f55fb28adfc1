"""A clinic loads its own code descriptors from a CSV (OpenKAP ships CPT numbers only); a code not
in the codes file is refused and nothing is loaded."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from openkap.billing.models import CodeDescriptor


def test_it_loads_the_clinics_descriptors(clinic, tmp_path):
    path = tmp_path / "cpt.csv"
    path.write_text("code,descriptor\n96365,Our licensed text\n90837,Another\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "billing", "descriptors", "--clinic", str(clinic.pk), "--csv", str(path), stdout=out
    )
    assert "Loaded 2" in out.getvalue()
    assert CodeDescriptor.objects.get(clinic=clinic, code="96365").descriptor == "Our licensed text"


def test_an_unknown_code_loads_nothing(clinic, tmp_path):
    path = tmp_path / "cpt.csv"
    path.write_text("code,descriptor\n96365,Ok\n12345,Not ours\n", encoding="utf-8")
    with pytest.raises(CommandError, match="12345"):
        call_command("billing", "descriptors", "--clinic", str(clinic.pk), "--csv", str(path))
    assert not CodeDescriptor.objects.exists()
