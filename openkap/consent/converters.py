"""The kind of a consent document in a URL: one of a fixed list, so it cannot carry personal data."""

from __future__ import annotations

import re

from openkap.consent.models import ConsentKind


class ConsentKindConverter:
    regex = "|".join(re.escape(kind) for kind in ConsentKind.values)
    carries_no_personal_data = True

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
