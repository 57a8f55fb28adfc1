"""Two people on the same draft: a change based on an older version is refused, never merged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from openkap.screening import services
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


def test_it_refuses_to_sign_a_draft_evaluated_again_meanwhile(
    ready_patient, prescriber, nurse, evaluate, sign, client_for
):
    seen = evaluate(ready_patient)  # the prescriber opens the draft at this version
    services.measurement_add(actor=nurse, patient=ready_patient, systolic=150, diastolic=95)
    evaluate(ready_patient, actor=nurse)  # the nurse re-evaluates: needs review now

    url = reverse("screening:sign", kwargs={"public_id": ready_patient.public_id})
    response = client_for(prescriber).post(
        url, {"version": seen.version, "final_decision": "eligible", "password": PASSWORD}
    )

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    stored = Screening.objects.get(pk=seen.pk)
    assert (stored.status, stored.engine_decision) == ("draft", "needs_review")


def test_it_refuses_to_refresh_a_draft_from_an_old_version(ready_patient, prescriber, evaluate):
    draft = evaluate(ready_patient)
    evaluate(ready_patient)
    with pytest.raises(services.ScreeningConflict):
        services.screening_evaluate(
            actor=prescriber, patient=ready_patient, expected_version=draft.version
        )


def test_it_refuses_to_start_a_second_draft(ready_patient, prescriber, evaluate):
    evaluate(ready_patient)
    with pytest.raises(services.ScreeningConflict):
        services.screening_evaluate(actor=prescriber, patient=ready_patient, expected_version=None)
    assert Screening.objects.count() == 1
