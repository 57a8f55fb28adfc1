"""PostgreSQL refuses, by trigger, any change to a signed note and any change to an addendum."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.integration import services
from openkap.integration.models import IntegrationAddendum, IntegrationNote
from openkap.integration.tests.conftest import PASSWORD, signing_request

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's"),
]


def test_it_refuses_updating_a_signed_note_below_the_services(signed):
    with pytest.raises(DatabaseError), transaction.atomic():
        IntegrationNote.objects.filter(pk=signed.pk).update(themes="Tampered")
    signed.refresh_from_db()
    assert signed.themes != "Tampered"


def test_it_refuses_changing_an_addendum(signed, therapist):
    addendum = services.integration_addendum_add(
        actor=therapist,
        note=signed,
        text="Added",
        reason="Forgot",
        password=PASSWORD,
        request=signing_request(therapist),
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        IntegrationAddendum.objects.filter(pk=addendum.pk).update(text="Tampered")
    addendum.refresh_from_db()
    assert addendum.text == "Added"


def test_it_still_lets_a_draft_change(draft):
    assert IntegrationNote.objects.filter(pk=draft.pk).update(themes="Changed") == 1
