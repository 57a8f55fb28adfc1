"""Helpers of the demo loaders (`openkap demo`); a server never uses them.

The services' clock: `services_clock()` sets what `django.utils.timezone.now` answers while a
loader records what happened in the past (through the services, as the clinic did), never ahead
of real time.

Password checks: loading the demo checks the demo staff's password again at every signature, as
the clinic does (screenings, plans, witnessed ledger entries, REMS sign-offs): each check runs the
password hasher (about half a second with the production settings), dozens of times for the same
few accounts. `password_checks_remembered()` remembers, while the demo loads, the answer of each check already
made for the same password and the same stored hash: the same inputs give the same answer, so
nothing changes but the time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from unittest import mock

from django.contrib.auth import hashers
from django.utils import timezone


class Clock:
    """What `timezone.now()` answers inside `services_clock()`."""

    def __init__(self) -> None:
        self.real_now = timezone.now
        self.moment = self.real_now()

    def at(self, moment: datetime) -> None:
        # In UTC, as the real clock answers (the audit chain hashes the time as it is stored).
        self.moment = min(moment, self.real_now()).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.moment


@contextmanager
def services_clock() -> Iterator[Clock]:
    clock = Clock()
    with mock.patch.object(timezone, "now", clock):
        yield clock


@contextmanager
def password_checks_remembered() -> Iterator[None]:
    verify = hashers.verify_password
    answers: dict[tuple[str, str, str], tuple[bool, bool]] = {}

    def remembered(
        password: str | None, encoded: str, preferred: str = "default"
    ) -> tuple[bool, bool]:
        if password is None:
            return verify(password, encoded, preferred=preferred)
        key = (password, encoded, str(preferred))
        if key not in answers:
            answers[key] = verify(password, encoded, preferred=preferred)
        return answers[key]

    with mock.patch.object(hashers, "verify_password", remembered):
        yield
