"""`openkap clinic add` and `openkap staff add`: setting up a deployment with no web page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from openkap.accounts.models import Clinic, Membership, Organisation, Role, User
from openkap.audit.models import Action, AuditEvent, Category

pytestmark = pytest.mark.django_db


def test_it_creates_a_clinic_and_its_organisation_once():
    call_command(
        "clinic", "add", "--organisation", "Acme", "--name", "Main St", "--mrn-prefix", "ms"
    )
    call_command(
        "clinic", "add", "--organisation", "Acme", "--name", "Elm St", "--mrn-prefix", "ELM"
    )
    assert Organisation.objects.filter(name="Acme").count() == 1
    assert set(Clinic.objects.values_list("mrn_prefix", flat=True)) == {"MS", "ELM"}
    assert (
        AuditEvent.objects.filter(action=Action.CREATE, category=Category.CLINIC_SETTINGS).count()
        == 2
    )


def test_it_rejects_a_prefix_that_is_not_letters_and_names_the_field():
    with pytest.raises(CommandError, match="mrn_prefix"):
        call_command("clinic", "add", "--organisation", "Acme", "--name", "X", "--mrn-prefix", "12")
    assert not Clinic.objects.exists()


def test_it_rejects_an_idle_timeout_outside_5_to_30_minutes():
    with pytest.raises(CommandError, match="idle_timeout_minutes"):
        call_command(
            "clinic",
            "add",
            "--organisation",
            "Acme",
            "--name",
            "X",
            "--mrn-prefix",
            "X",
            "--idle-timeout-minutes",
            "45",
        )


def test_it_creates_the_first_administrator(monkeypatch):
    call_command(
        "clinic", "add", "--organisation", "Acme", "--name", "Main St", "--mrn-prefix", "MS"
    )
    monkeypatch.setenv("OPENKAP_STAFF_PASSWORD", "a-long-enough-passphrase")
    call_command(
        "staff",
        "add",
        "boss",
        "--clinic",
        "Main St",
        "--role",
        "clinic_admin",
        "--first-name",
        "Ann",
        "--last-name",
        "Boss",
    )
    user = User.objects.get(username="boss")
    assert user.check_password("a-long-enough-passphrase")
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.CLINIC_ADMIN
    ]
    assert AuditEvent.objects.filter(
        action=Action.CREATE, category=Category.STAFF, object_id=str(user.pk)
    ).exists()


def test_it_refuses_a_weak_password_and_saves_nothing(monkeypatch):
    call_command(
        "clinic", "add", "--organisation", "Acme", "--name", "Main St", "--mrn-prefix", "MS"
    )
    monkeypatch.setenv("OPENKAP_STAFF_PASSWORD", "short")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command(
            "staff",
            "add",
            "boss",
            "--clinic",
            "Main St",
            "--role",
            "nurse",
            "--first-name",
            "Ann",
            "--last-name",
            "Boss",
        )
    assert not User.objects.filter(username="boss").exists()


def test_it_refuses_an_unknown_clinic(monkeypatch):
    monkeypatch.setenv("OPENKAP_STAFF_PASSWORD", "a-long-enough-passphrase")
    with pytest.raises(CommandError, match="--clinic"):
        call_command(
            "staff",
            "add",
            "boss",
            "--clinic",
            "Nowhere",
            "--role",
            "nurse",
            "--first-name",
            "Ann",
            "--last-name",
            "Boss",
        )
