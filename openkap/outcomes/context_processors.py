from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.outcomes.selectors import open_alert_count


def suicide_risk_alerts(request: HttpRequest) -> dict[str, Any]:
    """The count of the clinic's unacknowledged suicide-risk alerts, for the banner on every staff
    page (one indexed count, only for those who act on alerts)."""
    user = request.user
    clinic = getattr(request, "active_clinic", None)
    if not (isinstance(user, User) and user.is_authenticated and isinstance(clinic, Clinic)):
        return {}
    if not user_can(user, Permission.OUTCOMES_VIEW, clinic.pk):
        return {}
    return {"suicide_risk_alert_count": open_alert_count(clinic.pk)}
