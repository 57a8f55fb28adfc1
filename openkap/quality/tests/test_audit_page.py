"""The live self-audit page: each checklist section with its status, what is missing highlighted
with a link to fix it, and the read audited."""

from __future__ import annotations

import re

import pytest

from openkap.audit.models import Action, AuditEvent, Category
from openkap.inventory.models import DeaRegistration
from openkap.quality.services import drill_record
from openkap.quality.tests.conftest import in_days
from openkap.quality.tests.factories import days_ago, plan

pytestmark = pytest.mark.django_db


def _item_status(body: str, item_id: str) -> str:
    match = re.search(rf'data-item="{item_id}" data-status="(\w+)"', body)
    assert match, item_id
    return match.group(1)


def test_it_shows_the_seeds_checklist_sections(admin, client_for):
    body = client_for(admin).get("/quality/").content.decode()
    for title in (
        "Licensed medical and mental-health providers",
        "Medical oversight and emergency protocols",
        "Proper screening",
        "Integration support and follow-up",
        "The full protocol explained",
    ):
        assert title in body


def test_it_highlights_a_missing_drill_and_it_turns_met_once_logged(
    admin, clinic, prescriber, client_for
):
    client = client_for(admin)
    body = client.get("/quality/").content.decode()
    assert _item_status(body, "drill_cadence") == "missing"
    assert 'class="q-item q-item-missing" id="item-drill_cadence"' in body
    drill_record(
        actor=admin,
        clinic=clinic,
        held_on=in_days(-2),
        scenario="airway",
        participants=[prescriber],
        findings="ok",
    )
    assert _item_status(client.get("/quality/").content.decode(), "drill_cadence") == "met"


def test_it_writes_a_read_row(admin, client_for):
    client_for(admin).get("/quality/")
    assert AuditEvent.objects.filter(
        category=Category.QUALITY, action=Action.READ, object_type="self_audit", user=admin
    ).exists()


def test_it_reads_the_dea_registration_of_the_inventory(admin, clinic, client_for):
    DeaRegistration.objects.create(
        clinic=clinic, number="FA1234563", schedules="3, 3N", expires_on=in_days(-1)
    )
    body = client_for(admin).get("/quality/").content.decode()
    assert _item_status(body, "dea_registration") == "missing"
    assert "FA1234563 expired on" in body


def test_rems_is_needed_once_the_clinic_has_an_esketamine_plan(
    admin, clinic, prescriber, make_patient, client_for
):
    client = client_for(admin)
    assert _item_status(client.get("/quality/").content.decode(), "rems_certification") == (
        "not_applicable"
    )
    plan(
        make_patient(clinic),
        prescriber,
        signed_at=days_ago(1),
        route="intranasal_esketamine",
        protocol="esketamine-trd",
    )
    body = client.get("/quality/").content.decode()
    assert _item_status(body, "rems_certification") == "missing"
    assert 'href="/quality/rems/"' in body


def test_the_csv_lists_every_item_with_its_status(admin, client_for):
    response = client_for(admin).get("/quality/audit.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("section,item,status")
    assert any(",missing," in line and "emergency drill" in line for line in lines)
    assert AuditEvent.objects.filter(category=Category.QUALITY, action=Action.EXPORT).exists()
