"""The patient's payer: suggested from the insurance text of their registration (the payer's name
or one of its registration names; self-pay when none is registered), until front desk or billing
chooses one (audited). Another clinic's payer cannot be chosen."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from openkap.audit.models import AuditEvent, Category
from openkap.billing import selectors, services
from openkap.billing.models import Payer


def test_the_registration_text_suggests_the_payer(insurer, self_pay, patient):
    patient.insurance_payer = "acme health ppo"
    patient.save()
    assert selectors.payer_for(patient) == (insurer, False)


def test_no_registered_insurance_suggests_self_pay(insurer, self_pay, patient):
    assert selectors.payer_for(patient) == (self_pay, False)


def test_an_unknown_insurer_suggests_nothing(insurer, self_pay, patient):
    patient.insurance_payer = "Some Other Plan"
    patient.save()
    assert selectors.payer_for(patient) == (None, False)


def test_a_chosen_payer_wins_and_is_audited(insurer, self_pay, patient, front_desk):
    patient.insurance_payer = "ACME"
    patient.save()
    services.patient_payer_set(actor=front_desk, patient=patient, payer=self_pay)
    assert selectors.payer_for(patient) == (self_pay, True)
    assert AuditEvent.objects.filter(
        category=Category.BILLING, patient=patient, object_type="patient_payer"
    ).exists()


def test_another_clinics_payer_is_refused(patient, front_desk, other_clinic):
    elsewhere = Payer.objects.create(
        clinic=other_clinic, name="Far", kind="other", information_source="x"
    )
    with pytest.raises(ValidationError):
        services.patient_payer_set(actor=front_desk, patient=patient, payer=elsewhere)


def test_a_nurse_may_not_choose_the_payer(self_pay, patient, clinic, make_staff):
    nurse = make_staff("nurse.pay", clinic, "nurse")
    with pytest.raises(PermissionDenied):
        services.patient_payer_set(actor=nurse, patient=patient, payer=self_pay)


def test_front_desk_chooses_the_payer_on_the_estimate_page(
    insurer, patient, front_desk, client_for
):
    response = client_for(front_desk).post(
        reverse("billing:payer_choose", kwargs={"public_id": patient.public_id}),
        {"payer": insurer.pk},
    )
    assert response.status_code == 302
    assert selectors.payer_for(patient) == (insurer, True)


def test_choosing_no_payer_is_refused_by_name(insurer, patient, front_desk, client_for):
    response = client_for(front_desk).post(
        reverse("billing:payer_choose", kwargs={"public_id": patient.public_id}), {}
    )
    assert response.status_code == 400
    assert "Payer:" in response.content.decode()
    assert selectors.payer_for(patient)[1] is False


def test_the_page_warns_when_the_registration_changed_after_the_choice(
    insurer, self_pay, patient, front_desk, client_for
):
    services.patient_payer_set(actor=front_desk, patient=patient, payer=self_pay)
    url = reverse("billing:estimate", kwargs={"public_id": patient.public_id})
    assert "registration changed" not in client_for(front_desk).get(url).content.decode()
    patient.insurance_payer = "ACME"
    patient.save()
    assert "registration changed" in client_for(front_desk).get(url).content.decode()
