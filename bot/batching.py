"""Batching: one database call serves everything that arrived while the last one ran.

Why: every use of the database holds the store's one lock, and what it costs under a burst
is mostly round trips to SQLite's thread, not SQLite's work; measured with
bench/live_qa.py, the lock was the queue every handler waited in. So:
- group commit: what an attendee sends (a question for the bot, an upvote) must be
  committed before the bot answers, so nothing it acknowledged can be lost; what arrives
  while one batch is being written goes into the next transaction together;
- group reads: the live lists' refreshes ask for a session's questions and votes; those
  asking while a read runs share the next one. Each caller still gets data read after it
  asked, so it sees every write committed before it asked.
A lone item is written (or read) at once, so nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """Batches `submit` calls into calls of `write` (one transaction for a whole batch).

    `write` gets the items in arrival order and returns one result per item, in the same
    order; if it raises, every caller of that batch gets the error and later batches go on.
    `while_waiting` is entered around each caller's wait: the bot lends the update's slot
    out there (bot.update_slots), so updates queued behind a waiting handler can join the
    next batch instead of waiting for this one to finish.
    """

    def __init__(
        self,
        write: Callable[[list[Item]], Awaitable[Sequence[Result]]],
        what: str,
        *,
        while_waiting: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self._write = write
        self._what = what  # for log lines: "question(s)", "vote(s)"
        self._while_waiting = while_waiting or contextlib.nullcontext
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # how many transactions were used (benchmarks and tests)

    @property
    def waiting(self) -> int:
        """Items handed in and not yet in a batch being written: the next batch so far."""
        return len(self._pending)

    async def submit(self, item: Item) -> Result:
        """Hand the item to the next batch; its result once that batch is done (committed)."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name=f"batch of {self._what}")
        async with self._while_waiting():
            return await future

    async def _write_all(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                results = await self._write([item for item, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(
                            exc if isinstance(exc, Exception) else RuntimeError("writer stopped")
                        )
                if not isinstance(exc, Exception):
                    raise
                # A storage fault is logged once by bot.health, not once per batch.
                level = logging.DEBUG if isinstance(exc, StorageUnavailable) else logging.ERROR
                logger.log(level, "could not write %d %s: %s", len(batch), self._what, exc)
                continue
            self.batches += 1
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # a cancelled caller: the row is stored anyway
                    future.set_result(result)

    async def close(self) -> None:
        """Finish writing what is pending (shutdown)."""
        if self._writer is not None and not self._writer.done():
            await self._writer
