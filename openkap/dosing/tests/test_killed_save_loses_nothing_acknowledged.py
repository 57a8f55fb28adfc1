"""A process killed in the middle of charting loses nothing it acknowledged (PostgreSQL).

A separate process charts vitals one by one and prints each entry's client id once the save has
returned (the acknowledgement the browser would get). The test kills it with SIGKILL while it is
still saving, then checks that every acknowledged entry is in the database, and that sending the
unacknowledged ones again (as a browser resends a form) records each of them exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server other processes share"
    ),
]

CHARTER = """
import os, sys, uuid
import django
django.setup()
from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import DosingSession
actor = User.objects.get(pk=int(sys.argv[1]))
session = DosingSession.objects.get(pk=int(sys.argv[2]))
for line in sys.stdin:
    client_id = uuid.UUID(line.strip())
    chart.chart_entry_add(actor=actor, session=session, entry=chart.EntryInput(
        kind="vitals", client_id=client_id, systolic=120, diastolic=70))
    print(client_id, flush=True)
"""
TOTAL = 40
KILL_AFTER = 8


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_every_acknowledged_entry_survives_a_kill(
    started_session: DosingSession, nurse: User
) -> None:
    client_ids = [uuid.uuid4() for _ in range(TOTAL)]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "openkap.config.settings_test",
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHARTER, str(nurse.pk), str(started_session.pk)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    # Hand it every entry at once, so it is in the middle of a save when it is killed.
    child.stdin.write("".join(f"{c}\n" for c in client_ids))
    child.stdin.flush()
    acknowledged = [uuid.UUID(child.stdout.readline().strip()) for _ in range(KILL_AFTER)]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)

    saved = set(
        ChartEntry.objects.filter(session=started_session, kind="vitals").values_list(
            "client_id", flat=True
        )
    )
    assert set(acknowledged) <= saved
    # The browser resends what it has no answer for: each is recorded exactly once.
    for client_id in client_ids[KILL_AFTER:]:
        chart.chart_entry_add(
            actor=nurse,
            session=started_session,
            entry=chart.EntryInput(kind="vitals", client_id=client_id, systolic=120, diastolic=70),
        )
    rows = ChartEntry.objects.filter(session=started_session, kind="vitals")
    assert rows.count() == TOTAL
    assert set(rows.values_list("client_id", flat=True)) == set(client_ids)
