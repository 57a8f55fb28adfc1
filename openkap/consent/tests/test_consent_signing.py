"""Signing in the portal: the typed legal name must match, the box must be ticked, and the exact text
signed is kept with its SHA-256."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.audit.models import Action, AuditEvent, Category
from openkap.consent.models import ConsentDocument, SignedConsent

pytestmark = pytest.mark.django_db


def _sign(client: Client, document: ConsentDocument, **changes: object) -> Any:
    data = {"document": document.pk, "understood": "on", "typed_name": "Robin Testperson1"}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("consent:sign", kwargs={"kind": document.kind}), data)


def test_it_refuses_a_name_that_is_not_the_legal_name_with_an_error_on_the_field(
    portal_client, patient, publish
):
    document = publish(patient.clinic)
    response = _sign(portal_client, document, typed_name="Robyn Testperson")
    assert response.status_code == 400
    assert "typed_name" in response.context["form"].errors
    assert "Type your full legal name to sign: " in response.content.decode()
    assert not SignedConsent.objects.exists()


def test_it_refuses_without_the_read_and_understood_box(portal_client, patient, publish):
    document = publish(patient.clinic)
    response = _sign(portal_client, document, understood=None)
    assert response.status_code == 400
    assert "understood" in response.context["form"].errors
    assert not SignedConsent.objects.exists()


def test_it_accepts_the_name_whatever_the_case_and_spacing(portal_client, patient, publish):
    document = publish(patient.clinic)
    response = _sign(portal_client, document, typed_name="  robin   TESTPERSON1 ")
    assert response.status_code == 302
    assert SignedConsent.objects.count() == 1


def test_it_keeps_the_exact_text_signed_and_its_sha256(
    portal_client, patient, portal_user, publish
):
    body = "## Risks\n\nBlood pressure rises after about half of sessions.\n\n- No driving."
    document = publish(patient.clinic, body=body)
    _sign(portal_client, document)
    signed = SignedConsent.objects.get()
    assert signed.signed_body == body
    assert signed.signed_body_sha256 == hashlib.sha256(body.encode("utf-8")).hexdigest()
    assert signed.version == document.version
    assert signed.method == "portal"
    assert signed.signed_in_user == portal_user
    assert signed.witness is None
    assert signed.typed_name == "Robin Testperson1"
    assert signed.ip_address == "127.0.0.1"
    assert signed.signed_at is not None


def test_signing_is_audited_with_the_patient_as_actor(portal_client, patient, portal_user, publish):
    document = publish(patient.clinic)
    _sign(portal_client, document)
    row = AuditEvent.objects.get(category=Category.CONSENT, action=Action.CREATE, patient=patient)
    assert row.user == portal_user
    assert row.detail == {"kind": document.kind, "version": 1, "method": "portal"}


def test_it_refuses_signing_a_version_replaced_while_the_page_was_open(
    portal_client, patient, publish
):
    first = publish(patient.clinic)
    publish(patient.clinic, body="A new text.", change_summary="New text")
    response = _sign(portal_client, first)
    assert response.status_code == 400
    assert "newer version" in response.content.decode()
    assert not SignedConsent.objects.exists()


def test_it_refuses_signing_for_another_patient(make_portal_account, make_patient, clinic, publish):
    from openkap.consent.services import consent_sign

    document = publish(clinic)
    mine, theirs = make_patient(clinic), make_patient(clinic)
    user = make_portal_account(mine)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        consent_sign(
            actor=user,
            patient=theirs,
            document=document,
            typed_name=theirs.legal_name(),
            understood=True,
            method="portal",
            ip_address=None,
        )
    assert not SignedConsent.objects.exists()
