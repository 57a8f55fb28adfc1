"""Two people moving the same appointment at once, both from the same version: exactly one move is
saved, the other is refused (PostgreSQL, real concurrent connections)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from openkap.plans import services
from openkap.plans.models import Appointment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_only_one_of_two_concurrent_moves_is_saved(eligible_patient, make_plan, nurse, prescriber):
    plan = make_plan(eligible_patient, activate=True)
    dose = Appointment.objects.get(plan=plan, kind="dosing", dose_number=1)
    original = dose.starts_at
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(actor, hours):
        try:
            barrier.wait()
            services.appointment_move(
                actor=actor,
                appointment=Appointment.objects.get(pk=dose.pk),
                expected_version=dose.version,
                starts_at=original + timedelta(hours=hours),
                reason=f"by {actor.username}",
            )
            outcomes.append("ok")
        except services.PlanConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(who, hours))
        for who, hours in ((nurse, 1), (prescriber, 2))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    dose.refresh_from_db()
    assert dose.version == 2
    winner = {nurse.username: 1, prescriber.username: 2}[dose.status_reason.removeprefix("by ")]
    assert dose.starts_at == original + timedelta(hours=winner)
    integration = Appointment.objects.get(plan=plan, kind="integration", dose_number=1)
    assert integration.version == 2  # moved once, with the winning move only
