import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openkap.audit.models import Action, AuditEvent, Category
from openkap.reports.tests.factories import at, questionnaire

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (
            ("report", "outcomes", "--format", "csv"),
            "instrument,patients,baseline_mean,latest_mean,mean_percent_reduction,"
            "response_rate,remission_rate",
        ),
        (
            ("report", "safety", "--format", "csv"),
            "route,protocol,sessions,term,sessions_with_event,rate",
        ),
        (
            ("export", "questionnaires", "--format", "csv"),
            "patient_id,instrument,administered_at,total",
        ),
        (
            ("export", "sessions", "--format", "csv"),
            "session_id,patient_id,route,started_at,adverse_events",
        ),
    ],
)
def test_it_writes_the_issues_columns(args, header):
    assert _run(*args).splitlines()[0] == header


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--from", "yesterday"),
        ("--to", "2026-13-01"),
        ("--protocol", "no-such-protocol"),
        ("--route", "rectal"),
        ("--clinic", "999999"),
    ],
)
def test_it_refuses_a_bad_filter_and_names_the_option(option, value):
    with pytest.raises(CommandError, match=option):
        _run("report", "outcomes", option, value)


def test_it_refuses_a_last_day_before_the_first():
    with pytest.raises(CommandError, match="--to"):
        _run("export", "sessions", "--from", "2026-02-01", "--to", "2026-01-01")


def test_the_export_is_audited_as_an_export_of_reports_data():
    _run("export", "questionnaires", "--route", "im")

    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert (event.action, event.category, event.object_type) == (
        Action.EXPORT,
        Category.REPORTS,
        "questionnaires_export",
    )
    assert event.detail["filters"]["route"] == "im"


def test_the_export_names_patients_by_public_id_only(clinic, make_patient, staff):
    patient = make_patient(clinic)
    questionnaire(patient, staff["nurse"], "phq9", 12, at("2026-02-01"))

    text = _run("export", "questionnaires")

    assert str(patient.public_id) in text
    assert patient.mrn not in text and patient.legal_family_name not in text
    assert "2026-02-01T10:00:00+00:00" in text


def test_the_json_reports_carry_the_published_figures_beside_the_clinics():
    safety = json.loads(_run("report", "safety", "--format", "json"))
    outcomes = json.loads(_run("report", "outcomes", "--format", "json"))

    rates = {figure["term"]: figure["rate"] for figure in safety["published"]}
    assert rates["elevated_blood_pressure"] == 0.4916 and rates["nausea"] == 0.1205
    assert any(
        f["instrument"] == "phq9" and f["measure"] == "response_rate" and f["value"] == 0.628
        for f in outcomes["published"]
    )
