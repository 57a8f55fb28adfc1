"""URL parameters of the portal that cannot carry personal data: a fixed vocabulary or a random token.

`carries_no_personal_data` is what openkap/audit/tests/test_nothing_identifying_in_urls.py accepts
besides UUIDs and numbers."""

from __future__ import annotations

import re

from openkap.portal.education import TOPICS


class TopicConverter:
    """One of the education pages' slugs, nothing else."""

    regex = "|".join(re.escape(topic.slug) for topic in TOPICS)
    carries_no_personal_data = True

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class InvitationTokenConverter:
    """A random invitation token (secrets.token_urlsafe), never anything typed by a person."""

    regex = "[A-Za-z0-9_-]{16,100}"
    carries_no_personal_data = True

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
