"""A signed text altered in the database (behind the triggers' back) is detected when it is shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import AuditEvent, Category
from openkap.consent.models import SignedConsent
from openkap.consent.services import consent_sign

pytestmark = pytest.mark.django_db


def _tamper(signed: SignedConsent) -> None:
    # Someone with database rights drops the guard and rewrites the text.
    table = "consent_signedconsent"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Check the deferred foreign keys of this test's inserts now: ALTER TABLE refuses to run
            # while they are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_immutable")
        else:
            cursor.execute(f"DROP TRIGGER {table}_immutable")
        cursor.execute(
            "UPDATE consent_signedconsent SET signed_body = %s WHERE id = %s",
            ["Nothing bad can happen.", signed.pk],
        )


@pytest.fixture
def signed(patient, portal_user, publish) -> SignedConsent:
    return consent_sign(
        actor=portal_user,
        patient=patient,
        document=publish(patient.clinic),
        typed_name=patient.legal_name(),
        understood=True,
        method="portal",
        ip_address=None,
    )


def test_an_intact_signed_text_shows_its_matching_fingerprint(portal_client, signed):
    page = portal_client.get(reverse("consent:mine")).content.decode()
    assert "fingerprint matches" in page
    assert "has been altered" not in page


def test_it_detects_a_tampered_text_for_the_patient_and_the_staff(
    portal_client, signed, client_for, staff, patient
):
    _tamper(signed)
    signed.refresh_from_db()
    assert not signed.text_is_intact()
    assert "has been altered" in portal_client.get(reverse("consent:mine")).content.decode()
    staff_page = client_for(staff[Role.NURSE]).get(
        reverse("consent:patient", kwargs={"public_id": patient.public_id})
    )
    assert "has been altered" in staff_page.content.decode()
    row = AuditEvent.objects.filter(category=Category.CONSENT, action="read").latest("sequence")
    assert row.detail["text_intact"] is False
