"""The clinic's threshold for the predicted concentration: its administrator sets it within the
knowledge file's limits, a form drawn before someone else's change is refused, every change is
audited, and the default is labelled a clinical assumption."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from openkap.accounts.models import Clinic, Role, User
from openkap.audit.models import Action, AuditEvent
from openkap.pharmacology.models import PharmacologySettings
from openkap.pharmacology.prediction import threshold_default
from openkap.pharmacology.selectors import clinic_threshold
from openkap.pharmacology.services import SettingsConflict, pharmacology_settings_update

pytestmark = pytest.mark.django_db

URL = "pharmacology:settings"


@pytest.fixture
def admin(clinic: Clinic, make_staff: Callable[..., User]) -> User:
    return make_staff("admin.pk", clinic, Role.CLINIC_ADMIN)


def test_without_a_setting_the_default_holds_and_is_a_clinical_assumption(clinic: Clinic) -> None:
    threshold = clinic_threshold(clinic)
    assert threshold.is_default and threshold.version == 0
    assert threshold.value == threshold_default().default_ng_per_ml
    assert threshold.default.verified is False
    assert "clinical assumption" in threshold.default.strength
    assert "not a published constant" in threshold.default.source


def test_the_administrator_sets_it_and_the_change_is_audited(
    clinic: Clinic, admin: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(admin).post(reverse(URL), {"threshold_ng_per_ml": "80", "version": "0"})
    assert response.status_code == 302
    assert clinic_threshold(clinic).value == 80.0
    event = AuditEvent.objects.get(object_type="pharmacology_settings")
    assert event.action == Action.UPDATE
    assert event.user == admin
    assert event.clinic == clinic
    assert event.detail["threshold_ng_per_ml"] == {"before": None, "after": "80.0"}


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.NURSE, Role.THERAPIST])
def test_clinicians_without_rules_manage_cannot_change_it(
    clinic: Clinic, make_staff: Callable[..., User], role: str
) -> None:
    user = make_staff(f"{role}.pk", clinic, role)
    with pytest.raises(PermissionDenied):
        pharmacology_settings_update(
            actor=user, clinic=clinic, threshold_ng_per_ml=Decimal(80), expected_version=0
        )
    assert not PharmacologySettings.objects.exists()


def test_a_form_drawn_before_another_change_is_refused_and_saves_nothing(
    clinic: Clinic, admin: User, client_for: Callable[[User], Client]
) -> None:
    pharmacology_settings_update(
        actor=admin, clinic=clinic, threshold_ng_per_ml=Decimal(80), expected_version=0
    )
    with pytest.raises(SettingsConflict):
        pharmacology_settings_update(
            actor=admin, clinic=clinic, threshold_ng_per_ml=Decimal(150), expected_version=0
        )
    response = client_for(admin).post(reverse(URL), {"threshold_ng_per_ml": "150", "version": "0"})
    assert response.status_code == 409
    assert "changed the threshold" in response.content.decode()
    assert clinic_threshold(clinic).value == 80.0
    assert AuditEvent.objects.filter(object_type="pharmacology_settings").count() == 1


@pytest.mark.parametrize("value", ["0", "5", "100000", "-3", "abc", ""])
def test_an_implausible_value_is_refused_naming_the_field(
    clinic: Clinic, admin: User, client_for: Callable[[User], Client], value: str
) -> None:
    response = client_for(admin).post(reverse(URL), {"threshold_ng_per_ml": value, "version": "0"})
    assert response.status_code == 400
    assert "Threshold (ng/mL):" in response.content.decode()
    assert not PharmacologySettings.objects.exists()


def test_the_service_refuses_a_value_outside_the_limits(clinic: Clinic, admin: User) -> None:
    with pytest.raises(ValidationError) as refused:
        pharmacology_settings_update(
            actor=admin, clinic=clinic, threshold_ng_per_ml=Decimal(5000), expected_version=0
        )
    assert "threshold_ng_per_ml" in refused.value.message_dict


def test_each_clinic_has_its_own(
    clinic: Clinic, other_clinic: Clinic, admin: User, make_staff: Callable[..., User]
) -> None:
    pharmacology_settings_update(
        actor=admin, clinic=clinic, threshold_ng_per_ml=Decimal(60), expected_version=0
    )
    assert clinic_threshold(other_clinic).is_default
    with pytest.raises(PermissionDenied):
        pharmacology_settings_update(
            actor=admin, clinic=other_clinic, threshold_ng_per_ml=Decimal(60), expected_version=0
        )
