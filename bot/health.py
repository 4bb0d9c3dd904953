"""Outages, told once: the Bot API going away and coming back, the database failing and
recovering.

Why: during an outage every request fails, and logging each failure buries the one line an
operator needs (what broke, since when) under thousands that say the same; a traceback per
request also costs CPU exactly when the bot is catching up. These watches turn a stream of
failures and successes into one line when an outage starts, one when it ends (with how long
it lasted and how many requests failed), and, for the database, one message to the
organisers each way. Everything in between is logged at DEBUG.

Plain Python: the transport and the store report to these; nothing here knows Telegram or
SQL.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import Final

from bot.storage.errors import StorageProblem, StorageUnavailable

logger = logging.getLogger(__name__)

# While an outage lasts, a reminder line this often, so a log read later still shows it.
REMIND_EVERY: Final = 300.0
# An outage ends when a method that failed answers again, or when anything answers and
# nothing has failed for this long (a method that failed once may never be called again).
QUIET_ENDS_OUTAGE: Final = 30.0

# An organiser alert: a catalogue key (bot.messages) and the values for its template.
Alert = Callable[[str, Mapping[str, str]], None]


class LinkWatch:
    """The Bot API's availability as the transport sees it (bot.transport reports to it).

    `failed` is called for answers that are no answer (5xx, a garbled body, a dropped or
    stalled connection), `answered` for anything Telegram really said, errors included.
    Requests that must outlive an outage (an attendee's reply) wait on `wait_until_up`.

    Outages are often partial (sending fails while polling works), so the outage is over
    when a method that failed answers again, not when any request does: otherwise every
    successful poll between two failed sends would log an end and a new start.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        remind_every: float = REMIND_EVERY,
        quiet_ends_outage: float = QUIET_ENDS_OUTAGE,
    ) -> None:
        self._clock = clock
        self._remind_every = remind_every
        self._quiet_ends_outage = quiet_ends_outage
        self._down_since: float | None = None
        self._reminded_at = 0.0
        self._last_failure = 0.0
        self._failing: set[str] = set()
        self._failures = 0
        self._up = asyncio.Event()
        self._up.set()
        self.outages = 0  # how many began (tests and `doctor`-style reports)
        self.epoch = 0  # how many ended: a request notes it when it starts (see `failed`)

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def failed(self, method: str, reason: str, epoch: int | None = None) -> None:
        """A request got no answer. `epoch` is `self.epoch` when the request started.

        A request sent during an outage can fail after the outage was seen to end (a stalled
        connection dropped as the API comes back): that is the old outage's straggler, not
        a new one, so it is logged at DEBUG only.
        """
        if epoch is not None and epoch < self.epoch and self._down_since is None:
            logger.debug("Bot API request from the last outage failed late: %s: %s", method, reason)
            return
        now = self._clock()
        self._failures += 1
        self._failing.add(method)
        self._last_failure = now
        reason = f"{method}: {reason}"
        if self._down_since is None:
            self._down_since = self._reminded_at = now
            self.outages += 1
            self._up.clear()
            logger.warning(
                "Telegram Bot API unreachable (%s); retrying quietly until it answers", reason
            )
            return
        if now - self._reminded_at >= self._remind_every:
            self._reminded_at = now
            logger.warning(
                "Telegram Bot API still unreachable after %.0f s (%d failed requests; last: %s)",
                now - self._down_since,
                self._failures,
                reason,
            )
        else:
            logger.debug("Bot API request failed during the outage: %s", reason)

    def answered(self, method: str) -> None:
        if self._down_since is None:
            return
        now = self._clock()
        if method not in self._failing and now - self._last_failure < self._quiet_ends_outage:
            return  # a partial outage: this method works, the failing ones may not yet
        lasted = now - self._down_since
        logger.warning(
            "Telegram Bot API answering again after %.1f s (%d failed requests meanwhile)",
            lasted,
            self._failures,
        )
        self._down_since = None
        self._failures = 0
        self._failing.clear()
        self.epoch += 1
        self._up.set()

    async def wait_until_up(self, timeout: float) -> bool:
        """Wait until a request succeeds again, or `timeout` seconds; True if it is up."""
        if self._up.is_set():
            return True
        try:
            async with asyncio.timeout(timeout):
                await self._up.wait()
        except TimeoutError:
            return False
        return True


# What organisers are told for each problem, and whether it is worth telling them at all
# (a lock held by a backup for a few seconds is not).
_ALERT_FOR: Final[dict[StorageProblem, str | None]] = {
    "full": "alert.storage_full",
    "unwritable": "alert.storage_unwritable",
    "damaged": "alert.storage_damaged",
    "gone": "alert.storage_gone",
    "busy": None,
}
# Which problem wins when several are seen in one incident: the one that needs more.
_SEVERITY: Final[dict[StorageProblem, int]] = {
    "busy": 0,
    "full": 1,
    "unwritable": 2,
    "damaged": 3,
    "gone": 3,
}


class StorageWatch:
    """The database's health as the store sees it (`Database.observer`).

    One ERROR line and one organiser alert when writes start failing, one more only if the
    problem turns into a worse one (a full disk, then a damaged file), and one of each when
    a write succeeds again.
    """

    def __init__(
        self, alert: Alert | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.alert = alert  # set once the bot can send (the store opens before it can)
        self._clock = clock
        self.problem: StorageProblem | None = None
        self._since = 0.0
        self._failures = 0
        self.rescued: str | None = None  # where a copy of a deleted database was saved

    @property
    def failing(self) -> bool:
        return self.problem is not None

    def storage_failed(self, error: StorageUnavailable) -> None:
        self._failures += 1
        if self.problem is not None and _SEVERITY[error.problem] <= _SEVERITY[self.problem]:
            logger.debug("database still unavailable: %s", error)
            return
        if self.problem is None:
            self._since = self._clock()
        self.problem = error.problem
        if error.problem == "busy":
            logger.warning("database busy: %s; will retry", error.detail)
            return
        logger.error(
            "database unavailable (%s): %s. Attendees are asked to try again; %s",
            error.problem,
            error.detail,
            _ADVICE[error.problem],
        )
        key = _ALERT_FOR[error.problem]
        if key is not None and self.alert is not None:
            self.alert(key, {"detail": error.detail})

    def storage_recovered(self) -> None:
        if self.problem is None:
            return
        problem, self.problem = self.problem, None
        logger.warning(
            "database writable again after %.0f s (%d failed operations meanwhile)",
            self._clock() - self._since,
            self._failures,
        )
        self._failures = 0
        if _ALERT_FOR[problem] is not None and self.alert is not None:
            self.alert("alert.storage_recovered", {})


_ADVICE: Final[dict[StorageProblem, str]] = {
    "full": "free disk space; the bot recovers by itself when there is room",
    "unwritable": "the disk or file is read-only (often after a disk error): check the "
    "file system, then restart the bot",
    "damaged": "stop the bot, restore the latest backup (python -m bot backup) and start it",
    "gone": "the file was deleted or replaced under the running bot: restore it from a "
    "backup, or restart the bot to begin a new one",
    "busy": "another process holds the database lock",
}
