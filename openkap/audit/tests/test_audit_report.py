"""The audit report page: filters, sorting by each column, CSV export, and one clinic's rows only."""

from __future__ import annotations

import csv
import io
import ipaddress
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.accounts.sessions import ACTIVE_CLINIC
from openkap.audit.context import RequestContext, reset_request_context, set_request_context
from openkap.audit.models import Action, AuditEvent, Category
from openkap.audit.services import audit_record

pytestmark = pytest.mark.django_db

URL = reverse("audit:report")
YEAR_2021 = {"date_from": "2021-01-01", "date_to": "2021-12-31"}


def record_at(when: datetime, address: str, **fields) -> AuditEvent:
    """Write a row through the application's own writer, as if at `when` from `address`."""
    token = set_request_context(RequestContext(uuid.uuid4().hex, address))
    try:
        with mock.patch("django.utils.timezone.now", return_value=when):
            return audit_record(**fields)
    finally:
        reset_request_context(token)


class Seeds:
    def __init__(self, clinic, other_clinic, make_staff, make_patient) -> None:
        self.anna = make_staff("anna", clinic, Role.NURSE)
        self.bob = make_staff("bob", clinic, Role.PRESCRIBER)
        self.carl = make_staff("carl", clinic, Role.FRONT_DESK)
        self.erik = make_staff("erik", other_clinic, Role.PRESCRIBER)
        self.admin = make_staff("dora", clinic, Role.CLINIC_ADMIN)
        self.patient_a = make_patient(clinic)
        self.patient_b = make_patient(clinic)
        self.foreign = make_patient(other_clinic)
        # In sequence order. No column is already in order by sequence, so sorting shows.
        self.s1 = record_at(
            datetime(2021, 3, 1, 15, tzinfo=UTC),
            "10.0.0.5",
            action=Action.READ,
            category=Category.SUPPORT_PERSONS,
            actor=self.bob,
            patient=self.patient_b,
        )
        self.s2 = record_at(
            datetime(2021, 3, 5, 15, tzinfo=UTC),
            "192.168.1.3",
            action=Action.UPDATE,
            category=Category.DEMOGRAPHICS,
            actor=self.anna,
            patient=self.patient_a,
        )
        self.foreign_row = record_at(
            datetime(2021, 3, 5, 16, tzinfo=UTC),
            "10.0.0.9",
            action=Action.READ,
            category=Category.DEMOGRAPHICS,
            actor=self.erik,
            patient=self.foreign,
        )
        self.s3 = record_at(
            datetime(2021, 3, 10, 15, tzinfo=UTC),
            "10.0.0.2",
            action=Action.READ,
            category=Category.PATIENT_LIST,
            actor=self.carl,
            clinic=clinic,
        )
        self.s4 = record_at(
            datetime(2021, 3, 15, 15, tzinfo=UTC),
            "172.16.0.4",
            action=Action.CREATE,
            category=Category.DEMOGRAPHICS,
            actor=self.anna,
            patient=self.patient_b,
        )
        self.clinic_rows = [self.s1, self.s2, self.s3, self.s4]


@pytest.fixture
def seeds(clinic, other_clinic, make_staff, make_patient) -> Seeds:
    return Seeds(clinic, other_clinic, make_staff, make_patient)


@pytest.fixture
def admin_client(client_for, seeds):
    return client_for(seeds.admin)


def shown(response) -> list[int]:
    return [event.sequence for event in response.context["events"]]


def seqs(*events: AuditEvent) -> set[int]:
    return {event.sequence for event in events}


# --- Filters ---------------------------------------------------------------------------------------


def test_it_filters_by_date_range(admin_client, seeds):
    response = admin_client.post(URL, {"date_from": "2021-03-04", "date_to": "2021-03-10"})
    assert response.status_code == 200
    # Both ends are included; the other clinic's row of the same day is not.
    assert set(shown(response)) == seqs(seeds.s2, seeds.s3)


