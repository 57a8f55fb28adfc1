"""What auditing costs: each figure is a ratio against a baseline measured in the same run, because
this machine is shared and absolute times drift.

1. Appending to the audit chain (advisory lock, read the head, HMAC, insert) vs reading the head and
   inserting the same row without the lock and the HMAC.
2. `audit verify` over N rows vs merely reading the same rows.
3. Opening a patient chart (an audited read) vs the home page (no patient data, no audit row).

Run: `make bench` (SQLite, then PostgreSQL), or with DATABASE_URL set:
`.venv/bin/python bench/bench_audit.py --rows 20000`. Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openkap.config.settings_test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["OPENKAP_DATA_DIR"] = tempfile.mkdtemp()

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from openkap.accounts.models import Clinic, Membership, Organisation, Role, User  # noqa: E402
from openkap.accounts.sessions import session_start  # noqa: E402
from openkap.audit.chain import find_first_break  # noqa: E402
from openkap.audit.models import Action, AuditEvent, Category  # noqa: E402
from openkap.audit.services import audit_record  # noqa: E402
from openkap.patients.models import Patient  # noqa: E402


def best_of(repeats: int, run: Callable[[], None]) -> float:
    """The median of several timed runs: steadier than one run on a noisy machine."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000, help="audit rows for the verify figure")
    parser.add_argument("--appends", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Bench")
    clinic = Clinic.objects.create(organisation=organisation, name="Bench", mrn_prefix="BEN")
    user = User.objects.create_user(username="bench", password=None)  # signs in by force_login
    Membership.objects.create(user=user, clinic=clinic, role=Role.NURSE)
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    patient = Patient.objects.create(
        clinic=clinic,
        mrn="BEN-000001",
        legal_given_name="Bench",
        legal_family_name="Mark",
        date_of_birth="1980-01-01",
        sex="female",
    )

    def chained() -> None:
        for _ in range(args.appends):
            with transaction.atomic():
                audit_record(
                    action=Action.READ, category=Category.DEMOGRAPHICS, actor=user, patient=patient
                )

    def plain() -> None:
        # The same head read and insert, without the chain lock and the HMAC.
        for _ in range(args.appends):
            with transaction.atomic():
                last = AuditEvent.objects.order_by("-sequence").only("sequence").first()
                AuditEvent.objects.create(
                    sequence=(last.sequence if last else 0) + 1,
                    occurred_at=timezone.now(),
                    user=user,
                    clinic=clinic,
                    patient=patient,
                    action=Action.READ,
                    category=Category.DEMOGRAPHICS,
                    prev_hash="0" * 64,
                    hash="0" * 64,
                )

    while AuditEvent.objects.count() < args.rows:
        chained()
    count = AuditEvent.objects.count()

    def verify() -> None:
        assert (
            find_first_break(AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000))
            is None
        )

    def read_only() -> None:
        for _ in AuditEvent.objects.order_by("sequence").iterator(chunk_size=5000):
            pass

    verify_seconds = best_of(3, verify)
    verify_ratio = verify_seconds / best_of(3, read_only)

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session_start(session, idle_minutes=15)
    session.save()
    chart_url = f"/patients/{patient.public_id}/"

    def chart() -> None:
        for _ in range(args.requests):
            assert client.get(chart_url).status_code == 200

    def home() -> None:
        for _ in range(args.requests):
            assert client.get("/").status_code == 200

    chart_seconds = best_of(3, chart)
    page_ratio = chart_seconds / best_of(3, home)
    # Last, because plain rows (outside the chain) would make the chain fail verification; the two
    # alternate so that both meet the same table size and the same moment's machine load.
    chained_runs, plain_runs = [], []
    for _ in range(3):
        chained_runs.append(best_of(1, chained))
        plain_runs.append(best_of(1, plain))
    append_ratio = statistics.median(chained_runs) / statistics.median(plain_runs)

    print(f"database: {connection.vendor}")
    print(f"chained append vs plain insert ({args.appends} rows): {append_ratio:.2f}x")
    print(
        f"verify vs plain read ({count} rows): {verify_ratio:.2f}x; {count / verify_seconds:,.0f} rows/s"
    )
    print(
        f"audited chart page vs home page ({args.requests} requests): {page_ratio:.2f}x; "
        f"{1000 * chart_seconds / args.requests:.1f} ms per chart"
    )


if __name__ == "__main__":
    main()
