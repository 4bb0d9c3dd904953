"""Outgoing message pacing: a steady rate, no bursts, and at most one message per chat a second.

Why this exists: Telegram accepts about 30 messages a second in bulk and about one a second
to one chat; past that it answers 429 with `retry_after`, and a bot that keeps pushing is
throttled for longer. A token bucket would allow a burst of a full bucket after an idle
spell, and Telegram (and the fake server in the tests) measures a *sliding* one-second
window, so a burst followed by a steady rate is exactly what trips it. The pacer therefore
enforces three things at the moment a message is allowed to go:

- spacing: paced sends are at least `1 / rate` seconds apart (no bursts, ever);
- a sliding window: no more than `rate` sends (paced or merely noted) in any `window`;
- per chat: no two sends to one chat within `per_chat_interval`.

Sends the pacer does not schedule (an attendee's ordinary reply, sent by the handlers) can
be `note`d: they take room in the window, so a broadcast slows down to leave space for
them instead of pushing the total over Telegram's limit. A 429 `pause`s everything paced.

The scheduling arithmetic (`earliest`, `record`) is pure and takes times as arguments, so
tests drive it with a fake clock and never sleep; `acquire` adds the waiting.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]

DEFAULT_RATE = 28.0
DEFAULT_WINDOW = 1.0
DEFAULT_PER_CHAT_INTERVAL = 1.0


class Pacer:
    """Decides when the next message may go; shared by every background sender."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        window: float = DEFAULT_WINDOW,
        per_chat_interval: float = DEFAULT_PER_CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`clock` and `sleep` are injectable so tests run on a fake clock without sleeping."""
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        if window <= 0 or per_chat_interval < 0:
            raise ValueError("window must be positive and per_chat_interval non-negative")
        self.rate = float(rate)
        self.window = float(window)
        self.per_chat_interval = float(per_chat_interval)
        self.clock = clock
        self.sleep = sleep
        # The window allows floor(rate * window) sends; at least one, or nothing could go.
        self.capacity = max(1, int(self.rate * self.window + 1e-9))
        self.interval = 1.0 / self.rate
        self._times: list[float] = []  # send times within the last window, sorted
        self._last_paced: float | None = None
        self._chat_last: dict[int, float] = {}
        self._chat_order: deque[tuple[float, int]] = deque()  # for pruning _chat_last
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.paced = 0  # sends scheduled by acquire/record(paced=True), for reports
        self.pauses = 0

    # -- pure scheduling -----------------------------------------------------------------

    def _prune(self, now: float) -> None:
        cutoff = now - self.window
        drop = bisect.bisect_right(self._times, cutoff)
        if drop:
            del self._times[:drop]
        chat_cutoff = now - self.per_chat_interval
        while self._chat_order and self._chat_order[0][0] <= chat_cutoff:
            moment, chat_id = self._chat_order.popleft()
            if self._chat_last.get(chat_id) == moment:
                del self._chat_last[chat_id]

    def earliest(self, chat_id: int | None, now: float) -> float:
        """The first moment >= now at which a paced send to chat_id satisfies every rule."""
        self._prune(now)
        moment = max(now, self._paused_until)
        if self._last_paced is not None:
            moment = max(moment, self._last_paced + self.interval)
        if chat_id is not None and chat_id in self._chat_last:
            moment = max(moment, self._chat_last[chat_id] + self.per_chat_interval)
        # Sliding window over (moment - window, moment]: if `capacity` sends are recorded
        # after moment - window, wait until the oldest of the last `capacity` has left it.
        while True:
            inside = len(self._times) - bisect.bisect_right(self._times, moment - self.window)
            if inside < self.capacity:
                return moment
            oldest_blocking = self._times[len(self._times) - self.capacity]
            moment = max(moment, oldest_blocking + self.window + 1e-6)

    def record(self, chat_id: int | None, moment: float, *, paced: bool = True) -> None:
        """Count a send at `moment`: in the window, for its chat and (if paced) the spacing."""
        bisect.insort(self._times, moment)
        if chat_id is not None:
            self._chat_last[chat_id] = max(moment, self._chat_last.get(chat_id, moment))
            self._chat_order.append((self._chat_last[chat_id], chat_id))
        if paced:
            self.paced += 1
            self._last_paced = moment if self._last_paced is None else max(
                self._last_paced, moment)

    def note(self, chat_id: int | None = None) -> None:
        """A message that went out without asking (an ordinary reply): leave room for it."""
        self.record(chat_id, self.clock(), paced=False)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing paced goes out for `seconds` from now."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.clock() + max(0.0, seconds))

    @property
    def paused_until(self) -> float:
        return self._paused_until

    # -- waiting -------------------------------------------------------------------------

    async def acquire(self, chat_id: int | None = None) -> float:
        """Wait until a send to chat_id is allowed, count it, and return its moment.

        Callers are served one at a time (a lock), so concurrent senders share one schedule
        instead of each believing the window is theirs. The rules are re-checked after each
        sleep: a pause or a noted reply may have arrived meanwhile.
        """
        async with self._lock:
            while True:
                now = self.clock()
                moment = self.earliest(chat_id, now)
                if moment <= now:
                    self.record(chat_id, now)
                    return now
                await self.sleep(moment - now)
