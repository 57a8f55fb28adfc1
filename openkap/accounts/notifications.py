"""E-mails to a clinic's care team (its active prescribers and nurses) about something waiting for
them in OpenKAP: a suicide-risk alert, a severe side effect a patient reported, an at-home alert,
long-term checks due. They never name the patient: e-mail leaves the system and may be read
anywhere, so it says what kind of thing is waiting and where to see it."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.core.mail import send_mail

from openkap.accounts.models import Membership, Role

logger = logging.getLogger(__name__)

CARE_TEAM_ROLES = (Role.PRESCRIBER, Role.NURSE)
NO_NAME_NOTICE = "This e-mail does not name the patient on purpose."


def care_team_emails(clinic_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                clinic_id=clinic_id, role__in=CARE_TEAM_ROLES, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def care_team_notify(*, clinic_id: int, subject: str, what: str, link: str) -> int:
    """Send `what` (one paragraph, no patient data) and the link to the care team; a mail server
    that fails is logged, not raised (the alert itself is already saved and shown in the app).
    Returns the number of e-mails sent (0 or 1)."""
    recipients = care_team_emails(clinic_id)
    if not recipients:
        return 0
    try:
        return send_mail(
            subject=subject,
            message=f"{what}\n\nSign in to OpenKAP to see who:\n{link}\n\n{NO_NAME_NOTICE}",
            from_email=None,
            recipient_list=recipients,
        )
    except (OSError, SMTPException):
        logger.warning("care-team e-mail could not be sent: %s", subject, exc_info=True)
        return 0
