from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from openkap.accounts.models import Clinic, User
from openkap.accounts.sessions import (
    ACTIVE_CLINIC,
    EXPIRED_USER,
    LAST_ACTIVITY,
    session_expiry_reason,
)
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record


def wants_json(request: HttpRequest) -> bool:
    return bool(
        request.headers.get("HX-Request") or "application/json" in request.headers.get("Accept", "")
    )


class SessionLifetimeMiddleware:
    """Ends a signed-in session after the idle time-out or the 12-hour absolute lifetime.

    The page's own script shows a sign-in overlay before this happens, so what the user was typing
    stays on the page; this is the server's guarantee behind it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not (isinstance(user, User) and user.is_authenticated):
            return None
        now = time.time()
        reason = session_expiry_reason(request.session, now=now)
        if reason is None:
            if not getattr(view_func, "openkap_session_probe", False):
                request.session[LAST_ACTIVITY] = now
            return None
        audit_record(
            action=Action.SESSION_EXPIRED,
            category=Category.ACCOUNT,
            actor=user,
            detail={"reason": reason},
        )
        logout(request)
        request.session[EXPIRED_USER] = user.pk
        if getattr(view_func, "openkap_session_reauth", False):
            return None
        if wants_json(request):
            return JsonResponse({"error": "session_expired", "reason": reason}, status=401)
        # Patients sign in again at the portal, staff at the staff sign-in.
        portal = user.kind == User.Kind.PATIENT
        login_url = reverse("portal:login" if portal else "accounts:login")
        return redirect(f"{login_url}?{urlencode({'next': request.path, 'expired': '1'})}")


class ActiveClinicMiddleware:
    """Sets request.active_clinic: the clinic a staff member is working in now (they may hold several)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.active_clinic = None  # type: ignore[attr-defined]
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.kind == User.Kind.STAFF:
            clinics = {c.pk: c for c in Clinic.objects.filter(memberships__user=user).distinct()}
            chosen = clinics.get(request.session.get(ACTIVE_CLINIC, -1))
            if chosen is None and clinics:
                chosen = min(clinics.values(), key=lambda clinic: clinic.name)
            request.active_clinic = chosen  # type: ignore[attr-defined]
            if chosen is not None:
                timezone.activate(zoneinfo.ZoneInfo(chosen.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
