"""A side effect charted in a session becomes an adverse event linked to the session and its dose."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent, Category
from openkap.dosing.models import ChartEntry
from openkap.safety.models import AdverseEvent, EventSource
from openkap.safety.services import adverse_event_backfill, adverse_event_from_chart_entry

from .conftest import chart_side_effect

pytestmark = pytest.mark.django_db


def test_the_hook_links_the_event_to_the_entry_and_the_session(started_session, nurse):
    entry = chart_side_effect(
        started_session, nurse, term="vomiting", severity="moderate", text="Once"
    )

    event = adverse_event_from_chart_entry(actor=nurse, entry=entry)

    assert event is not None
    assert event.chart_entry == entry
    assert event.session == started_session
    assert started_session.dose_mg is not None  # the dose it followed
    assert event.patient == started_session.patient
    assert (event.term, event.severity, event.source) == (
        "vomiting",
        "moderate",
        EventSource.SESSION,
    )
    assert event.onset_at == entry.observed_at
    assert event.description == "Once"
    assert event.reported_by == nurse
    assert AuditEvent.objects.filter(
        category=Category.SAFETY, object_type="adverse_event", object_id=str(event.pk)
    ).exists()


def test_the_same_entry_twice_is_one_event(started_session, nurse):
    entry = chart_side_effect(started_session, nurse)

    first = adverse_event_from_chart_entry(actor=nurse, entry=entry)
    second = adverse_event_from_chart_entry(actor=nurse, entry=entry)

    assert first == second
    assert AdverseEvent.objects.filter(chart_entry=entry).count() == 1


def test_an_entry_that_is_not_a_side_effect_has_no_event(started_session, nurse):
    vitals = ChartEntry.objects.filter(session=started_session).first()
    assert vitals is not None and vitals.kind != ChartEntry.Kind.SIDE_EFFECT

    assert adverse_event_from_chart_entry(actor=nurse, entry=vitals) is None
    assert not AdverseEvent.objects.exists()


def test_it_rejects_a_user_who_may_not_chart(started_session, nurse, clinic, make_staff):
    from django.core.exceptions import PermissionDenied

    entry = chart_side_effect(started_session, nurse)
    therapist = make_staff("therapist.hook", clinic, Role.THERAPIST)

    with pytest.raises(PermissionDenied):
        adverse_event_from_chart_entry(actor=therapist, entry=entry)
    # Only the event the nurse's charting made.
    assert AdverseEvent.objects.filter(chart_entry=entry).count() == 1


def test_the_backfill_makes_the_missing_events_once(started_session, nurse):
    chart_side_effect(started_session, nurse, term="nausea")  # charted: has its event
    # Charted before the chart made events: an entry written without the hook.
    ChartEntry.objects.create(
        session=started_session,
        kind=ChartEntry.Kind.SIDE_EFFECT,
        observed_at=timezone.now(),
        term="headache",
        severity="mild",
        entered_at=timezone.now(),
        entered_by=nurse,
        client_id=uuid.uuid4(),
    )

    made = adverse_event_backfill()
    again = adverse_event_backfill()

    assert (made, again) == (1, 0)
    assert sorted(AdverseEvent.objects.values_list("term", flat=True)) == ["headache", "nausea"]
