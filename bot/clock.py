"""The conference clock.

Everything time-relative ("what's on now", reminders, scheduled announcements) asks this
one object, so a rehearsal a week before the event, or a test, sets the time in one place
(`BOT_NOW`) and the clock then runs on in real time from there.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo


class Clock:
    def __init__(self, tz: tzinfo, start_at: datetime | None = None) -> None:
        self.tz = tz
        self._start_at = start_at
        self._started = time.monotonic()

    def now(self) -> datetime:
        if self._start_at is None:
            return datetime.now(self.tz)
        elapsed = timedelta(seconds=time.monotonic() - self._started)
        start = self._start_at
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        return (start + elapsed).astimezone(self.tz)

    def set(self, moment: datetime) -> None:
        """Jump the clock (tests, rehearsals); it keeps running from there."""
        self._start_at = moment
        self._started = time.monotonic()
