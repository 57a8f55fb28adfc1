"""A form of another clinic does not exist for you (404); a role without the permission in the
right clinic is refused (403); nothing changes either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsMonitoringForm
from openkap.rems.services import rems_form_prepare

pytestmark = pytest.mark.django_db


def test_other_clinics_and_other_roles_are_refused(
    dosed: DosingSession, nurse, clinic, other_clinic, make_staff, client_for
) -> None:
    form = rems_form_prepare(actor=nurse, session=dosed)
    page = reverse("rems:form", kwargs={"form_id": form.public_id})
    elsewhere = client_for(make_staff("elsewhere", other_clinic, *Role.values))
    assert elsewhere.get(page).status_code == 404
    assert elsewhere.post(page, {"version": form.version, "hcp_phone": "1"}).status_code == 404
    start = elsewhere.post(reverse("rems:start"), {"appointment": dosed.appointment_id})
    assert start.status_code == 404
    for role in (Role.THERAPIST, Role.FRONT_DESK, Role.BILLING, Role.CLINIC_ADMIN):
        client = client_for(make_staff(f"{role}-x", clinic, role))
        assert client.get(page).status_code == 403, role
        assert client.get(reverse("rems:dashboard")).status_code == 403, role
    saved = RemsMonitoringForm.objects.get(pk=form.pk)
    assert (saved.version, saved.entered_values) == (form.version, {})
