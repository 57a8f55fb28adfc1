"""The superbill and HSA/FSA receipt PDFs: what they show, that they are audited reads, that a file
name carries no name or MRN, and that no CPT descriptor is printed unless the clinic loaded one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from openkap.audit.models import AuditEvent, Category
from openkap.billing import documents
from openkap.billing.charge_services import charges_generate, payment_record
from openkap.billing.models import ClinicBilling, CodeDescriptor
from openkap.billing.tests import charge_factories as f
from openkap.billing.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(patient, prescriber, biller):
    patient.insurance_member_id = "MEM-778899"
    patient.insurance_payer = "Acme"
    patient.address_line1 = "12 Elm Street"
    patient.save()
    ClinicBilling.objects.create(clinic=patient.clinic, npi="1234567893", tax_id="12-3456789")
    day = timezone.localdate() - timedelta(days=4)
    past = day - timedelta(days=30)
    f.item(patient.clinic_id, "IV infusion", "dosing", [(past, "475.00")], route="iv")
    f.item(patient.clinic_id, "Integration", "integration", [(past, "175.00")], codes=["90837"])
    plan = f.plan(patient, prescriber)
    f.signed_session(plan, prescriber, day, minutes=100)
    f.appointment(plan, "integration", day + timedelta(days=1))
    charges_generate(actor=biller, patient=patient)
    payment_record(
        actor=biller,
        patient=patient,
        amount=Decimal("200.00"),
        method="hsa_fsa",
        received_on=day + timedelta(days=1),
        reference="R-1",
    )
    return patient, day


def test_the_superbill_shows_codes_diagnosis_patient_and_totals(billed, biller):
    patient, day = billed
    text = pdf_text(
        documents.superbill(actor=biller, patient=patient, start=day, end=day + timedelta(days=2))
    )
    for expected in ("96365", "96366", "J3490", "90837", "F33.1", "MEM-778899", "1234567893"):
        assert expected in text
    assert "Unclassified drugs" in text  # the HCPCS descriptor is public
    assert "superbill for the patient to submit to their insurer" in text
    assert "650.00" in text  # 475 + 175
    assert "450.00" in text  # the balance: 650 - 200
    assert patient.legal_name() in text


def test_a_cpt_code_is_printed_with_the_clinics_own_descriptor_only(billed, biller):
    patient, day = billed
    before = pdf_text(documents.superbill(actor=biller, patient=patient, start=day, end=day))
    assert "Clinic text for 96365" not in before
    CodeDescriptor.objects.create(
        clinic=patient.clinic, code="96365", descriptor="Clinic text for 96365"
    )
    after = pdf_text(documents.superbill(actor=biller, patient=patient, start=day, end=day))
    assert "Clinic text for 96365" in after


def test_a_superbill_is_an_audited_read(billed, biller):
    patient, day = billed
    documents.superbill(actor=biller, patient=patient, start=day, end=day)
    assert AuditEvent.objects.filter(
        category=Category.BILLING, object_type="superbill", patient=patient, user=biller
    ).exists()


def test_it_refuses_a_range_without_charges(billed, biller):
    patient, day = billed
    with pytest.raises(documents.DocumentUnavailable, match="No charges"):
        documents.superbill(
            actor=biller,
            patient=patient,
            start=day - timedelta(days=20),
            end=day - timedelta(days=10),
        )


def test_the_receipt_lists_paid_services_and_says_they_are_medical_care(billed, biller):
    patient, day = billed
    text = pdf_text(
        documents.receipt(actor=biller, patient=patient, start=day, end=day + timedelta(days=2))
    )
    assert "medical care" in text
    assert "HSA/FSA card" in text
    assert "200.00" in text
    assert "IV infusion" in text


def test_a_file_name_carries_no_name_or_mrn(billed):
    patient, day = billed
    name = documents.filename("superbill", day, day)
    assert patient.mrn not in name and patient.legal_family_name not in name
    assert name.endswith(".pdf")


def test_insurance_adjustments_and_their_reversal_are_not_payments_on_the_documents(billed, biller):
    from openkap.billing.charge_services import payment_reverse

    patient, day = billed
    adjustment = payment_record(
        actor=biller,
        patient=patient,
        amount=Decimal("75.00"),
        method="insurance",
        kind="adjustment",
        received_on=day + timedelta(days=1),
        reference="EOB-5",
    )
    payment_reverse(actor=biller, entry=adjustment, reason="Posted to the wrong patient")
    period = {"start": day, "end": day + timedelta(days=2)}
    receipt = pdf_text(documents.receipt(actor=biller, patient=patient, **period))
    assert "Total paid" in receipt
    assert "200.00" in receipt
    assert "EOB-5" not in receipt
    assert "-75.00" not in receipt
    superbill = pdf_text(documents.superbill(actor=biller, patient=patient, **period))
    assert "Payments in this period" in superbill
    assert "EOB-5" not in superbill
    assert "125.00" not in superbill  # 200 paid less the reversed 75 would be a wrong total
