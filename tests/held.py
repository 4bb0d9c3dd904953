"""A batch method held open: what arrives while it is held must go into the next batch.

Tests of group commit wrap a store method (e.g. `Store.toggle_live_votes`) in `Held` before
the bot's batcher is made (it keeps the bound method), arm it, and send their requests: the
first call waits until released, so the rest queue behind it in a known order, with no
timing involved. `calls` records every call's items, which is how many transactions (or
reads) served them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Held(Generic[Item, Result]):
    def __init__(self, method: Callable[[Sequence[Item]], Awaitable[list[Result]]]) -> None:
        self._method = method
        self.calls: list[list[Item]] = []
        self._armed = False
        self._released = asyncio.Event()

    def arm(self) -> None:
        """Hold the next call (and record from now on)."""
        self.calls.clear()
        self._armed = True
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    @property
    def seen(self) -> int:
        """Items that reached the method since `arm`."""
        return sum(len(items) for items in self.calls)

    async def __call__(self, items: Sequence[Item]) -> list[Result]:
        if self._armed:
            self.calls.append(list(items))
            if len(self.calls) == 1:
                await self._released.wait()
        return await self._method(items)


async def until(condition: Callable[[], bool]) -> None:
    """Wait for `condition` (a deadline for a hung bot, not a speed check)."""
    async with asyncio.timeout(30):
        while not condition():
            await asyncio.sleep(0.01)
