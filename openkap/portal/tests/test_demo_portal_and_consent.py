"""The demo clinic has consent documents (one kind at version 2), signed consents, patients who must
re-consent, portal accounts that sign in with the printed password, and leads of every decision."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openkap.consent.models import ConsentDocument, SignedConsent
from openkap.consent.selectors import consent_status
from openkap.demo.management.commands.demo import DEMO_PASSWORD
from openkap.patients.models import Patient
from openkap.portal.models import Lead, PortalAccount

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_demo_has_consents_portal_accounts_and_leads():
    out = StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()

    assert set(ConsentDocument.objects.values_list("version", flat=True)) == {1, 2}
    assert SignedConsent.objects.exists()
    states = [
        consent_status(p)["ketamine_treatment"].state
        for p in Patient.objects.select_related("clinic")
    ]
    assert {"current", "outdated", "missing"} <= set(states)
    assert set(Lead.objects.values_list("decision", flat=True)) == {
        "eligible",
        "needs_review",
        "ineligible",
    }
    assert Lead.objects.filter(urgent=True).exists()

    readme = README.read_text()
    accounts = list(PortalAccount.objects.select_related("user"))
    assert accounts
    for account in accounts:
        username = account.user.username
        assert username in printed
        assert username in readme
        client = Client()
        client.post(reverse("portal:login"), {"username": username, "password": DEMO_PASSWORD})
        assert client.get(reverse("portal:home")).status_code == 200
