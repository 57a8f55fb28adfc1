"""Staff who manage leads see their own clinic's, open one (audited), and change its status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.portal.models import Lead

pytestmark = pytest.mark.django_db


def _lead(clinic, **fields) -> Lead:
    values = {
        "clinic": clinic,
        "name": "Morgan Lead",
        "phone": "555 010 4321",
        "consent_to_contact": True,
        "decision": "needs_review",
        "rule_pack": "2026.11.1",
        "findings": [
            {
                "rule": "hypertension-uncontrolled",
                "level": "relative",
                "message": "m",
                "source": "s",
            }
        ],
    }
    values.update(fields)
    return Lead.objects.create(**values)


def test_the_list_shows_only_the_clinics_own_leads_with_their_flags(
    client_for, staff, clinic, other_clinic
):
    _lead(clinic, urgent=True)
    _lead(other_clinic, name="Faraway Lead")
    page = client_for(staff[Role.FRONT_DESK]).get(reverse("portal:leads")).content.decode()
    assert "Morgan Lead" in page
    assert "Faraway Lead" not in page
    assert "Suicidal thoughts: call promptly" in page
    assert "hypertension-uncontrolled" in page


def test_opening_a_lead_is_audited(client_for, staff, clinic):
    lead = _lead(clinic)
    nurse = staff[Role.NURSE]
    response = client_for(nurse).get(reverse("portal:lead", kwargs={"lead_id": lead.public_id}))
    assert response.status_code == 200
    row = AuditEvent.objects.filter(category=Category.LEADS, action=Action.READ).latest("sequence")
    assert row.user == nurse
    assert row.object_id == str(lead.pk)


def test_a_status_change_is_saved_and_audited(client_for, staff, clinic):
    lead = _lead(clinic)
    client = client_for(staff[Role.FRONT_DESK])
    response = client.post(
        reverse("portal:lead", kwargs={"lead_id": lead.public_id}),
        {"expected": "new", "status": "booked"},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "booked"
    assert lead.status_changed_by == staff[Role.FRONT_DESK]
    row = AuditEvent.objects.get(category=Category.LEADS, action=Action.UPDATE)
    assert row.detail == {"status": ["new", "booked"]}


def test_it_refuses_a_status_change_made_from_a_stale_page(client_for, staff, clinic):
    lead = _lead(clinic, status="contacted")
    response = client_for(staff[Role.PRESCRIBER]).post(
        reverse("portal:lead", kwargs={"lead_id": lead.public_id}),
        {"expected": "new", "status": "closed"},
    )
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == "contacted"


def test_a_closed_lead_leaves_the_open_list(client_for, staff, clinic):
    _lead(clinic, status="closed", name="Closed Person")
    client = client_for(staff[Role.FRONT_DESK])
    assert "Closed Person" not in client.get(reverse("portal:leads")).content.decode()
    assert "Closed Person" in client.get(reverse("portal:leads") + "?show=all").content.decode()


def test_another_clinics_lead_is_not_found(client_for, make_staff, clinic, other_clinic):
    lead = _lead(clinic)
    outsider = make_staff("outsider", other_clinic, Role.FRONT_DESK)
    response = client_for(outsider).get(reverse("portal:lead", kwargs={"lead_id": lead.public_id}))
    assert response.status_code == 404
    assert "Morgan" not in response.content.decode()
