"""Sign-ins and time-outs belong to no clinic; a clinic's report shows those of its own staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_it_shows_the_sign_ins_of_the_clinics_staff_only(
    clinic, other_clinic, make_staff, client_for
):
    admin = make_staff("admin", clinic, Role.CLINIC_ADMIN)
    colleague = make_staff("colleague", clinic, Role.NURSE)
    stranger = make_staff("stranger", other_clinic, Role.NURSE)
    audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=colleague)
    audit_record(action=Action.LOGIN, category=Category.ACCOUNT, actor=stranger)
    response = client_for(admin).post(reverse("audit:report"), {"action": Action.LOGIN})
    usernames = {event.username for event in response.context["events"]}
    assert usernames == {"colleague"}
