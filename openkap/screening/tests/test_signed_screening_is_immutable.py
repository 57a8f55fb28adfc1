"""A signed screening never changes: the services refuse, and so does the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from openkap.screening import services
from openkap.screening.models import Screening, ScreeningAddendum

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(ready_patient, evaluate, sign):
    return sign(evaluate(ready_patient), "eligible")


def test_it_refuses_to_sign_a_signed_screening_again(signed, sign):
    with pytest.raises(services.ScreeningSigned):
        sign(signed, "ineligible", reason="Second thoughts")
    stored = Screening.objects.get(pk=signed.pk)
    assert (stored.final_decision, stored.version) == ("eligible", signed.version)


def test_the_database_refuses_an_update_of_a_signed_screening(signed):
    with pytest.raises(DatabaseError), transaction.atomic():
        Screening.objects.filter(pk=signed.pk).update(final_decision="ineligible")
    assert Screening.objects.get(pk=signed.pk).final_decision == "eligible"


def test_the_database_refuses_an_update_of_an_addendum(signed, prescriber, sign_request):
    from conftest import PASSWORD

    addendum = services.screening_addendum_add(
        actor=prescriber,
        screening=signed,
        text="Escort confirmed.",
        reason="Missing at signing",
        password=PASSWORD,
        request=sign_request(prescriber),
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        ScreeningAddendum.objects.filter(pk=addendum.pk).update(text="Nothing happened.")
    assert ScreeningAddendum.objects.get(pk=addendum.pk).text == "Escort confirmed."


def test_the_database_still_lets_a_draft_change(ready_patient, evaluate):
    draft = evaluate(ready_patient)
    Screening.objects.filter(pk=draft.pk).update(route="oral")
    assert Screening.objects.get(pk=draft.pk).route == "oral"
