from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, user_can
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.clinical.rulepack import LocalRulesError, load_rule_pack, parse_local_rules
from openkap.knowledge.models import ClinicRules


@transaction.atomic
def clinic_rules_publish(*, actor: User, clinic: Clinic, text: str, reason: str) -> ClinicRules:
    """Publish the next version of the clinic's local rules, after the core has accepted them."""
    if not user_can(actor, Permission.RULES_MANAGE, clinic.pk):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the clinic's rules change."})
    try:
        effective = load_rule_pack().with_local_rules(parse_local_rules(text))
    except LocalRulesError as error:
        raise ValidationError({"text": str(error)}) from None
    # Lock the clinic row so two administrators cannot publish the same version number.
    Clinic.objects.select_for_update(no_key=True).get(pk=clinic.pk)
    latest = ClinicRules.objects.filter(clinic=clinic).aggregate(v=Max("version"))["v"] or 0
    rules = ClinicRules.objects.create(
        clinic=clinic, version=latest + 1, text=text, reason=reason.strip(), published_by=actor
    )
    audit_record(
        action=Action.CREATE,
        category=Category.CLINIC_SETTINGS,
        actor=actor,
        clinic=clinic,
        object_type="clinic_rules",
        object_id=rules.pk,
        detail={"version": rules.version, "rule_pack": effective.version},
    )
    return rules
