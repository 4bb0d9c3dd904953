"""One failure that keeps happening: how long to wait next, and when to say so again.

A remote service that fails on every request (Telegram answering nonsense to getUpdates,
say) must neither be hammered nor fill the log: the first failure is logged at once, the
wait doubles up to a ceiling, repeats are summed up at most once a minute with their
count, and the recovery is logged once with the length of the outage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

FIRST_DELAY = 1.0
MAX_DELAY = 60.0
LOG_EVERY = 60.0


class FailureStreak:
    """Exponential backoff and log throttling for one repeating failure."""

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        log_every: float = LOG_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.what = what
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.log_every = log_every
        self.clock = clock
        self.failures = 0  # in the current streak
        self._unlogged = 0  # failures since the last line about them
        self._started = 0.0
        self._last_logged = 0.0
        self._loud = False  # whether this streak has said anything above DEBUG

    @property
    def failing(self) -> bool:
        return self.failures > 0

    def delay(self) -> float:
        """The wait before the next attempt: 1, 2, 4 … seconds, at most the ceiling."""
        if not self.failures:
            return 0.0
        return float(min(self.max_delay, self.first_delay * 2 ** min(self.failures - 1, 30)))

    def failed(self, reason: str, *, quiet: bool = False) -> float:
        """Count a failure, log it if it is time to, and return how long to wait.

        `quiet`: someone else logs this failure already (bot.health.LinkWatch logs a Bot API
        outage once for every request it breaks); only the backoff is wanted here.
        """
        now = self.clock()
        self.failures += 1
        if quiet:
            self.logger.debug("%s failed: %s; retrying in %.0f s", self.what, reason, self.delay())
            if self.failures == 1:
                self._started = self._last_logged = now
            return self.delay()
        if not self._loud:
            self._loud = True
            if self.failures == 1:
                self._started = now
            self._last_logged = now
            self.logger.warning(
                "%s failed: %s; retrying in %.0f s", self.what, reason, self.delay()
            )
            return self.delay()
        self._unlogged += 1
        if now - self._last_logged >= self.log_every:
            self.logger.warning(
                "%s still failing: %s (%d more failures in the last %.0f s; %d since the "
                "outage began %.0f s ago; retrying every %.0f s at most)",
                self.what,
                reason,
                self._unlogged,
                now - self._last_logged,
                self.failures,
                now - self._started,
                self.delay(),
            )
            self._unlogged = 0
            self._last_logged = now
        return self.delay()

    def succeeded(self) -> None:
        """End the streak; say once that it is over if there was one."""
        if self.failures:
            self.logger.log(
                logging.WARNING if self._loud else logging.DEBUG,
                "%s works again after %d failure%s over %.0f s",
                self.what,
                self.failures,
                "s" if self.failures != 1 else "",
                self.clock() - self._started,
            )
        self.failures = self._unlogged = 0
        self._loud = False
