"""Scheduling policy of the clinic (not clinical facts): when generated appointments are booked and
how long a slot is. A clinic changes these; the protocol's clinical timing (which day, how many
doses, the minimum monitoring time) comes from the protocol knowledge, and the session chart, not the
booking slot, enforces the monitoring time.

- Generated appointments start at 09:00 in the clinic's time zone on the protocol's day, counted
  from the plan's start date; several on the same day follow one another without a gap, in the
  order the protocol lists them (so an integration session on the day of its dose comes after it).
- Days are not shifted off weekends: the protocol's spacing between doses is kept, and the start
  date is chosen with that in mind; single appointments are then moved by hand.
- Moving a dosing session moves the still-open integration sessions of the same dose by the same
  amount, so an integration always stays after its dose. An integration session may not be moved to
  before the end of its dosing session.
"""

from __future__ import annotations

from datetime import time

DAY_START = time(9, 0)

# Booking slot per kind, in minutes.
SLOT_MINUTES = {
    "preparation": 60,
    "dosing": 180,
    "integration": 60,
    "reassessment": 30,
}
