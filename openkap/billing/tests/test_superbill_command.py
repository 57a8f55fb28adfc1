"""`openkap superbill --mrn --from --to --output`: writes the PDF; errors exit non-zero with a
message (unknown MRN, a bad date, no charges in the range, a file that cannot be written)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from openkap.billing.charge_services import charges_generate
from openkap.billing.tests import charge_factories as f
from openkap.billing.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def charged(patient, prescriber, biller):
    day = timezone.localdate() - timedelta(days=2)
    f.item(patient.clinic_id, "IV", "dosing", [(day - timedelta(days=9), "400.00")], route="iv")
    f.signed_session(f.plan(patient, prescriber), prescriber, day)
    charges_generate(actor=biller, patient=patient)
    return patient, day


def run(patient: Any, start: str, end: str, output: Any) -> None:
    call_command(
        "superbill", "--mrn", patient.mrn, "--from", start, "--to", end, "--output", str(output)
    )


def test_it_writes_the_superbill(charged, tmp_path):
    patient, day = charged
    output = tmp_path / "sb.pdf"
    run(patient, day.isoformat(), day.isoformat(), output)
    assert "96365" in pdf_text(output.read_bytes())


def test_it_refuses_an_unknown_mrn(charged, tmp_path):
    with pytest.raises(CommandError, match="No patient with MRN"):
        call_command(
            "superbill",
            "--mrn",
            "NOPE-1",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--output",
            str(tmp_path / "x.pdf"),
        )


def test_it_refuses_a_bad_date(charged, tmp_path):
    patient, _ = charged
    with pytest.raises(CommandError, match="--from"):
        run(patient, "2026-13-01", "2026-01-02", tmp_path / "x.pdf")


def test_it_refuses_an_end_before_the_start(charged, tmp_path):
    patient, day = charged
    with pytest.raises(CommandError, match="before the start"):
        run(patient, day.isoformat(), (day - timedelta(days=1)).isoformat(), tmp_path / "x.pdf")


def test_it_refuses_a_range_without_charges(charged, tmp_path):
    patient, day = charged
    old = day - timedelta(days=100)
    with pytest.raises(CommandError, match="No charges"):
        run(patient, old.isoformat(), old.isoformat(), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_it_refuses_a_folder_that_does_not_exist(charged, tmp_path):
    patient, day = charged
    with pytest.raises(CommandError, match="does not exist"):
        run(patient, day.isoformat(), day.isoformat(), tmp_path / "missing" / "x.pdf")
