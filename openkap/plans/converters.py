"""The calendar feed's token in a URL: random (secrets.token_urlsafe(32), 43 characters), never
anything typed by a person, so it cannot carry personal data."""

from __future__ import annotations


class FeedTokenConverter:
    regex = "[A-Za-z0-9_-]{40,100}"
    carries_no_personal_data = True

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
