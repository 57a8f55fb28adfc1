"""iCalendar (RFC 5545) text for the subscribable feeds, written by hand: the subset used here is
small (VCALENDAR with VEVENTs of UTC times). Lines end in CRLF and are folded at 75 octets; text
values are escaped (§3.3.11).

Minimum necessary: calendar feeds end up on third-party servers (a phone's calendar account), so
- a clinician's feed names the appointment kind, the time, and the patient only by initials and MRN
  (enough to recognise and look up the chart, no name, no clinical detail such as route or dose);
- a patient's feed lists only their own appointments: kind, time and the clinic.
In both, the LOCATION of an in-office appointment is the clinic's name and postal address (from the
clinic settings); an at-home dosing session has no LOCATION.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PRODID = "-//OpenKAP//Treatment schedule//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    starts_at: datetime
    duration_minutes: int
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, continuation lines starting with a
    space, never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            pieces.append(current)
            current = " " + char
            limit = 75
        else:
            current += char
    pieces.append(current)
    return "\r\n".join(pieces)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: Iterable[FeedEvent], *, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc(now)}",
            f"DTSTART:{utc(event.starts_at)}",
            f"DTEND:{utc(event.starts_at + timedelta(minutes=event.duration_minutes))}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
