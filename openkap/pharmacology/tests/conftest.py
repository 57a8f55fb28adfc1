"""The dosing tests' records (a plan, a session at the gate, the dose confirmed, dosing started)."""

from openkap.dosing.tests.conftest import (  # noqa: F401  (fixtures)
    admin,
    appointment,
    confirmed_session,
    consented,
    ketamine_lot,
    nurse,
    prescriber,
    ready_session,
    started_session,
)
