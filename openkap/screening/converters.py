"""An intake questionnaire's id in a URL: one of a fixed list, so it cannot carry personal data."""

from __future__ import annotations

import re

from openkap.screening.engine import INTAKE_INSTRUMENTS


class InstrumentIdConverter:
    regex = "|".join(re.escape(instrument_id) for instrument_id in INTAKE_INSTRUMENTS)
    carries_no_personal_data = True

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
