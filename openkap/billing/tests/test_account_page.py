"""The patient's billing page: front desk and billing generate charges, record payments (a wrong
amount is refused next to its field, nothing saved), add notes and download the superbill."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openkap.billing.models import BillingNote, Charge, PaymentEntry
from openkap.billing.tests import charge_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(patient, prescriber):
    day = timezone.localdate() - timedelta(days=2)
    f.item(patient.clinic_id, "IV", "dosing", [(day - timedelta(days=9), "400.00")], route="iv")
    f.signed_session(f.plan(patient, prescriber), prescriber, day)
    return patient, day


def url(patient: Any, name: str = "billing:account") -> str:
    return reverse(name, kwargs={"public_id": patient.public_id})


def test_front_desk_generates_charges_and_sees_them(worked, front_desk, client_for):
    patient, _ = worked
    client = client_for(front_desk)
    response = client.post(url(patient), {"action": "generate"})
    assert response.status_code == 302
    assert Charge.objects.filter(patient=patient).count() == 1
    page = client.get(url(patient)).content.decode()
    assert "96365" in page and "400.00" in page


def test_a_bad_amount_is_refused_next_to_the_field(worked, biller, client_for):
    patient, _ = worked
    response = client_for(biller).post(
        url(patient),
        {
            "action": "payment",
            "kind": "payment",
            "amount": "abc",
            "method": "card",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Amount (USD):" in response.content.decode()
    assert not PaymentEntry.objects.exists()


def test_billing_records_a_payment_and_the_balance_drops(worked, biller, client_for):
    patient, _ = worked
    client = client_for(biller)
    client.post(url(patient), {"action": "generate"})
    client.post(
        url(patient),
        {
            "action": "payment",
            "kind": "payment",
            "amount": "150.00",
            "method": "cash",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    page = client.get(url(patient)).content.decode()
    assert 'data-testid="balance">250.00<' in page


def test_a_note_is_added(worked, biller, client_for):
    patient, _ = worked
    client_for(biller).post(
        url(patient), {"action": "note", "kind": "sliding_scale", "text": "50% agreed."}
    )
    assert BillingNote.objects.get(patient=patient).kind == "sliding_scale"


def test_the_superbill_downloads_with_a_name_free_file_name(worked, biller, client_for):
    patient, day = worked
    client = client_for(biller)
    client.post(url(patient), {"action": "generate"})
    response = client.get(url(patient, "billing:superbill"), {"start": day, "end": day})
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert patient.mrn not in disposition and patient.legal_family_name not in disposition
    assert response.content.startswith(b"%PDF-")


def test_a_superbill_range_without_charges_is_a_clear_error(worked, biller, client_for):
    patient, day = worked
    response = client_for(biller).get(url(patient, "billing:superbill"), {"start": day, "end": day})
    assert response.status_code == 400
    assert "No charges" in response.content.decode()
