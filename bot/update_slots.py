"""How many updates the bot works on at once, counting only those actually working.

Why: the bot handles updates concurrently, a bounded number at a time, so a burst cannot
start thousands of handlers at once. A handler that sends a message may then wait in the
pacer (bot.pacing) for Telegram's 30 messages a second; measured with bench/live_qa.py,
500 attendees opening lists and asking questions kept every slot held by handlers doing
nothing but waiting there, and an upvote, which needs no message at all (its answer to the
button is not a message), queued behind them for minutes. So a handler lends its slot out
while it waits for the pacer and for Telegram's answer (`lent`), and when it comes back it
gets a slot before any update that has not started yet: the bound is on updates being
worked on (CPU, the database), not on sends waiting their turn, which the pacer bounds.

Plain asyncio (no Telegram): the application's update processor (bot.app) runs each
update's handlers inside `hold`, and the pacer's gate wraps every send in `lent`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import inspect
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import TypeVar

Result = TypeVar("Result")


@dataclass(slots=True)
class _Holding:
    """The slot an update's task holds; tasks a handler starts inherit the context (and
    this object), so the task is remembered: only it may lend the slot."""

    task: asyncio.Task[object] | None
    held: bool = True


_CURRENT: contextvars.ContextVar[_Holding | None] = contextvars.ContextVar(
    "update_slot", default=None
)


class UpdateSlots:
    """A counting semaphore with two queues: tasks taking back a lent slot go first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"at least one slot is needed, not {size!r}")
        self.size = size
        self._free = size
        self._new: deque[asyncio.Future[None]] = deque()
        self._returning: deque[asyncio.Future[None]] = deque()
        self.lends = 0  # slots lent out while waiting (benchmarks and tests)

    @property
    def working(self) -> int:
        """Updates holding a slot now."""
        return self.size - self._free

    @property
    def waiting(self) -> int:
        """Updates (new or returning) waiting for a slot."""
        return sum(not f.done() for f in (*self._new, *self._returning))

    async def _take(self, queue: deque[asyncio.Future[None]]) -> None:
        if self._free > 0:  # then nobody waits: `_give` hands a slot to a waiter first
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._give()  # granted just as we gave up: pass it on
            raise

    def _give(self) -> None:
        for queue in (self._returning, self._new):
            while queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(None)  # the slot passes straight to it
                    return
        self._free += 1

    async def hold(self, work: Awaitable[Result]) -> Result:
        """Run one update's work in a slot (lent out only through `lent`)."""
        try:
            await self._take(self._new)
        except asyncio.CancelledError:
            if inspect.iscoroutine(work):
                work.close()  # never started: no "never awaited" warning
            raise
        holding = _Holding(asyncio.current_task())
        token = _CURRENT.set(holding)
        try:
            return await work
        finally:
            _CURRENT.reset(token)
            if holding.held:
                holding.held = False
                self._give()

    @contextlib.asynccontextmanager
    async def lent(self) -> AsyncIterator[None]:
        """Give this update's slot to the next update for the body (waiting to send), and
        take one back afterwards ahead of updates not yet started.

        Outside an update (a broadcast, a timer's edit) there is no slot and nothing
        happens; the same in a task a handler started, which holds no slot of its own.
        """
        holding = _CURRENT.get()
        if holding is None or not holding.held or holding.task is not asyncio.current_task():
            yield
            return
        holding.held = False
        self.lends += 1
        self._give()
        try:
            yield
        finally:
            await self._take(self._returning)
            holding.held = True
