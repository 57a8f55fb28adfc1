"""A relapse on the scores prompts a maintenance decision, on the chart and in the clinic's list;
the prescriber alone records it, with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.outcomes.models import MaintenanceDecision
from openkap.outcomes.tests.conftest import add_scores

pytestmark = pytest.mark.django_db

PROMPT = "a maintenance decision is needed"


@pytest.fixture
def relapsed(patient, nurse):
    # Baseline 20, response at 8, then 15 and 16: above 10 twice running (relapse at the last).
    return add_scores(patient, nurse, "phq9", [20, 8, 15, 16])


def test_the_chart_prompts_for_a_decision_after_a_relapse(
    relapsed, client_for, prescriber, patient
):
    page = client_for(prescriber).get(
        reverse("outcomes:chart", kwargs={"public_id": patient.public_id})
    )
    body = page.content.decode()
    assert PROMPT in body
    assert f'name="relapse" value="{relapsed[-1].pk}"' in body


def test_no_prompt_while_the_response_holds(patient, nurse, client_for, prescriber):
    add_scores(patient, nurse, "phq9", [20, 8, 15, 9])
    page = client_for(prescriber).get(
        reverse("outcomes:chart", kwargs={"public_id": patient.public_id})
    )
    assert PROMPT not in page.content.decode()


def test_the_clinic_list_names_the_patient_awaiting_a_decision(
    relapsed, client_for, nurse, patient
):
    body = client_for(nurse).get(reverse("outcomes:alerts")).content.decode()
    section = body.split("Relapses awaiting a maintenance decision", 1)[1]
    assert patient.legal_family_name in section


def test_the_prescriber_records_the_decision_and_the_prompt_goes(
    relapsed, client_for, prescriber, patient
):
    client = client_for(prescriber)
    response = client.post(
        reverse("outcomes:decision", kwargs={"public_id": patient.public_id}),
        {
            "relapse": relapsed[-1].pk,
            "decision": "increase",
            "reason": "Symptoms back after 3 weeks.",
        },
    )
    assert response.status_code == 302
    made = MaintenanceDecision.objects.get()
    assert (made.decision, made.decided_by, made.relapse_response) == (
        "increase",
        prescriber,
        relapsed[-1],
    )
    page = client.get(reverse("outcomes:chart", kwargs={"public_id": patient.public_id}))
    assert PROMPT not in page.content.decode()


def test_it_rejects_a_decision_without_a_reason(relapsed, client_for, prescriber, patient):
    response = client_for(prescriber).post(
        reverse("outcomes:decision", kwargs={"public_id": patient.public_id}),
        {"relapse": relapsed[-1].pk, "decision": "continue", "reason": ""},
    )
    assert response.status_code == 400
    assert "Reason: This field is required." in response.content.decode()
    assert not MaintenanceDecision.objects.exists()


def test_a_nurse_cannot_record_the_decision(relapsed, client_for, nurse, patient):
    response = client_for(nurse).post(
        reverse("outcomes:decision", kwargs={"public_id": patient.public_id}),
        {"relapse": relapsed[-1].pk, "decision": "continue", "reason": "No"},
    )
    assert response.status_code == 403
    assert not MaintenanceDecision.objects.exists()


def test_the_chart_gives_the_chart_js_the_same_numbers_as_its_table(
    relapsed, client_for, nurse, patient
):
    import json
    import re

    body = (
        client_for(nurse)
        .get(reverse("outcomes:chart", kwargs={"public_id": patient.public_id}))
        .content.decode()
    )
    found = re.search(r'id="outcomes-charts" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    (phq9,) = data
    assert [p["y"] for p in phq9["points"]] == [20, 8, 15, 16]
    assert phq9["baseline"] == 20 and phq9["response_at_most"] == 10
    assert [p["relapse"] for p in phq9["points"]] == [False, False, False, True]
