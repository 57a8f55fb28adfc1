"""Loading the demo checks the demo staff's password again at every signature, as the clinic does
(screenings, plans, witnessed ledger entries, REMS sign-offs): each check runs the password hasher
(about half a second with the production settings), dozens of times for the same few accounts.

`password_checks_remembered()` remembers, while the demo loads, the answer of each check already
made for the same password and the same stored hash: the same inputs give the same answer, so
nothing changes but the time. Only the demo loaders use it; a server never does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import hashers


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
