from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import User
from openkap.integration import services
from openkap.integration.models import IntegrationAddendum, IntegrationNote
from openkap.integration.tests.conftest import PASSWORD, signing_request

pytestmark = pytest.mark.django_db


def _add(
    note: IntegrationNote,
    user: User,
    *,
    text: str = "Goal was weekly, not daily",
    reason: str = "Wrong frequency",
    pw: str = PASSWORD,
) -> IntegrationAddendum:
    return services.integration_addendum_add(
        actor=user,
        note=note,
        text=text,
        reason=reason,
        password=pw,
        request=signing_request(user),
    )


def test_it_appends_an_addendum_with_its_reason(signed, prescriber):
    addendum = _add(signed, prescriber)

    assert addendum.reason == "Wrong frequency"
    assert addendum.written_by == prescriber
    assert list(signed.addenda.all()) == [addendum]


@pytest.mark.parametrize(("text", "reason", "field"), [("", "r", "text"), ("t", " ", "reason")])
def test_it_refuses_an_addendum_without_text_or_reason(signed, therapist, text, reason, field):
    with pytest.raises(ValidationError) as caught:
        _add(signed, therapist, text=text, reason=reason)
    assert field in caught.value.message_dict
    assert not IntegrationAddendum.objects.exists()


def test_it_refuses_an_addendum_to_a_draft(draft, therapist):
    with pytest.raises(ValidationError):
        _add(draft, therapist)
    assert not IntegrationAddendum.objects.exists()


def test_it_refuses_an_addendum_with_a_wrong_password(signed, therapist):
    with pytest.raises(ValidationError) as caught:
        _add(signed, therapist, pw="wrong")
    assert "password" in caught.value.message_dict
    assert not IntegrationAddendum.objects.exists()


def test_it_refuses_a_nurse(signed, nurse):
    with pytest.raises(PermissionDenied):
        _add(signed, nurse)
