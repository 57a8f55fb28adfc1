"""The patient's "My costs": the estimate the clinic saved for their current plan, labelled as an
estimate and not a bill, with what it assumes; never another patient's; nothing before one is
given."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from openkap.billing import services
from openkap.billing.tests.conftest import make_active_plan
from openkap.portal.tests.fixtures import create_portal_account, portal_sign_in


def test_the_patient_sees_the_estimate_the_clinic_gave_them(
    price_list, insurer, planned_patient, front_desk, portal_client
):
    saved = services.estimate_save(actor=front_desk, patient=planned_patient)
    body = portal_client.get(reverse("billing:mine")).content.decode()
    assert "estimate, not a bill" in body
    assert "What this estimate assumes" in body
    assert "IV package of 6" in body
    assert str(saved.patient_total) in body


def test_before_the_clinic_gives_one_there_is_none(price_list, planned_patient, portal_client):
    body = portal_client.get(reverse("billing:mine")).content.decode()
    assert "has not given you a cost estimate yet" in body
    assert "IV package of 6" not in body


def test_a_patient_never_sees_another_patients_estimate(
    price_list, clinic, make_patient, prescriber, front_desk, portal_client
):
    other = make_patient(clinic, legal_given_name="Other")
    make_active_plan(other, prescriber, doses=8)
    services.estimate_save(actor=front_desk, patient=other)
    body = portal_client.get(reverse("billing:mine")).content.decode()
    assert "has not given you a cost estimate yet" in body
    assert "IV infusion" not in body


def test_staff_accounts_are_refused(front_desk, client_for):
    assert client_for(front_desk).get(reverse("billing:mine")).status_code == 403


def test_the_read_is_audited(price_list, planned_patient, portal_user):
    from openkap.audit.models import AuditEvent, Category

    portal_sign_in(Client(), portal_user).get(reverse("billing:mine"))
    assert AuditEvent.objects.filter(
        category=Category.BILLING, patient=planned_patient, user=portal_user
    ).exists()


def test_a_second_portal_account_sees_only_its_own(
    price_list, clinic, make_patient, prescriber, front_desk, planned_patient
):
    services.estimate_save(actor=front_desk, patient=planned_patient)
    other = make_patient(clinic, legal_given_name="Second")
    user = create_portal_account(other, username="second.patient")
    body = portal_sign_in(Client(), user).get(reverse("billing:mine")).content.decode()
    assert "IV package of 6" not in body
