"""The prescriber confirms the engine's decision, or decides differently with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.screening import services
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def soft_stop(ready_patient, prescriber, evaluate):
    # A pre-dose pressure above 140/90: the SPRAVATO label says weigh it (a soft stop).
    services.measurement_add(actor=prescriber, patient=ready_patient, systolic=150, diastolic=94)
    draft = evaluate(ready_patient)
    assert draft.engine_decision == "needs_review"
    return draft


def test_it_refuses_an_override_without_a_reason(soft_stop, sign):
    with pytest.raises(ValidationError) as refused:
        sign(soft_stop, "eligible", reason="   ")
    assert "reason" in refused.value.message_dict
    assert Screening.objects.get(pk=soft_stop.pk).status == "draft"


def test_it_signs_a_reviewed_soft_stop_as_eligible_with_the_reason(soft_stop, sign, prescriber):
    signed = sign(soft_stop, "eligible", reason="Repeat BP 132/84 after rest; GP confirms control.")
    assert signed.status == "signed"
    assert signed.final_decision == "eligible"
    assert signed.engine_decision == "needs_review"
    assert signed.overridden is True
    assert signed.override_reason == "Repeat BP 132/84 after rest; GP confirms control."
    assert signed.signed_by == prescriber
    assert signed.signed_at is not None


def test_it_refuses_to_sign_needs_review_as_a_decision(soft_stop, sign):
    with pytest.raises(ValidationError) as refused:
        sign(soft_stop, "needs_review", reason="Later")
    assert "final_decision" in refused.value.message_dict


def test_it_confirms_an_eligible_decision_without_a_reason(ready_patient, evaluate, sign):
    draft = evaluate(ready_patient)
    assert draft.engine_decision == "eligible"
    signed = sign(draft, "eligible")
    assert (signed.final_decision, signed.overridden, signed.override_reason) == (
        "eligible",
        False,
        "",
    )


def test_it_needs_a_reason_to_decide_ineligible_against_an_eligible_engine(
    ready_patient, evaluate, sign
):
    draft = evaluate(ready_patient)
    with pytest.raises(ValidationError) as refused:
        sign(draft, "ineligible")
    assert "reason" in refused.value.message_dict
    signed = sign(draft, "ineligible", reason="Active suicidal plan at interview; admit.")
    assert signed.overridden is True
