from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from openkap.accounts.mfa import current_code
from openkap.accounts.models import Clinic, Membership, Organisation, Role, User
from openkap.audit.models import AuditEvent
from openkap.demo.management.commands.demo import DEMO_PASSWORD
from openkap.patients.models import Patient, SupportPerson

pytestmark = pytest.mark.django_db

FICTIONAL_PHONE = re.compile(r"^\(\d{3}\) 555-01\d{2}$")


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = (
        Organisation,
        Clinic,
        User,
        Membership,
        TOTPDevice,
        Patient,
        SupportPerson,
        AuditEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_it_loads_a_demo_organisation():
    _demo()
    organisation = Organisation.objects.get()
    clinics = list(Clinic.objects.all())
    assert len(clinics) == 2
    assert all(c.organisation == organisation for c in clinics)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert 45 <= Patient.objects.count() <= 55
    for clinic in clinics:
        patients = Patient.objects.filter(clinic=clinic)
        assert patients.exists()
        assert all(p.mrn.startswith(f"{clinic.mrn_prefix}-") for p in patients)
    # Every staff account can sign in: an authenticator is set up.
    for user in User.objects.all():
        assert user.is_demo_account
    for user in User.objects.filter(kind=User.Kind.STAFF):
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_it_is_idempotent():
    first = _demo()
    before = _counts()
    second = _demo()
    assert _counts() == before
    assert "already loaded" in second
    assert "already loaded" not in first


def test_every_person_in_it_is_synthetic():
    _demo()
    for patient in Patient.objects.all():
        assert FICTIONAL_PHONE.match(patient.phone), patient.phone
        assert FICTIONAL_PHONE.match(patient.emergency_contact_phone), (
            patient.emergency_contact_phone
        )
        assert patient.email.endswith("@example.com"), patient.email
    for person in SupportPerson.objects.all():
        assert FICTIONAL_PHONE.match(person.phone), person.phone
    for user in User.objects.all():
        assert user.email.endswith("@example.com"), user.email


def test_its_audit_trail_verifies():
    _demo()
    assert AuditEvent.objects.exists()
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{AuditEvent.objects.count()} rows verified" in out.getvalue()


def test_a_demo_account_signs_in_with_the_printed_password():
    output = _demo()
    assert DEMO_PASSWORD in output
    user = User.objects.get(username="dr.chen")
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    code = current_code(TOTPDevice.objects.get(user=user))
    assert client.post(reverse("accounts:mfa_verify"), {"token": code}).status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200


def test_the_therapist_has_signed_integration_notes_a_draft_and_a_private_note():
    from openkap.integration.models import IntegrationNote, NoteStatus, PsychotherapyNote

    _demo()
    therapist = User.objects.get(username="therapist.haddad")
    notes = IntegrationNote.objects.filter(created_by=therapist)
    assert notes.filter(status=NoteStatus.SIGNED, signed_by=therapist).count() >= 3
    assert notes.filter(status=NoteStatus.DRAFT).count() == 1
    assert all(note.themes and note.goals and note.follow_up for note in notes)
    assert PsychotherapyNote.objects.filter(author=therapist).count() == 1
