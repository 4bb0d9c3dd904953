"""The lifecycle the bot's background loops share: start once, wake on demand, stop gently.

The broadcaster and the reminder service both run one long-lived task that sleeps until
woken or due, and both must stop by letting the current step finish (so what was sent is
recorded) before cancelling after a timeout. Keeping that here means the two cannot drift.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)


class BackgroundLoop:
    """A long-lived task running `_run_forever` until `stop`; subclasses call `__init__`."""

    task_name = "background-loop"

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def _run_forever(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def wake(self) -> None:
        """Something changed: look again now instead of at the next due time."""
        self._wake.set()

    def start(self) -> None:
        """Run the loop in the background (again, if it had been stopped)."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self._run_forever(), name=self.task_name)

    async def stop(self, timeout: float = 10.0) -> None:
        """Let the current step finish; cancel it only if it outlasts `timeout`."""
        self._stopping = True
        self.wake()
        task, self._task = self._task, None
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class PeriodicCheck(BackgroundLoop):
    """A loop that runs `run_once` every `interval` seconds, or sooner when woken.

    The reminders and the feedback prompts both look at the database every few seconds;
    a failed look must neither end the loop for the rest of the event nor flood the log
    while the database is away (bot.health tells that once, and the organisers).
    """

    interval: float
    what = "check"  # for the log: "reminder check failed"

    async def run_once(self) -> int:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    async def _run_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before looking, so a wake() meanwhile is not lost
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except StorageUnavailable as exc:  # logged once, organisers told: bot.health
                logger.debug("%s waits for the database: %s", self.what, exc)
            except Exception:
                logger.exception("%s failed; trying again shortly", self.what)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
