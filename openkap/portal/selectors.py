"""Reads of leads, scoped to the clinics where the user may manage them."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.portal.models import Lead, LeadStatus


def leads_for_clinic(*, clinic: Clinic, open_only: bool = True) -> list[Lead]:
    leads = Lead.objects.filter(clinic=clinic)
    if open_only:
        leads = leads.exclude(status=LeadStatus.CLOSED)
    # Urgent first (they said they have thoughts of suicide), then the oldest waiting.
    return list(leads.order_by("-urgent", "created_at")[:200])


def lead_get_for_user(*, user: User, public_id: uuid.UUID) -> Lead:
    """A lead of one of the user's clinics (else DoesNotExist: 404), if they may manage leads there."""
    lead = Lead.objects.select_related("clinic").get(
        public_id=public_id, clinic_id__in=user.clinic_ids()
    )
    if not user_can(user, Permission.LEAD_MANAGE, lead.clinic_id):
        raise PermissionDenied
    return lead
