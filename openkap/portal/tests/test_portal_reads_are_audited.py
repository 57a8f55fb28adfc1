"""Every read of the patient's own data in the portal writes a READ row whose actor is the patient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("portal:home", Category.DEMOGRAPHICS),
        ("portal:home", Category.CONSENT),
        ("consent:mine", Category.CONSENT),
    ],
)
def test_it_audits_the_patients_own_reads(portal_client, portal_user, patient, name, category):
    assert portal_client.get(reverse(name)).status_code == 200
    row = AuditEvent.objects.filter(action=Action.READ, category=category).latest("sequence")
    assert row.user == portal_user
    assert row.patient == patient


def test_a_portal_sign_in_is_audited_with_the_patient_as_actor(portal_user):
    from django.test import Client

    from conftest import PASSWORD

    Client().post(reverse("portal:login"), {"username": portal_user.username, "password": PASSWORD})
    row = AuditEvent.objects.filter(action=Action.LOGIN).latest("sequence")
    assert row.user == portal_user
    assert row.detail == {"via": "portal"}
