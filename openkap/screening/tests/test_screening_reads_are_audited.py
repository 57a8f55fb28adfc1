"""Every read of intake and screening data writes an audit row of its own category."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db


def _reads(patient: Patient) -> list[tuple[str, object]]:
    return list(
        AuditEvent.objects.filter(
            action=Action.READ, category=Category.SCREENING, patient=patient
        ).values_list("user__username", "detail")
    )


@pytest.mark.parametrize(
    ("name", "view"),
    [("intake", "intake"), ("decision", "screening")],
)
def test_it_audits_reading_a_page(name, view, client_for, nurse, patient):
    url = reverse(f"screening:{name}", kwargs={"public_id": patient.public_id})
    assert client_for(nurse).get(url).status_code == 200
    assert _reads(patient) == [("nurse.intake", {"view": view})]


def test_it_audits_opening_a_questionnaire(client_for, nurse, patient):
    url = reverse(
        "screening:questionnaire", kwargs={"public_id": patient.public_id, "instrument_id": "gad7"}
    )
    client_for(nurse).get(url)
    assert _reads(patient) == [("nurse.intake", {"view": "questionnaire gad7"})]


def test_the_front_desk_chart_reads_no_screening(client_for, staff, patient):
    url = reverse("patients:chart", kwargs={"public_id": patient.public_id})
    page = client_for(staff["front_desk"]).get(url).content.decode()
    assert "Intake and screening" not in page
    assert _reads(patient) == []


def test_it_audits_the_queue_of_drafts(client_for, prescriber, clinic):
    client_for(prescriber).get(reverse("screening:queue"))
    event = AuditEvent.objects.get(action=Action.READ, category=Category.SCREENING)
    assert (event.clinic, event.patient) == (clinic, None)
