"""Signing asks for the signer's password again; a wrong one signs nothing and is counted."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError

from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_it_refuses_to_sign_with_a_wrong_password(ready_patient, evaluate, sign):
    draft = evaluate(ready_patient)
    with pytest.raises(ValidationError) as refused:
        sign(draft, "eligible", password="not-my-password")
    assert "password" in refused.value.message_dict
    stored = Screening.objects.get(pk=draft.pk)
    assert (stored.status, stored.signed_by, stored.signed_at) == ("draft", None, None)
    assert AccessAttempt.objects.filter(username="dr.prescriber").exists()


def test_it_refuses_to_sign_without_a_password(ready_patient, evaluate, sign):
    draft = evaluate(ready_patient)
    with pytest.raises(ValidationError) as refused:
        sign(draft, "eligible", password="")
    assert "password" in refused.value.message_dict


def test_it_refuses_a_nurse_signing_even_with_her_password(ready_patient, evaluate, sign, nurse):
    from django.core.exceptions import PermissionDenied

    draft = evaluate(ready_patient, actor=nurse)
    with pytest.raises(PermissionDenied):
        sign(draft, "eligible", actor=nurse)
    assert Screening.objects.get(pk=draft.pk).status == "draft"
