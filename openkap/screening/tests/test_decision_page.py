"""The screening page shows every finding with its level (in words), message, source, strength, the
inputs that triggered it, alternatives and the unverified marker, and the rule-pack version."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from openkap.patients.models import Patient
from openkap.screening import services
from openkap.screening.models import Screening

pytestmark = pytest.mark.django_db


def _page(client: Client, patient: Patient) -> str:
    url = reverse("screening:decision", kwargs={"public_id": patient.public_id})
    return html.unescape(client.get(url).content.decode())


def test_it_shows_every_finding_with_its_basis(client_for, prescriber, ready_patient, evaluate):
    services.problem_add(actor=prescriber, patient=ready_patient, code="F33.3")
    services.medication_add(actor=prescriber, patient=ready_patient, name="clonazepam")
    services.measurement_add(actor=prescriber, patient=ready_patient, systolic=152, diastolic=96)
    draft = evaluate(ready_patient)

    page = _page(client_for(prescriber), ready_patient)

    assert f"Rule pack {draft.rule_pack}" in page
    assert "Engine: Needs prescriber review" in page
    assert len(draft.findings) >= 3
    for finding in draft.findings:
        assert finding["message"] in page
        assert finding["source"] in page
        assert finding["rule"] in page
    assert "Soft stop" in page  # psychotic depression and the pressure above 140/90
    assert "Caution" in page  # the benzodiazepine
    assert "Electroconvulsive therapy (ECT)" in page
    assert "152/96 mmHg" in page
    assert "clonazepam" in page
    unverified = [f for f in draft.findings if not f["verified"]]
    if unverified:
        assert "Unverified" in page


def test_it_names_a_wrong_password_next_to_the_field(
    client_for, prescriber, ready_patient, evaluate
):
    draft = evaluate(ready_patient)
    url = reverse("screening:sign", kwargs={"public_id": ready_patient.public_id})
    response = client_for(prescriber).post(
        url, {"version": draft.version, "final_decision": "eligible", "password": "nope"}
    )
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert 'id="id_sign_password_error"' in body
    assert "Your password: The password is not right. Nothing was signed." in body
    assert Screening.objects.get().status == "draft"


def test_it_names_a_missing_override_reason(client_for, prescriber, ready_patient, evaluate):
    services.measurement_add(actor=prescriber, patient=ready_patient, systolic=150, diastolic=92)
    draft = evaluate(ready_patient)
    url = reverse("screening:sign", kwargs={"public_id": ready_patient.public_id})
    response = client_for(prescriber).post(
        url, {"version": draft.version, "final_decision": "eligible", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Reason: Give the reason for deciding differently from the engine." in (
        html.unescape(response.content.decode())
    )


def test_it_names_what_the_intake_lacks_before_evaluating(client_for, prescriber, patient):
    url = reverse("screening:evaluate", kwargs={"public_id": patient.public_id})
    response = client_for(prescriber).post(url, {})
    assert response.status_code == 400
    assert "Not evaluated. Weight: record the patient's weight first." in (
        html.unescape(response.content.decode())
    )
    assert not Screening.objects.exists()


def test_it_shows_the_signed_decision_and_override_reason(
    client_for, prescriber, ready_patient, evaluate, sign
):
    services.measurement_add(actor=prescriber, patient=ready_patient, systolic=146, diastolic=88)
    sign(evaluate(ready_patient), "eligible", reason="White-coat effect; home readings 128/80.")
    page = _page(client_for(prescriber), ready_patient)
    assert "Signed screening in force" in page
    assert "Reason: White-coat effect; home readings 128/80." in page
    assert "needs prescriber review → eligible" in page
