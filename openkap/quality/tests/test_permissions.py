"""Who may do what: the administrator manages the records, prescribers and the administrator read
the self-audit; nurses, therapists, front desk and billing are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from openkap.accounts.models import Role
from openkap.quality.models import EmergencyDrill, RemsCertification, StaffCredential
from openkap.quality.services import credential_add, drill_record, rems_certification_set
from openkap.quality.tests.conftest import in_days

pytestmark = pytest.mark.django_db

REFUSED_READERS = [Role.NURSE, Role.THERAPIST, Role.FRONT_DESK, Role.BILLING]


@pytest.mark.parametrize("role", [Role.PRESCRIBER, *REFUSED_READERS])
def test_it_refuses_recording_a_licence_to_anyone_but_the_administrator(
    role, clinic, make_staff, prescriber
):
    actor = make_staff(f"actor-{role}", clinic, role)
    with pytest.raises(PermissionDenied):
        credential_add(
            actor=actor,
            clinic=clinic,
            holder=prescriber,
            kind="medical_licence",
            number="1",
            issuer="Board",
            expires_on=in_days(10),
        )
    assert not StaffCredential.objects.exists()


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.NURSE])
def test_it_refuses_logging_a_drill_or_certification_to_clinicians(role, clinic, make_staff):
    actor = make_staff(f"actor-{role}", clinic, role)
    with pytest.raises(PermissionDenied):
        drill_record(
            actor=actor,
            clinic=clinic,
            held_on=in_days(-1),
            scenario="airway",
            findings="ok",
            other_participants="someone",
        )
    with pytest.raises(PermissionDenied):
        rems_certification_set(actor=actor, clinic=clinic, expected_version=0, certified=False)
    assert not EmergencyDrill.objects.exists()
    assert not RemsCertification.objects.exists()


@pytest.mark.parametrize("path", ["/quality/", "/quality/licences/", "/quality/drills/"])
def test_a_prescriber_reads_the_pages(path, prescriber, client_for):
    assert client_for(prescriber).get(path).status_code == 200


@pytest.mark.parametrize("role", REFUSED_READERS)
@pytest.mark.parametrize("path", ["/quality/", "/quality/licences/", "/quality/drills/"])
def test_other_roles_may_not_read_the_pages(role, path, clinic, make_staff, client_for):
    assert client_for(make_staff(f"reader-{role}", clinic, role)).get(path).status_code == 403


@pytest.mark.parametrize(
    "path", ["/quality/licences/add/", "/quality/drills/add/", "/quality/rems/"]
)
def test_a_prescriber_may_not_open_the_forms(path, prescriber, client_for):
    assert client_for(prescriber).get(path).status_code == 403


def test_the_prescriber_sees_no_link_to_change_records(prescriber, client_for):
    body = client_for(prescriber).get("/quality/").content.decode()
    assert "/quality/licences/add/" not in body
    assert "/quality/drills/add/" not in body


def test_the_administrator_sees_the_links_to_fix_what_is_missing(admin, client_for):
    body = client_for(admin).get("/quality/").content.decode()
    assert "/quality/licences/add/" in body
    assert "/quality/drills/add/" in body
