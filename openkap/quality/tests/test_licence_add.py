"""The administrator records a staff member's licence: saved with an audit row; bad input refused
with the field named and nothing saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent, Category
from openkap.quality.models import StaffCredential
from openkap.quality.services import credential_add
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db


def test_it_records_a_licence_with_an_audit_row(admin, clinic, prescriber):
    credential = credential_add(
        actor=admin,
        clinic=clinic,
        holder=prescriber,
        kind="medical_licence",
        title="MD",
        number=" MA-123 ",
        issuer="Massachusetts Board",
        expires_on=in_days(300),
    )
    assert credential.number == "MA-123"
    event = AuditEvent.objects.get(category=Category.QUALITY, object_type="staff_credential")
    assert event.object_id == str(credential.pk)
    assert event.user == admin
    assert event.detail["holder"] == prescriber.pk


def test_it_rejects_an_issue_date_after_the_expiry(admin, clinic, prescriber):
    with pytest.raises(ValidationError) as error:
        credential_add(
            actor=admin,
            clinic=clinic,
            holder=prescriber,
            kind="medical_licence",
            number="1",
            issuer="Board",
            issued_on=in_days(-1),
            expires_on=in_days(-10),
        )
    assert "issued_on" in error.value.message_dict
    assert not StaffCredential.objects.exists()


def test_it_rejects_a_blank_number(admin, clinic, prescriber):
    with pytest.raises(ValidationError) as error:
        credential_add(
            actor=admin,
            clinic=clinic,
            holder=prescriber,
            kind="medical_licence",
            number="   ",
            issuer="Board",
            expires_on=in_days(10),
        )
    assert "number" in error.value.message_dict
    assert not AuditEvent.objects.filter(category=Category.QUALITY).exists()


def test_it_rejects_a_holder_from_another_clinic(admin, clinic, other_clinic, make_staff):
    stranger = make_staff("stranger", other_clinic, "prescriber")
    with pytest.raises(ValidationError) as error:
        credential_add(
            actor=admin,
            clinic=clinic,
            holder=stranger,
            kind="medical_licence",
            number="1",
            issuer="Board",
            expires_on=in_days(10),
        )
    assert "holder" in error.value.message_dict
    assert not StaffCredential.objects.exists()


def test_the_form_names_the_missing_expiry_date(admin, clinic, prescriber, client_for):
    response = client_for(admin).post(
        "/quality/licences/add/",
        {"holder": prescriber.pk, "kind": "medical_licence", "number": "1", "issuer": "Board"},
    )
    assert response.status_code == 400
    assert "Expires on: This field is required." in response.content.decode()
    assert not StaffCredential.objects.exists()


def test_the_form_records_and_returns_to_the_list(admin, clinic, prescriber, client_for):
    response = client_for(admin).post(
        "/quality/licences/add/",
        {
            "holder": prescriber.pk,
            "kind": "dea_practitioner",
            "number": "BC1234563",
            "issuer": "DEA",
            "expires_on": in_days(200).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/quality/licences/"
    assert StaffCredential.objects.get().kind == "dea_practitioner"


def test_the_form_names_every_wrong_field_at_once(admin, prescriber, client_for):
    response = client_for(admin).post(
        "/quality/licences/add/",
        {
            "kind": "medical_licence",
            "issued_on": in_days(-1).isoformat(),
            "expires_on": in_days(-30).isoformat(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Issued on: The issue date is after the expiry date." in body
    assert "Staff member: This field is required." in body
    assert not StaffCredential.objects.exists()
