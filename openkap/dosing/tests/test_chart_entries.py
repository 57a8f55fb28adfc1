"""Chart entries: appended, checked, alerting when a limit is crossed, recorded once when retried."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import vitals

pytestmark = pytest.mark.django_db


def add(session: DosingSession, actor: User, entry: chart.EntryInput) -> ChartEntry:
    return chart.chart_entry_add(actor=actor, session=session, entry=entry)


def test_vitals_within_the_limits_raise_no_alert(
    started_session: DosingSession, nurse: User
) -> None:
    entry = add(started_session, nurse, vitals(systolic=128, diastolic=80, heart_rate=72, spo2=98))
    assert entry.alerts == []


def test_a_systolic_above_the_protocol_limit_raises_its_alert(
    started_session: DosingSession, nurse: User
) -> None:
    # The IV protocol's in-session systolic alert is above 180 mmHg (knowledge data).
    entry = add(started_session, nurse, vitals(systolic=186, diastolic=96))
    assert [a["measure"] for a in entry.alerts] == ["systolic"]
    assert "180" in entry.alerts[0]["message"]


def test_an_implausible_value_is_refused_naming_the_field(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(started_session, nurse, vitals(systolic=128, diastolic=80, spo2=140))
    assert "spo2" in refused.value.message_dict
    assert not ChartEntry.objects.filter(session=started_session, kind="vitals").exists()


def test_a_diastolic_without_a_systolic_is_refused(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(started_session, nurse, vitals(diastolic=80))
    assert "diastolic" in refused.value.message_dict


def test_the_same_client_id_is_recorded_once(started_session: DosingSession, nurse: User) -> None:
    entry = vitals(systolic=120, diastolic=70)
    first = add(started_session, nurse, entry)
    again = add(started_session, nurse, entry)
    assert first.pk == again.pk
    assert ChartEntry.objects.filter(session=started_session, kind="vitals").count() == 1


def test_two_clinicians_both_keep_their_entries(
    started_session: DosingSession, nurse: User, prescriber: User
) -> None:
    add(started_session, nurse, vitals(systolic=120, diastolic=70))
    add(
        started_session,
        prescriber,
        chart.EntryInput(kind="note", client_id=uuid.uuid4(), text="Calm, eyes closed"),
    )
    kinds = {(e.kind, e.entered_by_id) for e in started_session.entries.all()}
    assert ("vitals", nurse.pk) in kinds
    assert ("note", prescriber.pk) in kinds


def test_a_rating_of_zero_on_the_moaas_alerts(started_session: DosingSession, nurse: User) -> None:
    entry = add(
        started_session, nurse, chart.EntryInput(kind="sedation", client_id=uuid.uuid4(), score=0)
    )
    assert entry.alerts


def test_a_rating_outside_the_scale_is_refused(started_session: DosingSession, nurse: User) -> None:
    with pytest.raises(ValidationError) as refused:
        add(
            started_session,
            nurse,
            chart.EntryInput(kind="sedation", client_id=uuid.uuid4(), score=9),
        )
    assert "score" in refused.value.message_dict


def test_a_side_effect_needs_a_listed_term_and_a_severity(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(
            started_session,
            nurse,
            chart.EntryInput(kind="side_effect", client_id=uuid.uuid4(), term="hiccups"),
        )
    assert set(refused.value.message_dict) == {"term", "severity"}
    entry = add(
        started_session,
        nurse,
        chart.EntryInput(
            kind="side_effect", client_id=uuid.uuid4(), term="nausea", severity="mild"
        ),
    )
    assert entry.term == "nausea"


def test_a_pause_needs_a_reason_and_a_running_infusion(
    started_session: DosingSession, nurse: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(started_session, nurse, chart.EntryInput(kind="pause", client_id=uuid.uuid4()))
    assert "text" in refused.value.message_dict
    add(
        started_session,
        nurse,
        chart.EntryInput(kind="pause", client_id=uuid.uuid4(), text="BP 186/96"),
    )
    with pytest.raises(ValidationError, match="paused"):
        add(
            started_session,
            nurse,
            chart.EntryInput(kind="pause", client_id=uuid.uuid4(), text="again"),
        )
    add(started_session, nurse, chart.EntryInput(kind="resume", client_id=uuid.uuid4()))
    add(started_session, nurse, chart.EntryInput(kind="dose_end", client_id=uuid.uuid4()))
    started_session.refresh_from_db()
    assert started_session.dose_ended_at is not None
    assert chart.dosing_state(list(started_session.entries.all())) == "ended"


def test_a_therapist_cannot_chart(
    started_session: DosingSession, make_staff: object, clinic: object
) -> None:
    from openkap.accounts.models import Role

    therapist = make_staff("ther.dosing", clinic, Role.THERAPIST)  # type: ignore[operator]
    with pytest.raises(PermissionDenied):
        add(started_session, therapist, vitals(systolic=120, diastolic=70))


def test_it_refuses_a_time_in_the_future(started_session: DosingSession, nurse: User) -> None:
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as refused:
        add(
            started_session,
            nurse,
            vitals(systolic=120, diastolic=70, observed_at=timezone.now() + timedelta(hours=1)),
        )
    assert "observed_at" in refused.value.message_dict


def test_a_side_effect_is_an_adverse_event_of_the_session(
    started_session: DosingSession, nurse: User
) -> None:
    from openkap.safety.models import AdverseEvent

    entry = add(
        started_session,
        nurse,
        chart.EntryInput(
            kind="side_effect", client_id=uuid.uuid4(), term="nausea", severity="moderate"
        ),
    )
    event = AdverseEvent.objects.get(chart_entry=entry)
    assert (event.session, event.term, event.severity) == (started_session, "nausea", "moderate")
