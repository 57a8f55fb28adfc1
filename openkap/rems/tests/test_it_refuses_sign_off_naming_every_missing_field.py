"""Sign-off is refused while a required field is missing, and the refusal names each one."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError

from openkap.accounts.models import User
from openkap.audit.models import Action, AuditEvent
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.services import rems_form_prepare, rems_form_sign_off, rems_form_update
from openkap.rems.tests.conftest import PASSWORD, TYPED, password_request

pytestmark = pytest.mark.django_db


def test_it_names_the_fields_a_person_must_type(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    with pytest.raises(ValidationError) as caught:
        rems_form_sign_off(
            request=password_request(nurse),
            actor=nurse,
            form=form,
            expected_version=form.version,
            password=PASSWORD,
        )
    errors = caught.value.message_dict
    # The chart filled everything else; these four are typed (the fixture charts dissociation).
    assert set(errors) - {"__all__"} == {
        "hcp_phone",
        "hcp_email",
        "ready_to_leave_minutes",
        "ae_details",
    }
    summary = " ".join(errors["__all__"])
    assert "Monitoring HCP telephone" in summary
    assert "when would this patient have been ready to leave" in summary
    assert RemsMonitoringForm.objects.get(pk=form.pk).status == RemsFormStatus.DRAFT


def test_it_signs_off_a_complete_form_and_freezes_its_values(
    dosed: DosingSession, nurse: User
) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    form = rems_form_sign_off(
        request=password_request(nurse),
        actor=nurse,
        form=form,
        expected_version=form.version,
        password=PASSWORD,
    )
    assert form.status == RemsFormStatus.SIGNED_OFF
    assert form.signed_off_by == nurse
    assert form.signed_values["hcp_email"] == "nora@example.org"
    assert form.signed_values["total_minutes"] == 125


def test_it_refuses_a_wrong_password(dosed: DosingSession, nurse: User) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    with pytest.raises(ValidationError) as caught:
        rems_form_sign_off(
            request=password_request(nurse),
            actor=nurse,
            form=form,
            expected_version=form.version,
            password="not-my-password",
        )
    assert set(caught.value.message_dict) == {"password"}
    assert RemsMonitoringForm.objects.get(pk=form.pk).status == RemsFormStatus.DRAFT


def test_a_wrong_password_counts_towards_the_lockout_and_is_audited(
    dosed: DosingSession, nurse: User
) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    form = rems_form_update(actor=nurse, form=form, expected_version=form.version, answers=TYPED)
    with pytest.raises(ValidationError):
        rems_form_sign_off(
            request=password_request(nurse),
            actor=nurse,
            form=form,
            expected_version=form.version,
            password="not-my-password",
        )
    assert AccessAttempt.objects.filter(username=nurse.username).exists()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, user=nurse).exists()
