"""New intake data after a decision: evaluating again makes a new draft and leaves the signed
screening as it was; a draft whose intake changed since its evaluation cannot be signed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from openkap.screening import services
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_it_creates_a_new_draft_after_a_signed_screening(ready_patient, prescriber, evaluate, sign):
    signed = sign(evaluate(ready_patient), "eligible")
    services.problem_add(actor=prescriber, patient=ready_patient, code="I71.4")

    draft = evaluate(ready_patient)

    assert draft.pk != signed.pk
    assert draft.status == "draft"
    assert draft.engine_decision == "ineligible"
    before = Screening.objects.get(pk=signed.pk)
    assert (before.status, before.final_decision, before.engine_decision) == (
        "signed",
        "eligible",
        "eligible",
    )
    assert "I71.4" not in before.engine_input["conditions"]


def test_evaluating_a_draft_again_refreshes_it(ready_patient, prescriber, evaluate):
    first = evaluate(ready_patient)
    services.medication_add(actor=prescriber, patient=ready_patient, name="lorazepam")
    second = evaluate(ready_patient)
    assert second.pk == first.pk
    assert second.version == first.version + 1
    assert second.engine_input["medications"] == ["lorazepam"]
    assert Screening.objects.count() == 1


def test_it_refuses_to_sign_a_draft_whose_intake_changed(ready_patient, prescriber, evaluate, sign):
    draft = evaluate(ready_patient)
    services.measurement_add(actor=prescriber, patient=ready_patient, weight_kg=Decimal("90"))
    with pytest.raises(services.EvaluationOutdated) as refused:
        sign(draft, "eligible")
    assert refused.value.changed == ["weight_kg"]
    assert Screening.objects.get(pk=draft.pk).status == "draft"
