"""The plans' view of the protocol knowledge (openkap.clinical.protocols): which protocols exist,
for which route and settings, and the schedule of events each one prescribes.

Nothing about a protocol is written here: it is all read from the clinical core. The core module is
imported when first needed, so the plans app loads (and its tests run with a fake schedule) even
where the protocol data is not available.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class ProtocolUnavailable(LookupError):
    """The protocol knowledge is not installed, or names no such protocol."""


class PlannedEventLike(Protocol):
    """The shape of openkap.clinical.protocols.PlannedEvent that the schedule is built from."""

    @property
    def kind(self) -> str: ...
    @property
    def day(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def dose_number(self) -> int | None: ...


# A schedule source: (protocol_id, sessions) -> the protocol's events in order.
ScheduleSource = Callable[[str, int | None], Sequence[PlannedEventLike]]


@dataclass(frozen=True)
class ProtocolChoice:
    id: str
    name: str
    route: str
    settings: tuple[str, ...]  # empty: the protocol does not restrict the setting
    minimum_monitoring_minutes: int | None = None


def _core() -> Any:
    try:
        return importlib.import_module("openkap.clinical.protocols")
    except ImportError as error:
        raise ProtocolUnavailable("The protocol knowledge is not available.") from error


def protocol_choices() -> list[ProtocolChoice]:
    try:
        core = _core()
    except ProtocolUnavailable:
        return []
    choices = []
    for protocol_id in core.protocol_ids():
        protocol = core.protocol(protocol_id)
        settings = getattr(protocol, "settings", ()) or ()
        choices.append(
            ProtocolChoice(
                id=str(protocol.id),
                name=str(protocol.name),
                route=str(getattr(protocol, "route", "")),
                settings=tuple(str(value) for value in settings),
                minimum_monitoring_minutes=getattr(protocol, "minimum_monitoring_minutes", None),
            )
        )
    return choices


def protocol_choice(protocol_id: str) -> ProtocolChoice:
    for choice in protocol_choices():
        if choice.id == protocol_id:
            return choice
    raise ProtocolUnavailable(f"No protocol {protocol_id!r}.")


def real_schedule(protocol_id: str, sessions: int | None) -> Sequence[PlannedEventLike]:
    events: Sequence[PlannedEventLike] = _core().plan_schedule(protocol_id, sessions=sessions)
    return events
