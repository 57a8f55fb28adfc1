"""A licence entered in error or superseded is retired, not deleted: it stays recorded and no
longer counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openkap.accounts.models import Clinic
from openkap.audit.models import AuditEvent, Category
from openkap.clinical.quality import Item
from openkap.quality.models import StaffCredential
from openkap.quality.selectors import quality_audit
from openkap.quality.services import credential_retire, credential_update

pytestmark = pytest.mark.django_db


def _therapist_item(clinic: Clinic) -> Item:
    for section in quality_audit(clinic).sections:
        for item in section.items:
            if item.id == "mental_health_provider":
                return item
    raise AssertionError


def test_a_retired_licence_no_longer_counts(admin, clinic, therapist, add_licence):
    credential = add_licence(therapist, "mental_health_licence")
    assert _therapist_item(clinic).status == "met"
    credential_retire(actor=admin, credential=credential, expected_version=1, reason="In error")
    assert _therapist_item(clinic).status == "missing"
    assert StaffCredential.objects.filter(pk=credential.pk, retired_at__isnull=False).exists()
    event = AuditEvent.objects.filter(category=Category.QUALITY).order_by("-sequence").first()
    assert event is not None and event.detail["retired"] is True


def test_it_rejects_retiring_without_a_reason(admin, therapist, add_licence):
    credential = add_licence(therapist, "mental_health_licence")
    with pytest.raises(ValidationError) as error:
        credential_retire(actor=admin, credential=credential, expected_version=1, reason=" ")
    assert "reason" in error.value.message_dict
    credential.refresh_from_db()
    assert credential.retired_at is None


def test_it_rejects_changing_a_retired_licence(admin, therapist, add_licence):
    credential = add_licence(therapist, "mental_health_licence")
    retired = credential_retire(actor=admin, credential=credential, expected_version=1, reason="x")
    with pytest.raises(ValidationError):
        credential_update(
            actor=admin, credential=retired, expected_version=retired.version, number="2"
        )
