"""Dosing sessions appear on the chart's timeline for those who may read them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from openkap.accounts.models import Clinic, Role, User
from openkap.dosing.models import DosingSession
from openkap.patients.timeline import patient_timeline

pytestmark = pytest.mark.django_db


def test_the_dose_given_is_on_the_timeline(started_session: DosingSession, nurse: User) -> None:
    titles = [e.title for e in patient_timeline(started_session.patient, user=nurse)]
    assert "Dosing session: Induction, dose 1" in titles


def test_the_front_desk_does_not_see_it(
    started_session: DosingSession, clinic: Clinic, make_staff: Callable[..., User]
) -> None:
    desk = make_staff("desk.dosing", clinic, Role.FRONT_DESK)
    kinds = {e.kind for e in patient_timeline(started_session.patient, user=desk)}
    assert "session" not in kinds
