"""The session chart's predicted concentration: for the confirmed dose as planned, then for the dose
the chart says was given (a pause moves the curve), the clinic's threshold, a route without a
published model, and the live part that polls."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import User
from openkap.dosing import chart_services as chart
from openkap.dosing.models import ChartEntry, DosingSession
from openkap.dosing.tests.conftest import move_start_back
from openkap.pharmacology.models import PharmacologySettings
from openkap.pharmacology.selectors import session_prediction

pytestmark = pytest.mark.django_db


def prediction(session: DosingSession) -> dict[str, Any]:
    session.refresh_from_db()
    return session_prediction(session, list(session.entries.all()))


def live(client: Client, session: DosingSession) -> str:
    url = reverse("dosing:live", kwargs={"public_id": session.patient.public_id})
    response = client.get(url, {"appointment": session.appointment_id})
    assert response.status_code == 200
    return response.content.decode()


def series(html: str) -> dict[str, Any]:
    found = re.search(r'<script id="pk-series" type="application/json">(.*?)</script>', html, re.S)
    assert found, "no predicted-concentration data on the page"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def control(session: DosingSession, user: User, kind: str, minutes_ago: float) -> None:
    chart.chart_entry_add(
        actor=user,
        session=session,
        entry=chart.EntryInput(
            kind=kind,
            client_id=uuid.uuid4(),
            observed_at=timezone.now() - timedelta(minutes=minutes_ago),
            text="Nausea" if kind in ("pause", "stop") else "",
        ),
    )


def test_nothing_is_predicted_before_the_dose_is_confirmed(ready_session: DosingSession) -> None:
    assert prediction(ready_session)["state"] == "no_dose"


def test_the_confirmed_infusion_peaks_at_its_end_near_the_published_peak(
    confirmed_session: DosingSession,
) -> None:
    # 0.5 mg/kg over 40 min: published peaks are near 185 ng/mL (Zarate 2006 via Zanos 2018) at the
    # end of the infusion; the Domino model is arterial, so somewhat higher is expected.
    result = prediction(confirmed_session)
    assert result["state"] == "ok"
    assert result["model"]["id"] == "domino-1984"
    assert result["summary"]["tmax_min"] == 40
    assert 120 <= result["summary"]["cmax_ng_per_ml"] <= 400
    assert result["is_given"] is False
    assert result["chart"]["given"] is None
    # It falls below the default threshold (100 ng/mL) after the infusion, within the horizon.
    below = result["summary"]["threshold"]
    assert below["minutes_after_end"] is not None and below["minutes_after_end"] > 0
    assert below["minute"] == 40 + below["minutes_after_end"]


def test_a_pause_moves_the_given_curve_away_from_the_planned_one(
    started_session: DosingSession, nurse: User
) -> None:
    session = move_start_back(started_session, 30)
    running = prediction(session)
    assert running["is_given"] is True
    assert running["chart"]["given"]["c"] == running["chart"]["planned"]["c"]

    control(session, nurse, "pause", 20)  # paused 10 min after the start, still paused
    paused = prediction(session)
    assert paused["given"].state == "paused"
    assert paused["given"].given_mg == pytest.approx(10.0, abs=0.1)  # 40 mg at 1 mg/min
    assert paused["summary"]["cmax_ng_per_ml"] < running["summary"]["cmax_ng_per_ml"]
    assert paused["summary"]["tmax_min"] == 10


def test_the_clinics_threshold_moves_the_time_below_it(
    confirmed_session: DosingSession, admin: User
) -> None:
    default = prediction(confirmed_session)["summary"]["threshold"]["minutes_after_end"]
    PharmacologySettings.objects.create(
        clinic=confirmed_session.patient.clinic,
        threshold_ng_per_ml=Decimal(50),
        updated_at=timezone.now(),
        updated_by=admin,
    )
    lower = prediction(confirmed_session)
    assert lower["threshold"].value == 50.0
    assert lower["threshold"].is_default is False
    assert lower["summary"]["threshold"]["minutes_after_end"] > default


def test_a_route_without_a_published_model_says_so(
    confirmed_session: DosingSession,
) -> None:
    plan = confirmed_session.plan
    plan.route = "im"
    plan.save(update_fields=["route"])
    result = prediction(confirmed_session)
    assert result == {"state": "no_model", "route": "im"}


def test_the_chart_page_shows_the_estimate_with_its_model_and_source(
    confirmed_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("dosing:session", kwargs={"public_id": confirmed_session.patient.public_id})
    response = client_for(nurse).get(url, {"appointment": confirmed_session.appointment_id})
    html = response.content.decode()
    assert "Predicted concentration" in html
    assert "Estimate" in html and "Domino" in html
    assert "does <strong>not</strong> replace the discharge criteria" in html
    assert "clinical assumption" in html
    data = series(html)
    assert data["threshold"] == 100.0
    assert len(data["planned"]["t"]) == len(data["planned"]["c"]) > 100


def test_the_live_part_updates_when_dosing_is_paused_and_stopped(
    started_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    session = move_start_back(started_session, 30)
    client = client_for(nurse)
    before = series(live(client, session))
    control(session, nurse, "pause", 20)
    paused = series(live(client, session))
    control(session, nurse, "stop", 5)
    stopped_html = live(client, session)
    stopped = series(stopped_html)
    assert before["given"]["c"] != paused["given"]["c"]
    assert paused["given"]["c"] == stopped["given"]["c"]  # stopped while paused: the same dose
    assert "Stopped early" in stopped_html
    assert ChartEntry.objects.filter(session=session, kind="stop").exists()


def test_a_model_built_for_another_drug_is_flagged_as_less_certain(
    confirmed_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    assert prediction(confirmed_session)["drug_differs"] is False  # racemic IV, racemic model
    plan = confirmed_session.plan
    plan.route = "sublingual"  # racemic troches; the only sublingual model is S-ketamine film
    plan.save(update_fields=["route"])
    assert prediction(confirmed_session)["drug_differs"] is True
    url = reverse("dosing:session", kwargs={"public_id": confirmed_session.patient.public_id})
    html = client_for(nurse).get(url, {"appointment": confirmed_session.appointment_id})
    assert "Less certain:" in html.content.decode()
