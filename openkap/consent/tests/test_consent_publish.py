"""Clinic administrators publish versions; each is numbered, hashed and never edited afterwards."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.consent.models import ConsentDocument
from openkap.consent.services import default_texts

pytestmark = pytest.mark.django_db


def _publish(client: Client, **changes: str) -> Any:
    data = {
        "title": "Ketamine consent",
        "body": "First text.",
        "basis": "Label",
        "change_summary": "",
    }
    data.update(changes)
    return client.post(reverse("consent:publish", kwargs={"kind": "ketamine_treatment"}), data)


def test_an_administrator_publishes_numbered_versions(client_for, staff, clinic):
    client = client_for(staff[Role.CLINIC_ADMIN])
    assert _publish(client).status_code == 302
    assert _publish(client, body="Second text.", change_summary="Clearer").status_code == 302
    versions = list(ConsentDocument.objects.order_by("version").values_list("version", "body"))
    assert versions == [(1, "First text."), (2, "Second text.")]
    second = ConsentDocument.objects.get(version=2)
    assert second.body_sha256 == hashlib.sha256(b"Second text.").hexdigest()
    assert second.published_by == staff[Role.CLINIC_ADMIN]
    assert AuditEvent.objects.filter(category=Category.CONSENT, action=Action.CREATE).count() == 2


def test_a_new_version_needs_a_change_and_a_summary(client_for, staff, clinic):
    client = client_for(staff[Role.CLINIC_ADMIN])
    _publish(client)
    same = _publish(client, change_summary="Nothing really")
    assert same.status_code == 400
    assert "body" in same.context["form"].errors
    no_summary = _publish(client, body="Other text.")
    assert no_summary.status_code == 400
    assert "change_summary" in no_summary.context["form"].errors
    assert ConsentDocument.objects.count() == 1


def test_the_first_version_starts_from_the_projects_text(client_for, staff, clinic):
    page = client_for(staff[Role.CLINIC_ADMIN]).get(
        reverse("consent:publish", kwargs={"kind": "no_driving"})
    )
    assert page.status_code == 200
    assert page.context["form"].initial["body"] == default_texts()["no_driving"].body


def test_every_kind_has_a_starting_text_that_names_its_basis():
    texts = default_texts()
    assert set(texts) == {
        "ketamine_treatment",
        "no_driving",
        "controlled_substance",
        "esketamine_rems",
        "at_home",
    }
    for kind, text in texts.items():
        assert text.title and text.body and text.basis, kind


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.NURSE, Role.FRONT_DESK])
def test_it_refuses_other_roles(client_for, staff, clinic, role):
    assert _publish(client_for(staff[role])).status_code == 403
    assert not ConsentDocument.objects.exists()
