"""Recording a drill's follow-up later names the version it was based on."""

from __future__ import annotations

import pytest

from openkap.quality.services import EditConflict, drill_record, drill_update
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(admin, clinic, prescriber):
    return drill_record(
        actor=admin,
        clinic=clinic,
        held_on=in_days(-10),
        scenario="airway",
        participants=[prescriber],
        findings="Mask in the wrong cupboard.",
        follow_up="Move it.",
    )


def test_it_records_the_follow_up_as_done(admin, drill):
    updated = drill_update(actor=admin, drill=drill, expected_version=1, follow_up_done=True)
    assert updated.follow_up_done is True
    assert updated.version == 2


def test_it_rejects_a_change_based_on_an_old_version(admin, drill):
    drill_update(actor=admin, drill=drill, expected_version=1, findings="Corrected findings.")
    with pytest.raises(EditConflict):
        drill_update(actor=admin, drill=drill, expected_version=1, follow_up_done=True)
    drill.refresh_from_db()
    assert drill.findings == "Corrected findings."
    assert drill.follow_up_done is False
