from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openkap.accounts.decorators import NotFoundForUser, active_clinic, staff_required
from openkap.accounts.models import User
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record


@staff_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"clinic": active_clinic(request)})


def _audit_refusal(request: HttpRequest, *, object_type: str, object_id: str, status: int) -> None:
    user = request.user
    if not (isinstance(user, User) and user.is_authenticated):
        return  # anonymous requests are sent to sign in; failed sign-ins are audited there
    match = request.resolver_match
    audit_record(
        action=Action.ACCESS_DENIED,
        category=Category.ACCESS_CONTROL,
        actor=user,
        clinic=getattr(request, "active_clinic", None),
        object_type=object_type,
        object_id=object_id,
        detail={"status": status, "view": match.view_name if match else ""},
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: the role in this clinic does not allow it. Audited (ASVS 16.3.2)."""
    _audit_refusal(request, object_type="", object_id="", status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404; when a record exists for others but not for this user, the attempt is audited."""
    if isinstance(exception, NotFoundForUser):
        _audit_refusal(
            request, object_type=exception.object_type, object_id=exception.object_id, status=404
        )
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason Django gives is technical; the person needs to know what to do next.
    return render(request, "web/csrf_failure.html", status=403)
