"""Reading the ledger: balances derived by the database, and the reports. Scoped to one clinic; the
views check the permission and audit the read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from openkap.accounts.models import Clinic
from openkap.inventory.models import EntryKind, LedgerEntry, Lot, Product, RefusedDraw

ZERO = Decimal(0)


def lots_with_balance(*, clinic: Clinic, before: datetime | None = None) -> QuerySet[Lot]:
    """Every lot of the clinic, annotated with `balance_mg` (entries up to `before`, if given)."""
    condition = Q(entries__occurred_at__lt=before) if before is not None else Q()
    return (
        Lot.objects.filter(clinic=clinic)
        .select_related("product")
        .annotate(
            balance_mg=Coalesce(
                Sum("entries__amount_mg", filter=condition),
                Value(ZERO),
                output_field=DecimalField(max_digits=14, decimal_places=3),
            )
        )
        .order_by("product__name", "expires_on", "lot_number")
    )


def products_with_balance(*, clinic: Clinic) -> QuerySet[Product]:
    return (
        Product.objects.filter(clinic=clinic)
        .annotate(
            balance_mg=Coalesce(
                Sum("lots__entries__amount_mg"),
                Value(ZERO),
                output_field=DecimalField(max_digits=14, decimal_places=3),
            )
        )
        .order_by("name")
    )


def entries_for_clinic(*, clinic: Clinic) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(clinic=clinic).select_related(
        "lot", "lot__product", "recorded_by", "witness", "patient", "corrects"
    )


def _zone(clinic: Clinic) -> ZoneInfo:
    name = getattr(clinic, "timezone", "") or timezone.get_current_timezone_name()
    return ZoneInfo(str(name))


def day_bounds(clinic: Clinic, start: date, end: date) -> tuple[datetime, datetime]:
    zone = _zone(clinic)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def inspection_entries(*, clinic: Clinic, start: date, end: date) -> QuerySet[LedgerEntry]:
    """Every entry that happened between two dates (inclusive, the clinic's local days)."""
    low, high = day_bounds(clinic, start, end)
    return (
        entries_for_clinic(clinic=clinic)
        .filter(occurred_at__gte=low, occurred_at__lt=high)
        .order_by("occurred_at", "sequence")
    )


@dataclass(frozen=True)
class InventoryLine:
    lot: Lot
    balance_mg: Decimal
    containers: Decimal


def inventory_as_of(*, clinic: Clinic, day: date, at_close: bool) -> list[InventoryLine]:
    """Stock on hand per lot at opening (before the day's entries) or close of business (after)."""
    low, high = day_bounds(clinic, day, day)
    lines = []
    for lot in lots_with_balance(clinic=clinic, before=high if at_close else low):
        balance: Decimal = Decimal(lot.balance_mg).quantize(Decimal("0.001"))  # type: ignore[attr-defined]
        per = lot.product.mg_per_container
        lines.append(InventoryLine(lot, balance, (balance / per).quantize(Decimal("0.01"))))
    return lines


@dataclass
class Reconciliation:
    count_discrepancies: list[LedgerEntry] = field(default_factory=list)
    refused_draws: list[RefusedDraw] = field(default_factory=list)
    expired_with_stock: list[Lot] = field(default_factory=list)
    waste_without_witness: list[LedgerEntry] = field(default_factory=list)
    negative_lots: list[Lot] = field(default_factory=list)
    # Shown with their DEA notice deadlines; not a discrepancy in itself.
    losses: list[LedgerEntry] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.count_discrepancies
            or self.refused_draws
            or self.expired_with_stock
            or self.waste_without_witness
            or self.negative_lots
        )


def reconciliation(*, clinic: Clinic, today: date | None = None) -> Reconciliation:
    today = today or timezone.localdate()
    counts = entries_for_clinic(clinic=clinic).filter(kind=EntryKind.COUNT).order_by("occurred_at")
    lots = list(lots_with_balance(clinic=clinic))
    return Reconciliation(
        count_discrepancies=[c for c in counts if c.counted_mg != c.expected_mg],
        refused_draws=list(
            RefusedDraw.objects.filter(clinic=clinic)
            .select_related("lot__product", "attempted_by")
            .order_by("attempted_at")
        ),
        expired_with_stock=[
            lot
            for lot in lots
            if lot.expires_on < today and lot.balance_mg > ZERO  # type: ignore[attr-defined]
        ],
        waste_without_witness=list(
            entries_for_clinic(clinic=clinic).filter(kind=EntryKind.WASTE, witness__isnull=True)
        ),
        negative_lots=[lot for lot in lots if lot.balance_mg < ZERO],  # type: ignore[attr-defined]
        losses=list(
            entries_for_clinic(clinic=clinic).filter(kind=EntryKind.LOSS).order_by("-discovered_on")
        ),
    )
