"""A new version of a kind makes the patient's consent of that kind outdated: "re-consent needed"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role, User
from openkap.consent.models import ConsentDocument, SignedConsent
from openkap.consent.selectors import consent_status
from openkap.consent.services import consent_sign
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db


def _signed(patient: Patient, user: User, document: ConsentDocument) -> SignedConsent:
    return consent_sign(
        actor=user,
        patient=patient,
        document=document,
        typed_name=patient.legal_name(),
        understood=True,
        method="portal",
        ip_address=None,
    )


def test_status_is_missing_then_current_then_outdated(patient, portal_user, publish):
    document = publish(patient.clinic)
    assert consent_status(patient)["ketamine_treatment"].state == "missing"
    _signed(patient, portal_user, document)
    assert consent_status(patient)["ketamine_treatment"].state == "current"
    publish(patient.clinic, body="Changed text.", change_summary="New bladder risk wording")
    status = consent_status(patient)["ketamine_treatment"]
    assert status.state == "outdated"
    assert not status.is_current
    assert status.document is not None and status.document.version == 2
    assert status.signed is not None and status.signed.version == 1


def test_a_new_version_of_one_kind_leaves_the_others_current(patient, portal_user, publish):
    _signed(patient, portal_user, publish(patient.clinic, kind="no_driving"))
    _signed(patient, portal_user, publish(patient.clinic))
    publish(patient.clinic, body="Changed text.", change_summary="Changed")
    status = consent_status(patient)
    assert status["no_driving"].state == "current"
    assert status["ketamine_treatment"].state == "outdated"


def test_kinds_the_clinic_never_published_are_missing_and_not_offered(patient):
    status = consent_status(patient)
    assert set(status) == {
        "ketamine_treatment",
        "no_driving",
        "controlled_substance",
        "esketamine_rems",
        "at_home",
    }
    assert all(s.state == "missing" and not s.offered for s in status.values())


def test_the_portal_and_the_chart_say_re_consent_needed(
    portal_client, patient, portal_user, publish, client_for, staff
):
    _signed(patient, portal_user, publish(patient.clinic))
    publish(patient.clinic, body="Changed text.", change_summary="Clearer risks")
    assert "Re-consent needed" in portal_client.get(reverse("portal:home")).content.decode()
    chart = (
        client_for(staff[Role.NURSE])
        .get(reverse("patients:chart", kwargs={"public_id": patient.public_id}))
        .content.decode()
    )
    assert "re-consent needed" in chart
    assert "Re-consent needed: Consent ketamine_treatment (v2 published)" in chart
