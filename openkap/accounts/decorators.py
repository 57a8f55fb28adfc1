"""View decorators: every staff page is behind sign-in with both factors, and a per-clinic permission."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can


class NotFoundForUser(Http404):
    """A record that does not exist for this user: absent, or in a clinic they hold no role in.

    Answered as 404 so its existence is not revealed, and audited as a refused access."""

    def __init__(self, *, object_type: str, object_id: str) -> None:
        super().__init__(f"No {object_type} here.")
        self.object_type = object_type
        self.object_id = object_id


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def active_clinic(request: HttpRequest) -> Clinic:
    clinic = getattr(request, "active_clinic", None)
    if clinic is None:
        raise PermissionDenied("You have no role in any clinic.")
    assert isinstance(clinic, Clinic)
    return clinic


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def staff_required(view: View) -> View:
    """Signed in, with the second factor, as an active staff member."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.path, settings.LOGIN_URL)
        if not isinstance(user, User) or user.kind != User.Kind.STAFF:
            raise PermissionDenied
        if not user.is_verified():  # type: ignore[attr-defined]  # set by django-otp's middleware
            return redirect_to_login(request.path, settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def clinic_permission_required(permission: Permission) -> Callable[[View], View]:
    """The permission must be held in the clinic the user is working in now."""

    def decorate(view: View) -> View:
        @staff_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not user_can(request_user(request), permission, active_clinic(request).pk):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
