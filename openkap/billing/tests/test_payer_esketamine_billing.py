"""How a payer takes esketamine is clinic data on the payer, changed by PRICES_MANAGE and audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from openkap.audit.models import AuditEvent
from openkap.billing.models import Payer
from openkap.billing.services import payer_update

pytestmark = pytest.mark.django_db


def change(biller: Any, payer: Payer, method: str) -> Payer:
    return payer_update(
        actor=biller,
        payer=payer,
        expected_version=payer.version,
        information_source="Provider manual, 2026",
        match_names="",
        notes="",
        active=True,
        esketamine_billing=method,
    )


def test_a_new_payer_bundles_esketamine(insurer):
    assert insurer.esketamine_billing == "bundled"


def test_billing_switches_a_payer_to_split_billing(insurer, biller):
    changed = change(biller, insurer, "split_s0013")
    assert Payer.objects.get(pk=insurer.pk).esketamine_billing == "split_s0013"
    assert AuditEvent.objects.filter(object_type="payer", object_id=str(changed.pk)).exists()


def test_it_refuses_an_unknown_method(insurer, biller):
    with pytest.raises(ValidationError) as error:
        change(biller, insurer, "g_codes_please")
    assert "esketamine_billing" in error.value.message_dict
    assert Payer.objects.get(pk=insurer.pk).esketamine_billing == "bundled"
