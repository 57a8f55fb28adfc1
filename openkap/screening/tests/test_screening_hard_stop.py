"""An absolute contraindication is a hard stop: no override makes the patient eligible."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.screening import services
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def hard_stop(ready_patient, prescriber, evaluate):
    # Arteriovenous malformation of cerebral vessels: SPRAVATO PI §4 contraindication.
    services.problem_add(actor=prescriber, patient=ready_patient, code="Q28.2")
    draft = evaluate(ready_patient)
    assert draft.engine_decision == "ineligible"
    return draft


def test_it_refuses_to_sign_a_hard_stop_as_eligible_whatever_the_reason(hard_stop, sign):
    with pytest.raises(ValidationError) as refused:
        sign(hard_stop, "eligible", reason="I have reviewed the imaging and accept the risk.")
    assert "cannot be overridden" in refused.value.message_dict["final_decision"][0]
    assert Screening.objects.get(pk=hard_stop.pk).status == "draft"


def test_it_signs_a_hard_stop_as_ineligible(hard_stop, sign):
    signed = sign(hard_stop, "ineligible")
    assert (signed.status, signed.final_decision, signed.overridden) == (
        "signed",
        "ineligible",
        False,
    )


def test_it_shows_the_ect_alternative_for_psychotic_depression(ready_patient, prescriber, evaluate):
    services.problem_add(actor=prescriber, patient=ready_patient, code="F33.3")
    draft = evaluate(ready_patient)
    psychotic = next(f for f in draft.findings if f["rule"] == "psychotic-depression")
    assert any("ECT" in alternative for alternative in psychotic["alternatives"])
