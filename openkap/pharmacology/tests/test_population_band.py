"""The population band (5th-95th percentile of simulated patients) where the model publishes
between-subject variability, and the plain statement that there is none where it does not."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openkap.accounts.models import User
from openkap.dosing.models import DosingSession
from openkap.pharmacology.models import PharmacologySettings
from openkap.pharmacology.selectors import session_prediction

pytestmark = pytest.mark.django_db


def on_route(session: DosingSession, route: str) -> DosingSession:
    plan = session.plan
    plan.route = route
    plan.save(update_fields=["route"])
    session.refresh_from_db()
    return session


def test_a_model_with_variability_draws_the_band_around_the_typical_curve(
    confirmed_session: DosingSession, admin: User
) -> None:
    session = on_route(confirmed_session, "sublingual")  # Simons 2022 publishes its variability
    # A threshold the 40 mg dose's curve crosses (40 mg sublingual peaks well below 100 ng/mL).
    PharmacologySettings.objects.create(
        clinic=session.patient.clinic,
        threshold_ng_per_ml=Decimal(30),
        updated_at=timezone.now(),
        updated_by=admin,
    )
    shown = session_prediction(session, [])
    band = shown["chart"]["band"]
    typical = shown["chart"]["planned"]["c"]
    assert band is not None and len(band["p5"]) == len(band["p95"]) == len(typical)
    assert all(lo <= c <= hi for lo, c, hi in zip(band["p5"], typical, band["p95"], strict=True))
    assert max(band["p95"]) > max(typical) > max(band["p5"])
    # The slowest of the usual patients falls below the threshold no sooner than the typical one.
    slow = shown["band"]["p95_threshold"]
    usual = shown["summary"]["threshold"]
    assert usual["minute"] is not None and slow["minute"] is not None
    assert slow["minute"] >= usual["minute"]


def test_a_model_without_variability_says_there_is_no_band(
    confirmed_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    shown = session_prediction(confirmed_session, [])  # IV: Domino 1984, no variability published
    assert shown["chart"]["band"] is None
    url = reverse("dosing:session", kwargs={"public_id": confirmed_session.patient.public_id})
    html = client_for(nurse).get(url, {"appointment": confirmed_session.appointment_id})
    assert "No population band: the model publishes no between-subject variability" in (
        html.content.decode()
    )


def test_the_page_names_the_band_and_its_source(
    confirmed_session: DosingSession, nurse: User, client_for: Callable[[User], Client]
) -> None:
    session = on_route(confirmed_session, "sublingual")
    url = reverse("dosing:session", kwargs={"public_id": session.patient.public_id})
    html = client_for(nurse).get(url, {"appointment": session.appointment_id}).content.decode()
    assert "Shaded: 5th\N{EN DASH}95th percentile of 500 simulated patients" in html
    assert "For 95 in 100 simulated patients" in html
