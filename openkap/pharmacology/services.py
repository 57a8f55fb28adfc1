"""Writes of the pharmacology app: a clinic's threshold for the predicted-concentration estimate.
Each checks permission, changes the data and writes its audit row in one transaction."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.accounts.permissions import Permission, require_permission
from openkap.audit.models import Action, Category
from openkap.audit.services import audit_record
from openkap.pharmacology.models import PharmacologySettings
from openkap.pharmacology.prediction import threshold_default


class SettingsConflict(Exception):
    """Someone changed the clinic's settings after the form was opened: nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed the threshold while you were editing. Nothing was saved; the "
            "page now shows their value."
        )


def threshold_checked(value: Decimal) -> Decimal:
    """The value within the knowledge file's plausibility limits (ValidationError naming it)."""
    limits = threshold_default()
    if not value.is_finite() or not (
        Decimal(str(limits.min_ng_per_ml)) <= value <= Decimal(str(limits.max_ng_per_ml))
    ):
        raise ValidationError(
            {
                "threshold_ng_per_ml": (
                    f"{value} ng/mL is outside the allowed {limits.min_ng_per_ml:g}-"
                    f"{limits.max_ng_per_ml:g} ng/mL."
                )
            }
        )
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def pharmacology_settings_update(
    *,
    actor: User,
    clinic: Clinic,
    threshold_ng_per_ml: Decimal,
    expected_version: int,
) -> PharmacologySettings:
    """Set the clinic's threshold. `expected_version` is the version the form was drawn from (0
    when the clinic still had the default): a form drawn before someone else's change is refused."""
    require_permission(actor, Permission.RULES_MANAGE, clinic.pk)
    # Lock the clinic row: two administrators saving at once are serialised, the second refused.
    Clinic.objects.select_for_update().get(pk=clinic.pk)
    row = PharmacologySettings.objects.filter(clinic=clinic).first()
    if (row.version if row else 0) != expected_version:
        raise SettingsConflict
    value = threshold_checked(threshold_ng_per_ml)
    before = str(row.threshold_ng_per_ml) if row else None
    now = timezone.now()
    if row is None:
        row = PharmacologySettings.objects.create(
            clinic=clinic, threshold_ng_per_ml=value, updated_at=now, updated_by=actor
        )
    else:
        PharmacologySettings.objects.filter(pk=row.pk).update(
            threshold_ng_per_ml=value, updated_at=now, updated_by=actor, version=F("version") + 1
        )
        row.refresh_from_db()
    audit_record(
        action=Action.UPDATE,
        category=Category.CLINIC_SETTINGS,
        actor=actor,
        clinic=clinic,
        object_type="pharmacology_settings",
        object_id=row.pk,
        detail={
            "threshold_ng_per_ml": {"before": before, "after": str(value)},
            "default_ng_per_ml": threshold_default().default_ng_per_ml,
            "version": row.version,
        },
    )
    return row
