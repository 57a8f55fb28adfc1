import csv
import io

import pytest
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category
from openkap.reports.tests.factories import at, plan, questionnaire, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(clinic, other_clinic, make_patient, staff):
    user = staff["prescriber"]
    here = make_patient(clinic)
    questionnaire(here, user, "phq9", 20, at("2026-02-01"))
    questionnaire(here, user, "phq9", 4, at("2026-03-01"))
    treatment = plan(here, user)
    session(treatment, user, at("2026-02-02"), "nausea")
    session(treatment, user, at("2026-02-09"))
    there = make_patient(other_clinic)
    questionnaire(there, user, "gad7", 15, at("2026-02-01"))
    questionnaire(there, user, "gad7", 3, at("2026-03-01"))
    return here


def test_the_page_shows_the_clinics_numbers_beside_the_published_ones(history, staff, client_for):
    response = client_for(staff["prescriber"]).get(reverse("reports:index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "PHQ-9" in body and "GAD-7" not in body  # the GAD-7 patient is the other clinic's
    assert "0.500" in body  # nausea in 1 of 2 sessions, as a rate
    assert "0.1205" in body and "tsang2023" in body  # the published nausea rate and its study
    assert 'id="report-chart-data"' in body and "chart.umd.min.js" in body
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.category) == (Action.READ, Category.REPORTS)


def test_a_wrong_filter_is_refused_with_the_field_named(staff, client_for):
    response = client_for(staff["prescriber"]).get(
        reverse("reports:index"), {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    )

    assert response.status_code == 400
    assert "The last day is before the first." in response.content.decode()


def test_the_csv_download_is_the_filtered_report_and_is_audited_as_an_export(
    history, staff, client_for
):
    response = client_for(staff["clinic_admin"]).get(
        reverse("reports:csv"), {"report": "safety", "route": "im"}
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [(r["route"], r["sessions"], r["term"], r["sessions_with_event"]) for r in rows] == [
        ("im", "2", "nausea", "1")
    ]
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.object_type) == (Action.EXPORT, "safety_report")


def test_the_pdf_download_is_a_pdf(history, staff, client_for):
    response = client_for(staff["prescriber"]).get(reverse("reports:pdf"))

    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None and event.object_type == "reports_pdf"


def test_the_raw_export_holds_only_the_active_clinics_patients(history, staff, client_for):
    response = client_for(staff["prescriber"]).get(
        reverse("reports:export"), {"what": "questionnaires"}
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["patient_id"] for row in rows} == {str(history.public_id)}
    assert [row["total"] for row in rows] == ["20", "4"]


def test_a_nurse_may_not_open_the_reports(staff, client_for):
    assert client_for(staff["nurse"]).get(reverse("reports:index")).status_code == 403
