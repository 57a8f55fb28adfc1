"""The snippet the session chart includes: a button to start the form, then a link to it; nothing
for a session that has no REMS form or a user who may not see REMS forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.services import rems_form_prepare
from openkap.rems.tests.conftest import clinic_time, make_plan, make_session

pytestmark = pytest.mark.django_db


def _render(session: DosingSession, **can: bool) -> str:
    # Rendered without a request (the page's context processors are not what is tested here).
    return render_to_string("rems/_session_link.html", {"session": session, "can": can})


def test_it_offers_to_start_then_links_the_form(dosed: DosingSession, nurse: User) -> None:
    html = _render(dosed, rems_view=True, rems_edit=True)
    assert reverse("rems:start") in html
    assert f'value="{dosed.appointment_id}"' in html
    form = rems_form_prepare(actor=nurse, session=dosed)
    dosed = DosingSession.objects.get(pk=dosed.pk)
    html = _render(dosed, rems_view=True, rems_edit=True)
    assert reverse("rems:form", kwargs={"form_id": form.public_id}) in html
    assert reverse("rems:start") not in html


def test_it_shows_nothing_without_a_rems_form_or_the_permission(
    dosed: DosingSession, make_patient, prescriber: User, nurse: User, clinic, today: date
) -> None:
    assert _render(dosed).strip() == ""
    iv = make_session(
        make_plan(make_patient(clinic), prescriber, route="iv"),
        nurse,
        started=clinic_time(clinic, today, 9, 0),
    )
    assert _render(iv, rems_view=True, rems_edit=True).strip() == ""
    not_dosed = make_session(dosed.plan, nurse, started=None, dose_number=2)
    assert _render(not_dosed, rems_view=True, rems_edit=True).strip() == ""
