import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from openkap.audit.models import AuditEvent, Category
from openkap.clinical import session
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.safety.models import AdverseEvent
from openkap.screening.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def _export(what: str) -> str:
    out = io.StringIO()
    call_command("export", what, stdout=out)
    return out.getvalue()


def _history(seed: int) -> tuple[str, str]:
    with transaction.atomic():
        call_command("synth", "--patients", "30", "--seed", str(seed), stdout=io.StringIO())
        exports = (_export("questionnaires"), _export("sessions"))
        transaction.set_rollback(True)
    return exports


def test_it_writes_the_same_history_for_the_same_seed():
    first = _history(5)

    assert _history(5) == first
    assert first[0].count("\n") > 100


def test_a_different_seed_writes_a_different_history():
    assert _history(6) != _history(7)


def test_it_writes_one_audit_row_for_the_run_and_none_per_record():
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0

    call_command("synth", "--patients", "25", "--seed", "8", stdout=io.StringIO())

    assert QuestionnaireResponse.objects.count() > 100
    rows = list(AuditEvent.objects.filter(sequence__gt=last))
    assert [(row.category, row.object_type) for row in rows] == [
        (Category.REPORTS, "synthetic_clinic")
    ]
    assert rows[0].detail["seed"] == 8 and rows[0].detail["patients"] == 25


def test_its_rows_keep_the_models_rules():
    call_command("synth", "--patients", "60", "--seed", "9", stdout=io.StringIO())
    terms = {term.id for term in session.side_effect_terms()}
    grades = {grade.id for grade in session.severity_grades()}

    assert not DosingSession.objects.filter(
        gate_outcome="hard_stop", dose_started_at__isnull=False
    ).exists()
    assert not DosingSession.objects.filter(status="signed", signed_by__isnull=True).exists()
    events = AdverseEvent.objects.all()
    assert events.exists()
    assert set(events.values_list("term", flat=True)) <= terms
    assert set(events.values_list("severity", flat=True)) <= grades
    assert not events.exclude(session__patient_id=F("patient_id")).exists()
    assert not events.exclude(chart_entry__term=F("term")).exists()
    assert not events.exclude(chart_entry__session_id=F("session_id")).exists()
    assert (
        ChartEntry.objects.filter(kind="vitals").count()
        >= 2 * DosingSession.objects.filter(dose_started_at__isnull=False).count()
    )


def test_it_refuses_a_seed_already_written_and_names_the_option():
    call_command("synth", "--patients", "3", "--seed", "10", stdout=io.StringIO())

    with pytest.raises(CommandError, match="--seed"):
        call_command("synth", "--patients", "3", "--seed", "10", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--patients"):
        call_command("synth", "--patients", "0", "--seed", "99", stdout=io.StringIO())
