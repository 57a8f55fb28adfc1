"""A patient may withdraw a consent: recorded as its own row, audited; the signature stays as signed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.consent.models import ConsentWithdrawal
from openkap.consent.selectors import consent_status
from openkap.consent.services import consent_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(patient, portal_user, publish):
    return consent_sign(
        actor=portal_user,
        patient=patient,
        document=publish(patient.clinic),
        typed_name=patient.legal_name(),
        understood=True,
        method="portal",
        ip_address=None,
    )


def test_the_patient_withdraws_in_the_portal(portal_client, portal_user, patient, signed):
    response = portal_client.post(
        reverse("consent:withdraw", kwargs={"kind": "ketamine_treatment"}),
        {"reason": "Changed my mind"},
    )
    assert response.status_code == 302
    withdrawal = ConsentWithdrawal.objects.get()
    assert withdrawal.signed_consent == signed
    assert withdrawal.recorded_by == portal_user
    status = consent_status(patient)["ketamine_treatment"]
    assert status.state == "missing"
    assert status.withdrawn
    assert status.label == "withdrawn"
    row = AuditEvent.objects.get(category=Category.CONSENT, object_type="consent_withdrawal")
    assert row.action == Action.CREATE
    assert row.user == portal_user
    signed.refresh_from_db()
    assert signed.text_is_intact()


def test_it_refuses_withdrawing_twice(portal_client, signed):
    url = reverse("consent:withdraw", kwargs={"kind": "ketamine_treatment"})
    portal_client.post(url)
    portal_client.post(url)
    assert ConsentWithdrawal.objects.count() == 1


def test_staff_record_a_withdrawal_only_with_how_it_was_given(client_for, staff, patient, signed):
    client = client_for(staff[Role.FRONT_DESK])
    url = reverse("consent:staff_withdraw", kwargs={"public_id": patient.public_id})
    client.post(url, {"kind": "ketamine_treatment", "reason": ""})
    assert not ConsentWithdrawal.objects.exists()
    client.post(url, {"kind": "ketamine_treatment", "reason": "By phone, 10:05"})
    assert ConsentWithdrawal.objects.get().reason == "By phone, 10:05"


def test_signing_again_after_withdrawing_makes_it_current(portal_client, patient, signed):
    portal_client.post(reverse("consent:withdraw", kwargs={"kind": "ketamine_treatment"}))
    portal_client.post(
        reverse("consent:sign", kwargs={"kind": "ketamine_treatment"}),
        {"document": signed.document_id, "understood": "on", "typed_name": patient.legal_name()},
    )
    assert consent_status(patient)["ketamine_treatment"].state == "current"
