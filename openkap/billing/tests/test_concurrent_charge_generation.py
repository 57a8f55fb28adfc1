"""Front desk and billing pressing "Generate charges" at the same moment: the patient's row lock
serialises them, so each piece of work is charged once and neither fails (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from openkap.billing.charge_services import charges_generate
from openkap.billing.models import Charge
from openkap.billing.tests import charge_factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_two_people_generating_at_once_charge_each_session_once(
    patient, prescriber, biller, front_desk
):
    day = timezone.localdate() - timedelta(days=3)
    f.item(patient.clinic_id, "IV", "dosing", [(day - timedelta(days=5), "400.00")], route="iv")
    plan = f.plan(patient, prescriber)
    for offset in range(3):
        f.signed_session(plan, prescriber, day + timedelta(days=offset))
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[str] = []

    def generate(actor: Any) -> None:
        try:
            barrier.wait()
            made.append(len(charges_generate(actor=actor, patient=patient).created))
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=generate, args=(who,)) for who in (biller, front_desk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(made) == [0, 3]  # the three sessions, by one of the two (no evaluation price)
    assert Charge.objects.filter(patient=patient).count() == 3