def test_it_reads_the_date_range_in_the_clinics_time_zone(admin_client, seeds, clinic):
    assert clinic.timezone == "America/New_York"
    # 03:30 UTC on the 16th is 23:30 on the 15th in New York.
    late = record_at(
        datetime(2021, 3, 16, 3, 30, tzinfo=UTC),
        "10.0.0.7",
        action=Action.READ,
        category=Category.PATIENT_LIST,
        actor=seeds.carl,
        clinic=clinic,
    )
    on_15th = admin_client.post(URL, {"date_from": "2021-03-15", "date_to": "2021-03-15"})
    on_16th = admin_client.post(URL, {"date_from": "2021-03-16", "date_to": "2021-03-16"})
    assert set(shown(on_15th)) == seqs(seeds.s4, late)
    assert shown(on_16th) == []


def test_it_filters_by_user(admin_client, seeds):
    response = admin_client.post(URL, {**YEAR_2021, "user": seeds.anna.pk})
    assert set(shown(response)) == seqs(seeds.s2, seeds.s4)


@pytest.mark.parametrize("spelling", [str.upper, str.lower], ids=["as-written", "lower-case"])
def test_it_filters_by_patient_mrn(admin_client, seeds, spelling):
    response = admin_client.post(URL, {**YEAR_2021, "patient_mrn": spelling(seeds.patient_b.mrn)})
    assert response.status_code == 200
    assert set(shown(response)) == seqs(seeds.s1, seeds.s4)


def test_it_filters_by_action(admin_client, seeds):
    response = admin_client.post(URL, {**YEAR_2021, "action": Action.READ})
    assert set(shown(response)) == seqs(seeds.s1, seeds.s3)


def test_it_combines_filters(admin_client, seeds):
    response = admin_client.post(URL, {**YEAR_2021, "user": seeds.anna.pk, "action": Action.CREATE})
    assert shown(response) == [seeds.s4.sequence]


@pytest.mark.parametrize("mrn", ["NO-999999", "foreign"])
def test_it_rejects_an_unknown_mrn_naming_the_field(admin_client, seeds, mrn):
    # Another clinic's MRN is as unknown here as one that matches nobody.
    typed = seeds.foreign.mrn if mrn == "foreign" else mrn
    response = admin_client.post(URL, {**YEAR_2021, "patient_mrn": typed})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["patient_mrn"]
    error = re.search(
        r'<p class="field-error" id="id_patient_mrn_error"[^>]*>([^<]*)</p>',
        response.content.decode(),
    )
    assert error is not None
    assert "Patient MRN" in error.group(1)
    assert seeds.foreign.legal_family_name not in response.content.decode()


def test_it_rejects_a_user_of_another_clinic(admin_client, seeds):
    response = admin_client.post(URL, {**YEAR_2021, "user": seeds.erik.pk})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["user"]


def test_it_rejects_a_date_range_that_ends_before_it_starts(admin_client, seeds):
    response = admin_client.post(URL, {"date_from": "2021-03-10", "date_to": "2021-03-01"})
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


# --- Sorting ---------------------------------------------------------------------------------------

SORT_KEYS: dict[str, Callable[[AuditEvent], Any]] = {
    "occurred_at": lambda e: e.occurred_at,
    "user": lambda e: e.username,
    "patient": lambda e: e.patient.mrn if e.patient else None,
    "action": lambda e: e.action,
    "category": lambda e: e.category,
    "address": lambda e: ipaddress.ip_address(e.client_address) if e.client_address else None,
}
HIDDEN = re.compile(r'<input type="hidden" name="(sort|descending)" value="([^"]*)">')


def click_header(client, previous, column: str):
    """Press a column header on the page `previous`, carrying its filters and hidden sort state."""
    hidden = dict(HIDDEN.findall(previous.content.decode()))
    return client.post(URL, {**YEAR_2021, **hidden, "sort_click": column})


def test_it_offers_every_sortable_column_as_a_header(admin_client, seeds):
    page = admin_client.post(URL, YEAR_2021).content.decode()
    headers = re.findall(r'<button type="submit" name="sort_click" value="([^"]+)"', page)
    assert sorted(headers) == sorted(SORT_KEYS)


def test_it_shows_the_newest_first_by_default(admin_client, seeds):
    response = admin_client.post(URL, YEAR_2021)
    assert shown(response) == [e.sequence for e in reversed(seeds.clinic_rows)]


