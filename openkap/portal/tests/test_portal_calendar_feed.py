"""The patient makes, remakes and stops their own private calendar link in the portal."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent
from openkap.plans import services
from openkap.plans.models import CalendarFeed
from openkap.portal.tests.calendar_records import active_plan, appointment

pytestmark = pytest.mark.django_db

URL = reverse("portal:appointments")


@pytest.fixture
def prescriber(clinic, make_staff):
    return make_staff("dr.portal", clinic, Role.PRESCRIBER)


def _link(response) -> str:
    found = re.search(
        r'id="feed-link" type="text" readonly value="([^"]+)"', response.content.decode()
    )
    assert found, "the new link is shown"
    return found.group(1)


def _fetch(link: str):
    return Client().get(link.removeprefix("http://testserver"))


def test_it_makes_a_link_stored_only_as_a_hash(patient, portal_user, portal_client):
    link = _link(portal_client.post(URL, {"action": "regenerate"}))
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert feed.owner == "patient" and feed.patient == patient and feed.created_by == portal_user
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    row = AuditEvent.objects.get(action="create", object_type="calendar_feed")
    assert row.user == portal_user and row.detail == {"owner": "patient", "by": "patient"}
    # Shown once: the next visit says a link exists but does not show it.
    assert token not in portal_client.get(URL).content.decode()


def test_the_feed_lists_only_the_patients_own_appointments(
    clinic, patient, prescriber, make_patient, portal_client
):
    own = appointment(active_plan(patient, prescriber), "integration")
    other = make_patient(clinic, legal_given_name="Otherperson")
    theirs = appointment(active_plan(other, prescriber), "dosing")
    body = _fetch(_link(portal_client.post(URL, {"action": "regenerate"}))).content.decode()
    assert f"UID:appointment-{own.pk}@openkap" in body
    assert f"UID:appointment-{theirs.pk}@openkap" not in body
    assert body.count("BEGIN:VEVENT") == 1
    assert "0.5 mg/kg" not in body and "Secret protocol name" not in body


def test_remaking_the_link_stops_the_old_one(patient, portal_client):
    first = _link(portal_client.post(URL, {"action": "regenerate"}))
    second = _link(portal_client.post(URL, {"action": "regenerate"}))
    assert first != second
    assert _fetch(first).status_code == 404
    assert _fetch(second).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_stopping_the_link_revokes_it(patient, portal_user, portal_client):
    link = _link(portal_client.post(URL, {"action": "regenerate"}))
    response = portal_client.post(URL, {"action": "revoke"})
    assert response.status_code == 200
    assert "no calendar link yet" in response.content.decode()
    assert _fetch(link).status_code == 404
    row = AuditEvent.objects.get(action="delete", object_type="calendar_feed")
    assert row.user == portal_user


def test_a_patient_cannot_make_or_stop_another_patients_link(
    clinic, patient, portal_user, make_patient, prescriber
):
    other = make_patient(clinic)
    with pytest.raises(PermissionDenied):
        services.feed_issue_by_patient(actor=portal_user, patient=other)
    feed, _token = services.feed_issue_for_patient(actor=prescriber, patient=other)
    with pytest.raises(PermissionDenied):
        services.feed_revoke(actor=portal_user, feed=feed)
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_a_deactivated_portal_account_cannot_make_a_link(patient, portal_user):
    portal_user.is_active = False
    portal_user.save()
    with pytest.raises(PermissionDenied):
        services.feed_issue_by_patient(actor=portal_user, patient=patient)
    assert not CalendarFeed.objects.exists()


def test_the_link_stops_working_when_the_portal_account_is_deactivated(
    patient, portal_user, portal_client
):
    link = _link(portal_client.post(URL, {"action": "regenerate"}))
    portal_user.is_active = False
    portal_user.save()
    assert _fetch(link).status_code == 403
