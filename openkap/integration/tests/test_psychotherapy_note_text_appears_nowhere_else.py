"""The psychotherapy note's text is in its own page only: not on the chart, the timeline, the
patient's portal pages, any audit row or the raw exports."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openkap.audit.models import AuditEvent
from openkap.integration import services
from openkap.integration.tests.conftest import SECRET
from openkap.patients.timeline import patient_timeline
from openkap.portal.tests.fixtures import create_portal_account, portal_sign_in
from openkap.web.tests.test_authorization_matrix import project_url_patterns

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_and_read(private_note, therapist, prescriber, client_for):
    """The note written, edited, shared, read by both, unshared: every path that touches it."""
    services.psychotherapy_note_share(actor=therapist, note=private_note, colleague=prescriber)
    url = reverse("integration:psychotherapy_note", kwargs={"note_id": private_note.public_id})
    assert SECRET in client_for(prescriber).get(url).content.decode()
    client_for(therapist).post(url, {"text": SECRET + " (again)", "version": 1})
    services.psychotherapy_note_unshare(actor=therapist, note=private_note, colleague=prescriber)
    return private_note


def test_it_is_not_on_the_chart_page_of_its_author(shared_and_read, therapist, client_for):
    patient = shared_and_read.patient
    page = client_for(therapist).get(
        reverse("patients:chart", kwargs={"public_id": patient.public_id})
    )

    assert page.status_code == 200
    assert SECRET not in page.content.decode()


def test_it_is_not_on_the_integration_section(shared_and_read, therapist, client_for):
    patient = shared_and_read.patient
    page = client_for(therapist).get(
        reverse("integration:patient", kwargs={"public_id": patient.public_id})
    )

    assert page.status_code == 200
    assert SECRET not in page.content.decode()


def test_it_is_not_on_the_timeline(shared_and_read, therapist):
    entries = patient_timeline(shared_and_read.patient, user=therapist)

    assert entries
    assert all(SECRET not in f"{entry.title} {entry.detail}" for entry in entries)


def test_it_is_on_none_of_the_patients_portal_pages(shared_and_read):
    client = portal_sign_in(Client(), create_portal_account(shared_and_read.patient))
    opened = 0
    for name, pattern in project_url_patterns().items():
        if pattern.pattern.converters:
            continue
        response = client.get(reverse(name))
        if response.status_code == 200 and not response.streaming:
            opened += 1
            assert SECRET not in response.content.decode(), name

    assert opened >= 3  # the portal's home, appointments and consents at least


def test_it_is_in_no_audit_row(shared_and_read):
    rows = AuditEvent.objects.all()

    # Written, shared, read by the colleague, edited, unshared: five rows.
    assert rows.filter(object_type="psychotherapy_note").count() == 5
    for row in rows:
        assert "lake house" not in json.dumps(row.detail)
        assert "lake house" not in f"{row.object_type} {row.object_id} {row.username}"


@pytest.mark.parametrize("what", ["questionnaires", "sessions"])
def test_it_is_in_no_raw_export(shared_and_read, dosing_session, what):
    out = StringIO()

    call_command("export", what, "--format", "csv", stdout=out)

    assert out.getvalue().count("\n") >= 1  # the header at least: the export ran
    assert "lake house" not in out.getvalue()
