"""The chart shows the screening in its panel and on the timeline: drafts, signatures, addenda."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from openkap.patients.timeline import patient_timeline
from openkap.screening import services

pytestmark = pytest.mark.django_db


def test_the_timeline_shows_a_draft_then_its_signature_and_addendum(
    ready_patient, prescriber, evaluate, sign, sign_request
):
    draft = evaluate(ready_patient)
    kinds = [(e.kind, e.title) for e in patient_timeline(ready_patient, user=prescriber)]
    assert ("screening", "Screening evaluated (draft, awaiting the prescriber)") in kinds

    signed = sign(draft, "eligible")
    services.screening_addendum_add(
        actor=prescriber,
        screening=signed,
        text="Escort confirmed by phone.",
        reason="Follow-up",
        password=PASSWORD,
        request=sign_request(prescriber),
    )
    entries = [e for e in patient_timeline(ready_patient, user=prescriber) if e.kind == "screening"]
    assert [e.title for e in entries] == ["Screening addendum", "Screening signed: Eligible"]
    assert "rule pack" in entries[1].detail


def test_the_chart_panel_shows_the_signed_decision(
    client_for, prescriber, ready_patient, evaluate, sign
):
    sign(evaluate(ready_patient), "eligible")
    url = reverse("patients:chart", kwargs={"public_id": ready_patient.public_id})
    page = client_for(prescriber).get(url).content.decode()
    assert "Intake and screening" in page
    assert "signed by" in page
    assert reverse("screening:decision", kwargs={"public_id": ready_patient.public_id}) in page


def test_the_queue_lists_drafts_of_the_clinic_only(
    client_for, prescriber, ready_patient, evaluate, other_clinic, make_patient, make_staff
):
    evaluate(ready_patient)
    page = client_for(prescriber).get(reverse("screening:queue")).content.decode()
    assert ready_patient.mrn in page
    elsewhere = make_staff("elsewhere", other_clinic, "prescriber")
    page = client_for(elsewhere).get(reverse("screening:queue")).content.decode()
    assert ready_patient.mrn not in page
    assert "No screening is waiting." in page


def test_front_desk_does_not_see_screening_entries_on_the_timeline(
    ready_patient, clinic, make_staff, evaluate, sign
):
    sign(evaluate(ready_patient), "eligible")
    desk = make_staff("desk", clinic, "front_desk")
    kinds = {entry.kind for entry in patient_timeline(ready_patient, user=desk)}
    assert "screening" not in kinds
    assert "registration" in kinds
