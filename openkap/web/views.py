from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openkap.accounts.decorators import active_clinic, staff_required


@staff_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"clinic": active_clinic(request)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason Django gives is technical; the person needs to know what to do next.
    return render(request, "web/csrf_failure.html", status=403)
