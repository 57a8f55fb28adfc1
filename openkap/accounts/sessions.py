"""Session lifetime bookkeeping: when the sign-in happened, the last activity, the idle limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

AUTH_STARTED = "openkap_auth_started"
LAST_ACTIVITY = "openkap_last_activity"
IDLE_SECONDS = "openkap_idle_seconds"
ACTIVE_CLINIC = "openkap_active_clinic"
EXPIRED_USER = "openkap_expired_user"


def session_start(session: SessionBase, *, idle_minutes: int) -> None:
    now = time.time()
    session[AUTH_STARTED] = now
    session[LAST_ACTIVITY] = now
    session[IDLE_SECONDS] = idle_minutes * 60


def session_idle_seconds(session: SessionBase) -> int:
    return int(session.get(IDLE_SECONDS, settings.OPENKAP_IDLE_TIMEOUT_MINUTES * 60))


def session_expiry_reason(session: SessionBase, *, now: float) -> str | None:
    started = session.get(AUTH_STARTED)
    last = session.get(LAST_ACTIVITY)
    if started is None or last is None:
        return "no sign-in time recorded"
    if now - started > settings.OPENKAP_SESSION_ABSOLUTE_HOURS * 3600:
        return "absolute lifetime reached"
    if now - last > session_idle_seconds(session):
        return "idle time-out"
    return None


def session_seconds_left(session: SessionBase, *, now: float) -> int:
    started = float(session.get(AUTH_STARTED, now))
    last = float(session.get(LAST_ACTIVITY, now))
    idle_left = session_idle_seconds(session) - (now - last)
    absolute_left = settings.OPENKAP_SESSION_ABSOLUTE_HOURS * 3600 - (now - started)
    return max(0, int(min(idle_left, absolute_left)))


View = TypeVar("View", bound=Callable[..., Any])


def session_probe(view: View) -> View:
    """Mark a view that asks about the session without counting as activity (the status poll):
    otherwise an open tab would never time out."""
    view.openkap_session_probe = True  # type: ignore[attr-defined]
    return view


def session_reauth(view: View) -> View:
    """Mark the idle dialog's sign-in view: it is let through just after the session ended, since
    it is often the first request after the time-out and signs the same person back in."""
    view.openkap_session_reauth = True  # type: ignore[attr-defined]
    return view
