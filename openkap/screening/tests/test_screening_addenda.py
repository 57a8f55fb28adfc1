"""Corrections to a signed screening are addenda: text and reason, signed, appended in order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from conftest import PASSWORD
from openkap.accounts.models import User
from openkap.screening import services
from openkap.screening.models import Screening, ScreeningAddendum

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(ready_patient, evaluate, sign):
    return sign(evaluate(ready_patient), "eligible")


def _add(
    screening: Screening,
    actor: User,
    request: Callable[[User], HttpRequest],
    text: str,
    reason: str,
    password: str = PASSWORD,
) -> ScreeningAddendum:
    return services.screening_addendum_add(
        actor=actor,
        screening=screening,
        text=text,
        reason=reason,
        password=password,
        request=request(actor),
    )


def test_it_appends_addenda_in_order_with_their_reasons(signed, prescriber, sign_request):
    _add(signed, prescriber, sign_request, "Escort is the sister, not the partner.", "Correction")
    _add(signed, prescriber, sign_request, "ECG reviewed: normal sinus rhythm.", "New result")
    rows = list(signed.addenda.values_list("text", "reason", "signed_by"))
    assert rows == [
        ("Escort is the sister, not the partner.", "Correction", prescriber.pk),
        ("ECG reviewed: normal sinus rhythm.", "New result", prescriber.pk),
    ]
    # The screening itself is untouched.
    assert Screening.objects.get(pk=signed.pk).version == signed.version


def test_it_refuses_an_addendum_without_a_reason(signed, prescriber, sign_request):
    with pytest.raises(ValidationError) as refused:
        _add(signed, prescriber, sign_request, "Something", "  ")
    assert "reason" in refused.value.message_dict
    assert not ScreeningAddendum.objects.exists()


def test_it_refuses_an_addendum_with_a_wrong_password(signed, prescriber, sign_request):
    with pytest.raises(ValidationError) as refused:
        _add(signed, prescriber, sign_request, "Something", "Because", password="wrong")
    assert "password" in refused.value.message_dict
    assert not ScreeningAddendum.objects.exists()


def test_it_refuses_an_addendum_to_a_draft(ready_patient, evaluate, prescriber, sign_request):
    draft = evaluate(ready_patient)
    with pytest.raises(ValidationError):
        _add(draft, prescriber, sign_request, "Something", "Because")
    assert not ScreeningAddendum.objects.exists()


def test_the_page_shows_addenda_in_order(signed, prescriber, sign_request, client_for):
    _add(signed, prescriber, sign_request, "First addendum text.", "First reason")
    _add(signed, prescriber, sign_request, "Second addendum text.", "Second reason")
    url = reverse("screening:decision", kwargs={"public_id": signed.patient.public_id})
    page = client_for(prescriber).get(url).content.decode()
    assert page.index("First addendum text.") < page.index("Second addendum text.")
    assert "Reason: Second reason" in page


def test_the_addendum_form_names_a_missing_field(signed, prescriber, client_for):
    url = reverse("screening:addendum_add", kwargs={"public_id": signed.patient.public_id})
    response = client_for(prescriber).post(
        url, {"screening": signed.pk, "text": "Something", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Reason for the addendum: This field is required." in response.content.decode()
    assert not ScreeningAddendum.objects.exists()
