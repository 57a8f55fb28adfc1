from __future__ import annotations

import pytest

from openkap.integration import services

pytestmark = pytest.mark.django_db


def test_it_saves_an_edit_made_on_the_current_version(draft, prescriber):
    note = services.integration_note_update(
        actor=prescriber,
        note=draft,
        expected_version=draft.version,
        themes="Grief and relief",
        goals=draft.goals,
        follow_up=draft.follow_up,
    )

    assert note.themes == "Grief and relief"
    assert note.version == draft.version + 1


def test_it_refuses_an_edit_drawn_before_someone_elses_change(draft, therapist, prescriber):
    services.integration_note_update(
        actor=prescriber,
        note=draft,
        expected_version=1,
        themes="First change",
        goals="g",
        follow_up="f",
    )

    with pytest.raises(services.NoteConflict):
        services.integration_note_update(
            actor=therapist,
            note=draft,
            expected_version=1,
            themes="Second change, from an old page",
            goals="g",
            follow_up="f",
        )
    draft.refresh_from_db()
    assert draft.themes == "First change"
