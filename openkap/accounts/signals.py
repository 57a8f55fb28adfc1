from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record


@receiver(user_login_failed)
def audit_failed_sign_in(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The username is a staff identifier, not patient data; the password never reaches the log.
    audit_record(
        action=Action.LOGIN_FAILED,
        category=Category.ACCOUNT,
        actor=None,
        username=str(credentials.get("username", ""))[:150],
    )
