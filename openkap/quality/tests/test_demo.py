"""The demo's quality data: licences (one expiring soon, one missing), two drills and the REMS
certification, so the page shows a mix; loading twice adds nothing."""

from __future__ import annotations

import pytest

from openkap.accounts.models import Clinic, Role
from openkap.clinical.quality import Status
from openkap.quality import demo
from openkap.quality.models import EmergencyDrill, StaffCredential
from openkap.quality.selectors import quality_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic(organisation, make_staff) -> Clinic:
    clinic = Clinic.objects.create(
        organisation=organisation, name=demo.DEMO_CLINIC, mrn_prefix="BRK"
    )
    make_staff("admin.walsh", clinic, Role.CLINIC_ADMIN)
    make_staff("dr.chen", clinic, Role.PRESCRIBER)
    make_staff("dr.park", clinic, Role.PRESCRIBER)
    make_staff("nurse.okafor", clinic, Role.NURSE)
    make_staff("therapist.haddad", clinic, Role.THERAPIST)
    return clinic


def test_the_demo_shows_licences_needing_attention_and_one_missing(demo_clinic):
    assert demo.load_for_demo() is True
    checks = quality_audit(demo_clinic).checks
    statuses = sorted(check.status for check in checks)
    assert statuses.count(Status.ATTENTION) == 1
    assert statuses.count(Status.MISSING) == 1
    assert EmergencyDrill.objects.filter(clinic=demo_clinic).count() == 2


def test_loading_the_demo_twice_adds_nothing(demo_clinic):
    demo.load_for_demo()
    count = StaffCredential.objects.count()
    assert demo.load_for_demo() is False
    assert StaffCredential.objects.count() == count
