from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkap.accounts import mfa
from openkap.accounts.decorators import request_user, staff_required
from openkap.accounts.forms import ClinicSwitchForm, LoginForm, ReauthForm, TokenForm
from openkap.accounts.models import Clinic, User
from openkap.accounts.services import mfa_device_confirm, user_sign_in
from openkap.accounts.sessions import (
    ACTIVE_CLINIC,
    EXPIRED_USER,
    session_probe,
    session_reauth,
    session_seconds_left,
)
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record

PENDING = "openkap_pending_sign_in"
# The password step is good for five minutes; then it must be typed again.
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True, kind=User.Kind.STAFF).first()


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this when a username has had too many failed passwords."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(action=Action.LOCKED_OUT, category=Category.ACCOUNT, actor=None, username=username)
    return render(request, "accounts/locked_out.html", status=429)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next")
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if isinstance(user, User) and user.kind == User.Kind.STAFF:
            request.session.cycle_key()
            request.session[PENDING] = {"user_id": user.pk, "at": time.time(), "next": next_url}
            if mfa.confirmed_device(user) is None:
                return redirect("accounts:mfa_setup")
            return redirect("accounts:mfa_verify")
        form.add_error(None, "That username and password do not match an active staff account.")
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url or "", "expired": request.GET.get("expired") == "1"},
        status=400 if form.errors else 200,
    )


def _finish_sign_in(request: HttpRequest, user: User, device: Any) -> HttpResponse:
    pending = request.session.get(PENDING, {})
    user_sign_in(request=request, user=user, device=device)
    return redirect(_safe_next(request, pending.get("next")))


@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    device = mfa.confirmed_device(user) if user else None
    if user is None or device is None:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.device_verify(device, form.cleaned_data["token"]):
            return _finish_sign_in(request, user, device)
        audit_record(
            action=Action.LOGIN_FAILED,
            category=Category.ACCOUNT,
            actor=user,
            detail={"factor": "totp"},
        )
        form.add_error(
            "token", "That code is not right, or it has expired. Enter the code shown now."
        )
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "staff": user, "demo_code": mfa.demo_code_for(user)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if mfa.confirmed_device(user) is not None:
        return redirect("accounts:mfa_verify")
    device = mfa.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.device_verify(device, form.cleaned_data["token"]):
            mfa_device_confirm(user=user, device=device)
            return _finish_sign_in(request, user, device)
        form.add_error(
            "token", "That code does not match. Check the time on your phone and try again."
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": mfa.qr_code_svg(device),
            "secret": device.config_url.split("secret=")[1].split("&")[0],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        audit_record(action=Action.LOGOUT, category=Category.ACCOUNT, actor=user)
    logout(request)
    return redirect("accounts:login")


@session_probe
@require_GET
def session_status_view(request: HttpRequest) -> JsonResponse:
    """How long this session has left; polled by the page without counting as activity."""
    user = request.user
    if not (isinstance(user, User) and user.is_authenticated and user.is_verified()):  # type: ignore[attr-defined]
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    return JsonResponse(
        {"signed_in": True, "seconds_left": session_seconds_left(request.session, now=time.time())}
    )


@staff_required
@require_POST
def session_heartbeat_view(request: HttpRequest) -> JsonResponse:
    """Sent while the user is typing or clicking, so activity that saves nothing still counts."""
    return JsonResponse(
        {"signed_in": True, "seconds_left": session_seconds_left(request.session, now=time.time())}
    )


@session_reauth
@require_POST
def reauth_view(request: HttpRequest) -> JsonResponse:
    """Sign the same person back in from the idle overlay, keeping the page and what was typed on it."""
    expired_user_id = request.session.get(EXPIRED_USER)
    user = request.user if request.user.is_authenticated else None
    expected_id = user.pk if user else expired_user_id
    form = ReauthForm(request.POST)
    if expected_id is None:
        return JsonResponse({"error": "Reload the page and sign in."}, status=400)
    expected = User.objects.filter(pk=expected_id, is_active=True, kind=User.Kind.STAFF).first()
    if expected is None or not form.is_valid():
        return JsonResponse({"error": "Enter your password and the 6-digit code."}, status=400)
    authenticated = authenticate(
        request, username=expected.username, password=form.cleaned_data["password"]
    )
    device = mfa.confirmed_device(expected)
    if (
        authenticated is None
        or device is None
        or not mfa.device_verify(device, form.cleaned_data["token"])
    ):
        return JsonResponse({"error": "The password or the code is not right."}, status=403)
    user_sign_in(request=request, user=expected, device=device)
    return JsonResponse({"signed_in": True, "csrf_token": get_token(request)})


@staff_required
@require_POST
def clinic_switch_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    clinics = list(Clinic.objects.filter(memberships__user=user).distinct())
    form = ClinicSwitchForm(request.POST, clinics=clinics)
    if form.is_valid():
        request.session[ACTIVE_CLINIC] = form.cleaned_data["clinic"].pk
    return redirect("web:home")
