from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openkap.accounts.models import Clinic, Role, User
from openkap.accounts.permissions import Permission, user_can
from openkap.accounts.sessions import session_idle_seconds


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: the clinic in use, the user's other clinics, which menu items to show."""
    user = request.user
    clinic = getattr(request, "active_clinic", None)
    if not (isinstance(user, User) and user.is_authenticated and isinstance(clinic, Clinic)):
        return {}
    return {
        "active_clinic": clinic,
        "user_clinics": Clinic.objects.filter(memberships__user=user).distinct().order_by("name"),
        "active_roles": [Role(role).label for role in sorted(user.roles_in(clinic.pk))],
        "idle_seconds": session_idle_seconds(request.session),
        "can": {
            permission.value: user_can(user, permission, clinic.pk) for permission in Permission
        },
    }
