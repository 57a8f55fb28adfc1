"""Published documents and signed consents cannot be changed, in Python or in the database."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from openkap.consent.models import ConsentDocument, SignedConsent
from openkap.consent.services import consent_sign

pytestmark = pytest.mark.django_db


def test_a_published_version_cannot_be_saved_again(clinic, publish):
    document = publish(clinic)
    document.body = "Softer wording."
    with pytest.raises(ValueError, match="cannot be changed"):
        document.save()


def test_the_database_refuses_to_update_a_published_version(clinic, publish):
    document = publish(clinic)
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentDocument.objects.filter(pk=document.pk).update(body="Softer wording.")
    document.refresh_from_db()
    assert document.body != "Softer wording."


def test_the_database_refuses_to_update_a_signed_consent(patient, portal_user, publish):
    signed = consent_sign(
        actor=portal_user,
        patient=patient,
        document=publish(patient.clinic),
        typed_name=patient.legal_name(),
        understood=True,
        method="portal",
        ip_address=None,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        SignedConsent.objects.filter(pk=signed.pk).update(typed_name="Someone Else")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            SignedConsent.objects.filter(pk=signed.pk).delete()
    assert SignedConsent.objects.get().typed_name == patient.legal_name()
