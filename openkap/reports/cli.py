"""The filter options shared by `openkap report` and `openkap export`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from openkap.accounts.models import Clinic
from openkap.clinical import protocols
from openkap.reports.selectors import ReportFilters
from openkap.screening.models import Route


def add_filter_arguments(parser: CommandParser) -> None:
    parser.add_argument("--clinic", type=int, action="append", help="clinic id (repeatable)")
    parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (UTC)")
    parser.add_argument("--to", dest="date_to", help="last day included, YYYY-MM-DD (UTC)")
    parser.add_argument("--protocol", default="", help="protocol id, e.g. kap-im")
    parser.add_argument("--route", default="", help="route, e.g. sublingual")
    parser.add_argument("--indication", default="", help="ICD-10-CM code or its start, e.g. F43")


def filters_from_options(options: dict[str, Any]) -> ReportFilters:
    clinic_ids = options.get("clinic")
    if clinic_ids:
        missing = set(clinic_ids) - set(
            Clinic.objects.filter(pk__in=clinic_ids).values_list("pk", flat=True)
        )
        if missing:
            raise CommandError(
                f"--clinic: no clinic with id {', '.join(map(str, sorted(missing)))}"
            )
    date_from = _day(options.get("date_from"), "--from")
    date_to = _day(options.get("date_to"), "--to")
    if date_from and date_to and date_from > date_to:
        raise CommandError("--to: the last day is before the first (--from).")
    protocol = options.get("protocol") or ""
    if protocol and protocol not in protocols.protocol_ids():
        raise CommandError(
            f"--protocol: unknown protocol {protocol!r} (known: {', '.join(protocols.protocol_ids())})"
        )
    route = options.get("route") or ""
    if route and route not in Route.values:
        raise CommandError(f"--route: unknown route {route!r} (known: {', '.join(Route.values)})")
    return ReportFilters(
        clinic_ids=tuple(sorted(set(clinic_ids))) if clinic_ids else None,
        date_from=date_from,
        date_to=date_to,
        protocol=protocol,
        route=route,
        indication=(options.get("indication") or "").strip().upper(),
    )


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: {value!r} is not a date (YYYY-MM-DD).") from None