@pytest.mark.parametrize("direction", ["ascending", "descending"])
@pytest.mark.parametrize("column", list(SORT_KEYS))
def test_it_sorts_by_each_column(admin_client, seeds, column, direction):
    page = admin_client.post(URL, YEAR_2021)
    page = click_header(admin_client, page, column)  # first press: ascending
    if direction == "descending":
        page = click_header(admin_client, page, column)  # second press: reversed

    assert page.status_code == 200
    events = list(page.context["events"])
    assert {e.sequence for e in events} == seqs(*seeds.clinic_rows)
    keys = [SORT_KEYS[column](e) for e in events]
    # Rows without a value (no patient) may come first or last depending on the database.
    present = [k for k in keys if k is not None]
    assert present == sorted(present, reverse=direction == "descending"), keys
    assert len(set(present)) > 1
    header = re.search(
        rf'<th scope="col" aria-sort="(\w+)">\s*<button type="submit" name="sort_click" '
        rf'value="{column}"',
        page.content.decode(),
    )
    assert header is not None and header.group(1) == direction


# --- CSV export ------------------------------------------------------------------------------------

CSV_HEADER = [
    "sequence",
    "occurred_at_utc",
    "username",
    "clinic",
    "patient_mrn",
    "action",
    "category",
    "object_type",
    "object_id",
    "request_id",
    "client_address",
]


def exported(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_it_exports_matching_rows_as_csv(admin_client, seeds, clinic):
    response = admin_client.post(
        URL, {**YEAR_2021, "patient_mrn": seeds.patient_b.mrn, "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="[^"/]+\.csv"', response["Content-Disposition"])

    header, *rows = exported(response)
    assert header == CSV_HEADER
    assert sorted(int(row[0]) for row in rows) == sorted(seqs(seeds.s1, seeds.s4))
    by_sequence = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    s1 = by_sequence[seeds.s1.sequence]
    assert s1["username"] == "bob"
    assert s1["patient_mrn"] == seeds.patient_b.mrn
    assert s1["clinic"] == clinic.name
    assert s1["action"] == Action.READ
    assert s1["client_address"] == "10.0.0.5"
    assert s1["request_id"] == seeds.s1.request_id
    assert datetime.fromisoformat(s1["occurred_at_utc"]) == seeds.s1.occurred_at


def test_it_audits_the_export(admin_client, seeds, clinic):
    before = AuditEvent.objects.filter(action=Action.EXPORT).count()
    response = admin_client.post(URL, {**YEAR_2021, "export": "csv"})
    exported(response)
    export = AuditEvent.objects.filter(action=Action.EXPORT)
    assert export.count() == before + 1
    row = export.latest("sequence")
    assert (row.category, row.user, row.clinic) == (Category.AUDIT_LOG, seeds.admin, clinic)
    assert row.request_id == response["X-Request-ID"]


def test_it_does_not_export_when_a_filter_is_wrong(admin_client, seeds):
    response = admin_client.post(URL, {**YEAR_2021, "patient_mrn": "NO-999999", "export": "csv"})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("text/csv")
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- One clinic's rows only ------------------------------------------------------------------------


def test_it_never_shows_rows_of_another_clinic(client_for, seeds, clinic, other_clinic, make_staff):
    # The worst case: an administrator of both clinics, working in one of them.
    both = make_staff("walsh", clinic, Role.CLINIC_ADMIN)
    both.memberships.create(clinic=other_clinic, role=Role.CLINIC_ADMIN)
    client = client_for(both)
    session = client.session
    session[ACTIVE_CLINIC] = clinic.pk
    session.save()

    for response in (client.get(URL), client.post(URL, {})):
        assert response.status_code == 200
        assert {e.clinic_id for e in response.context["events"]} == {clinic.pk}
        assert seeds.foreign.mrn not in response.content.decode()
    _, *rows = exported(client.post(URL, {"export": "csv"}))
    assert rows
    assert {row[3] for row in rows} == {clinic.name}
    assert seeds.foreign_row.sequence not in {int(row[0]) for row in rows}

    # Working in the other clinic, it is the other way round.
    client.post(reverse("accounts:clinic_switch"), {"clinic": other_clinic.pk})
    response = client.post(URL, YEAR_2021)
    assert shown(response) == [seeds.foreign_row.sequence]
