"""The portal's counterpart of staff_required: a signed-in patient with a portal account."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from openkap.accounts.models import User
from openkap.portal.models import PortalAccount

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def portal_account(request: HttpRequest) -> PortalAccount:
    """The signed-in patient's account; set by patient_required."""
    account = getattr(request, "portal_account", None)
    assert isinstance(account, PortalAccount)
    return account


def patient_required(view: View) -> View:
    """Signed in at the portal as an active patient account linked to a patient.

    Staff accounts are refused here (403) as patient accounts are refused on the staff pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.path, "portal:login")
        if not isinstance(user, User) or user.kind != User.Kind.PATIENT or not user.is_active:
            raise PermissionDenied
        account = (
            PortalAccount.objects.select_related("patient", "patient__clinic")
            .filter(user=user)
            .first()
        )
        if account is None:
            raise PermissionDenied
        request.portal_account = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
