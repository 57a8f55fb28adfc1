"""The pages: start a session's form by POSTing its appointment, edit it, see the sign-off refused
naming the missing fields, sign off, record the submission. No patient data in any URL."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.rems.models import RemsFormStatus, RemsMonitoringForm
from openkap.rems.tests.conftest import PASSWORD, TYPED

pytestmark = pytest.mark.django_db


def _fields(form: RemsMonitoringForm, **changes: str) -> dict[str, object]:
    data: dict[str, object] = {"version": form.version}
    for key, value in form.values().items():
        data[key] = "yes" if value is True else "no" if value is False else value
    data.update(changes)
    return data


def test_the_whole_form_through_the_pages(
    dosed: DosingSession, nurse: User, client_for, today: date
) -> None:
    client = client_for(nurse)
    started = client.post(reverse("rems:start"), {"appointment": dosed.appointment_id})
    assert started.status_code == 302
    form = RemsMonitoringForm.objects.get(session=dosed)
    page = reverse("rems:form", kwargs={"form_id": form.public_id})
    assert started["Location"] == page
    patient = dosed.patient
    for text in (str(patient.public_id), patient.mrn, patient.legal_family_name):
        assert text not in page

    shown = client.get(page).content.decode()
    assert "Monitoring HCP telephone" in shown and "unverified item wording" in shown

    # Save and sign off with the typed fields still empty: saved, sign-off refused naming them.
    refused = client.post(
        page, _fields(form, hcp_phone="555 010 4001", password=PASSWORD, sign_off="1")
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Your changes were saved." in body and "Sign-off refused" in body
    assert "Monitoring HCP email" in body and "Required before sign-off." in body
    form.refresh_from_db()
    assert form.status == RemsFormStatus.DRAFT
    assert form.entered_values == {"hcp_phone": "555 010 4001"}

    bad = client.post(page, _fields(form, ready_to_leave_minutes="soon"))
    assert bad.status_code == 400
    assert "Enter a whole number." in bad.content.decode()

    assert client.post(page, _fields(form, hcp_email="x@example.org")).status_code == 302
    form.refresh_from_db()
    signed = client.post(page, _fields(form, **TYPED, password=PASSWORD, sign_off="1"))
    assert signed.status_code == 302
    form.refresh_from_db()
    assert form.status == RemsFormStatus.SIGNED_OFF

    recorded = client.post(
        reverse("rems:submission", kwargs={"form_id": form.public_id}),
        {
            "version": form.version,
            "submitted_on": today.isoformat(),
            "method": "online",
            "confirmation_reference": "REMS-12345",
        },
    )
    assert recorded.status_code == 302
    form.refresh_from_db()
    assert (form.status, form.confirmation_reference) == (RemsFormStatus.SUBMITTED, "REMS-12345")
    assert patient.legal_family_name not in client.get(reverse("rems:dashboard")).content.decode()


def test_the_dashboard_lists_a_session_whose_form_is_not_started(
    dosed: DosingSession, nurse: User, client_for
) -> None:
    body = client_for(nurse).get(reverse("rems:dashboard")).content.decode()
    assert dosed.patient.legal_family_name in body
    assert "Not started" in body and "Start the form" in body


def test_a_stale_page_is_refused_with_a_conflict(
    dosed: DosingSession, nurse: User, client_for
) -> None:
    client = client_for(nurse)
    client.post(reverse("rems:start"), {"appointment": dosed.appointment_id})
    form = RemsMonitoringForm.objects.get(session=dosed)
    page = reverse("rems:form", kwargs={"form_id": form.public_id})
    stale = _fields(form, hcp_phone="555 010 4001")
    client.post(reverse("rems:start"), {"appointment": dosed.appointment_id})  # filled again
    answer = client.post(page, stale)
    assert answer.status_code == 409
    assert "changed by someone else" in answer.content.decode()
    form.refresh_from_db()
    assert form.entered_values == {}


def test_a_bad_submission_is_refused_next_to_its_field(
    dosed: DosingSession, nurse: User, client_for, today: date
) -> None:
    client = client_for(nurse)
    client.post(reverse("rems:start"), {"appointment": dosed.appointment_id})
    form = RemsMonitoringForm.objects.get(session=dosed)
    page = reverse("rems:form", kwargs={"form_id": form.public_id})
    client.post(page, _fields(form, **TYPED, password=PASSWORD, sign_off="1"))
    form.refresh_from_db()
    answer = client.post(
        reverse("rems:submission", kwargs={"form_id": form.public_id}),
        {"version": form.version, "submitted_on": today.isoformat(), "method": "online"},
    )
    assert answer.status_code == 400
    assert (
        "Confirmation reference: Enter the confirmation the REMS portal gave."
        in answer.content.decode()
    )
    form.refresh_from_db()
    assert form.status == RemsFormStatus.SIGNED_OFF
