"""Changing a licence names the version it was based on: a change saved in between is not
silently overwritten."""

from __future__ import annotations

import pytest

from openkap.audit.models import AuditEvent, Category
from openkap.quality.services import EditConflict, credential_update
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def test_it_renews_a_licence_and_counts_the_version(admin, prescriber, add_licence):
    credential = add_licence(prescriber)
    renewed = credential_update(
        actor=admin, credential=credential, expected_version=1, expires_on=in_days(700)
    )
    assert renewed.expires_on == in_days(700)
    assert renewed.version == 2
    event = AuditEvent.objects.filter(category=Category.QUALITY).order_by("-sequence").first()
    assert event is not None and event.detail == {"fields": ["expires_on"]}


def test_it_rejects_a_change_based_on_an_old_version(admin, prescriber, add_licence):
    credential = add_licence(prescriber)
    credential_update(actor=admin, credential=credential, expected_version=1, number="NEW-1")
    with pytest.raises(EditConflict):
        credential_update(
            actor=admin, credential=credential, expected_version=1, expires_on=in_days(5)
        )
    credential.refresh_from_db()
    assert credential.number == "NEW-1"
    assert credential.expires_on == in_days(400)


def test_the_form_answers_409_and_shows_what_is_recorded(
    admin, prescriber, add_licence, client_for
):
    credential = add_licence(prescriber)
    credential_update(actor=admin, credential=credential, expected_version=1, number="SAVED-2")
    response = client_for(admin).post(
        f"/quality/licences/{credential.pk}/",
        {
            "holder": prescriber.pk,
            "kind": "medical_licence",
            "number": "MINE-3",
            "issuer": "State board",
            "expires_on": in_days(400).isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this licence" in body
    assert 'value="SAVED-2"' in body
    credential.refresh_from_db()
    assert credential.number == "SAVED-2"
