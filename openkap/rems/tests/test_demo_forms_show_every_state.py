"""`openkap demo` leaves the REMS dashboard with every state to show: a form submitted (online, with
the portal's confirmation), one signed off and due in a few days, and a session without a form."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import Clinic, Role, User
from openkap.clinical.rems import rems_missing
from openkap.demo.management.commands.demo import DEMO_PASSWORD, ORGANISATION
from openkap.dosing.models import DosingSession, SessionStatus
from openkap.rems import demo
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.selectors import rems_forms_due

pytestmark = pytest.mark.django_db


def _esketamine_sessions() -> list[DosingSession]:
    return list(
        DosingSession.objects.filter(
            plan__route="intranasal_esketamine", status=SessionStatus.SIGNED
        ).order_by("dose_started_at")
    )


def test_the_dashboard_shows_a_form_in_every_state(client_for: Callable[[User], Client]) -> None:
    call_command("demo", stdout=StringIO())
    sessions = _esketamine_sessions()
    assert len(sessions) >= 3
    forms = {form.session_id: form for form in RemsMonitoringForm.objects.all()}
    submitted = [f for f in forms.values() if f.status == RemsFormStatus.SUBMITTED]
    signed_off = [f for f in forms.values() if f.status == RemsFormStatus.SIGNED_OFF]
    without = [s for s in sessions if s.pk not in forms]
    assert len(submitted) == 1 and len(signed_off) == 1 and without
    # Submitted online within the 7 days, with the confirmation the portal gave.
    sent = submitted[0]
    assert sent.submission_method == "online" and sent.confirmation_reference
    assert sent.submitted_on is not None
    assert sent.treatment_date <= sent.submitted_on <= sent.due_on
    # Signed off with nothing required missing, what the nurse typed kept with it.
    for form in (sent, signed_off[0]):
        assert rems_missing(form.signed_values) == ()
        assert form.signed_values["hcp_phone"] and "@" in form.signed_values["hcp_email"]
        assert (
            0 < form.signed_values["ready_to_leave_minutes"] <= form.signed_values["total_minutes"]
        )
        assert form.signed_off_at is not None and form.session.discharged_at is not None
        assert form.signed_off_at > form.session.discharged_at
    # The one to submit is due in a few days, not overdue.
    clinic = sessions[0].patient.clinic
    today = timezone.localdate()
    rows = {row.session.pk: row for row in rems_forms_due(clinic=clinic, today=today)}
    assert 0 < rows[signed_off[0].session_id].days_left <= 7
    assert rows[without[0].pk].form is None
    assert sent.session_id not in rows

    nurse = User.objects.get(username="nurse.okafor")
    page = client_for(nurse).get(reverse("rems:dashboard")).content.decode()
    assert "Not started" in page and "Start the form" in page
    assert "Signed off: to submit" in page
    assert str(sent.public_id) not in page  # submitted: off the list of forms due
    sent_page = client_for(nurse).get(reverse("rems:form", kwargs={"form_id": sent.public_id}))
    assert sent.confirmation_reference in sent_page.content.decode()


def test_it_loads_once() -> None:
    call_command("demo", stdout=StringIO())
    before = sorted(RemsMonitoringForm.objects.values_list("pk", "status", "version"))
    assert before
    assert not demo.load_for_demo(organisation_name=ORGANISATION, password=DEMO_PASSWORD)
    assert sorted(RemsMonitoringForm.objects.values_list("pk", "status", "version")) == before


def test_it_makes_no_form_without_an_esketamine_session(
    clinic: Clinic, make_staff: Callable[..., User]
) -> None:
    nurse = make_staff("nurse.none", clinic, Role.NURSE)
    assert not demo.load(clinic=clinic, nurse=nurse, admin=None, password="x")
    assert not RemsMonitoringForm.objects.exists()
