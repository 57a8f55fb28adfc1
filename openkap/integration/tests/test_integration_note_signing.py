from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.integration import services
from openkap.integration.models import IntegrationNote, NoteStatus
from openkap.integration.tests.conftest import PASSWORD, integration_appointment, signing_request
from openkap.plans.models import AppointmentStatus

pytestmark = pytest.mark.django_db


def _sign(
    note: IntegrationNote, user: User, password: str = PASSWORD, version: int | None = None
) -> IntegrationNote:
    return services.integration_note_sign(
        actor=user,
        note=note,
        expected_version=note.version if version is None else version,
        password=password,
        request=signing_request(user),
    )


def test_it_signs_with_the_password_and_completes_the_session(draft, therapist):
    note = _sign(draft, therapist)

    assert note.status == NoteStatus.SIGNED
    assert note.signed_by == therapist
    assert note.signed_at is not None
    draft.appointment.refresh_from_db()
    assert draft.appointment.status == AppointmentStatus.DONE


def test_it_refuses_a_wrong_password_and_signs_nothing(draft, therapist):
    with pytest.raises(ValidationError) as caught:
        _sign(draft, therapist, password="not-my-password")

    assert "password" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DRAFT
    draft.appointment.refresh_from_db()
    assert draft.appointment.status == AppointmentStatus.SCHEDULED


def test_it_refuses_signing_with_a_field_missing_naming_it(draft, therapist):
    draft = services.integration_note_update(
        actor=therapist,
        note=draft,
        expected_version=draft.version,
        themes=draft.themes,
        goals=draft.goals,
        follow_up="",
    )

    with pytest.raises(ValidationError) as caught:
        _sign(draft, therapist)

    assert list(caught.value.message_dict) == ["follow_up"]
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DRAFT


def test_it_refuses_signing_before_the_session_has_started(plan, dosing_session, therapist):
    later = integration_appointment(plan, starts_in=timedelta(days=3))
    note = services.integration_note_create(
        actor=therapist, appointment=later, themes="t", goals="g", follow_up="f"
    )

    with pytest.raises(ValidationError):
        _sign(note, therapist)
    note.refresh_from_db()
    assert note.status == NoteStatus.DRAFT


def test_it_refuses_signing_an_outdated_page(draft, therapist):
    with pytest.raises(services.NoteConflict):
        _sign(draft, therapist, version=draft.version + 5)


def test_it_refuses_any_edit_of_a_signed_note(signed, prescriber):
    with pytest.raises(services.NoteSigned):
        services.integration_note_update(
            actor=prescriber,
            note=signed,
            expected_version=signed.version,
            themes="Rewritten",
            goals="g",
            follow_up="f",
        )
    signed.refresh_from_db()
    assert signed.themes != "Rewritten"


def test_it_refuses_signing_twice(signed, prescriber):
    with pytest.raises(services.NoteSigned):
        _sign(signed, prescriber)
    signed.refresh_from_db()
    assert signed.signed_by != prescriber


def test_it_leaves_a_session_already_recorded_as_it_was(draft, therapist):
    draft.appointment.status = AppointmentStatus.MISSED
    draft.appointment.save()

    _sign(draft, therapist)

    draft.appointment.refresh_from_db()
    assert draft.appointment.status == AppointmentStatus.MISSED
