"""The predicted concentration on an IV session chart, as in the demo's session in progress (started
26 minutes ago, paused and resumed once): the prescriber sees the estimate with its model, the curve
follows a pause charted meanwhile by the nurse (the live part polls), and the infusion planner opens
from the chart with the session's weight, proposes rates per step and draws its curve."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.chart_views import chart_url
from openkap.dosing.models import DosingSession
from openkap.dosing.tests.conftest import (
    admin,
    appointment,
    confirmed_session,
    consented,
    ketamine_lot,
    move_start_back,
    nurse,
    prescriber,
    ready_session,
    started_session,
)
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = [
    "admin",
    "appointment",
    "confirmed_session",
    "consented",
    "ketamine_lot",
    "nurse",
    "prescriber",
    "ready_session",
    "started_session",
]


def control(session: DosingSession, user: User, kind: str, minutes_ago: float) -> None:
    chart.chart_entry_add(
        actor=user,
        session=session,
        entry=chart.EntryInput(
            kind=kind,
            client_id=uuid.uuid4(),
            observed_at=timezone.now() - timedelta(minutes=minutes_ago),
            text="Nausea; paused to settle" if kind == "pause" else "",
        ),
    )


def test_the_chart_shows_the_predicted_concentration_and_opens_the_planner(
    page: Page, started_session: DosingSession, nurse: User, prescriber: User
) -> None:
    session = move_start_back(started_session, 26)
    control(session, nurse, "pause", 16)
    control(session, nurse, "resume", 13)

    sign_in(page, prescriber)
    page.goto(chart_url(session))
    prediction = page.locator("section.pk-prediction")
    expect(prediction).to_have_attribute("data-pk", "ok")
    expect(prediction).to_contain_text("expected peak")
    expect(prediction).to_contain_text("Predicted to fall below the clinic's threshold")
    expect(prediction).to_contain_text("Domino 1984")
    expect(prediction).to_contain_text("not replace the discharge criteria")
    # Chart.js drew both curves: the confirmed dose as planned and the dose given.
    expect(page.locator("#pk-canvas")).to_have_attribute("data-series", "2")

    # The nurse pauses the infusion at another computer: the next poll redraws the estimate.
    control(session, nurse, "pause", 0)
    expect(prediction).to_contain_text("Paused: the curve shows the dose given so far")
    expect(prediction).to_contain_text("For the dose given so far")

    page.get_by_role("link", name="Open the infusion planner").click()
    expect(page.get_by_role("heading", name="IV infusion planner")).to_be_visible()
    expect(page.get_by_text("A proposal only")).to_be_visible()
    expect(page.get_by_label("Weight (kg)")).to_have_value("80.0")
    page.get_by_label("Target plasma concentration (ng/mL)").fill("150")
    page.get_by_role("button", name="Propose the rates").click()
    expect(page.locator("tr[data-step]")).to_have_count(8)
    expect(page.locator("#plan")).to_contain_text("Total")
    expect(page.locator("#pk-canvas")).to_have_attribute("data-series", "1")

    page.get_by_label("Weight (kg)").fill("0")
    page.get_by_role("button", name="Propose the rates").click()
    expect(page.get_by_text("Weight (kg): must be a positive number")).to_be_visible()
