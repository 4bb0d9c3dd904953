"""Outgoing message pacing: a steady rate, no bursts, and at most one message per chat a second.

Why this exists: Telegram accepts about 30 messages a second in bulk and about one a second
to one chat; past that it answers 429 with `retry_after`, and a bot that keeps pushing is
throttled for longer. A token bucket would allow a burst of a full bucket after an idle
spell, and Telegram (and the fake server in the tests) measures a *sliding* one-second
window, so a burst followed by a steady rate is exactly what trips it. The pacer therefore
enforces three things at the moment a message is allowed to go:

- spacing: paced sends are at least `1 / rate` seconds apart (no bursts, ever);
- a sliding window: no more than `rate` sends (paced or merely noted) in any `window`;
- per chat: no two sends to one chat within `per_chat_interval`;
- Telegram's own limit (`limit`, 30 in any second) *as Telegram sees it*: Telegram counts a
  message when it arrives, which is some time between the request leaving and the answer
  coming back. A stalled network or a busy server delivers requests sent evenly in a
  clump, and a clump on top of a steady 28/s is a 429. So a send that was `acquire`d with
  `tracked=True` counts as "possibly arriving now" until its answer `land`s, and after
  that until one window past the answer. While answers come back promptly this rule never
  binds (28/s with replies in a few milliseconds is far from 30); when they stop coming
  back, the pacer stops adding to the clump. This makes "no 429" hold whatever the delays,
  as long as Telegram counts a message between its request and its answer.

Sends the pacer does not schedule (an attendee's ordinary reply, sent by the handlers) can
be `note`d: they take room in the window, so a broadcast slows down to leave space for
them instead of pushing the total over Telegram's limit. A 429 `pause`s everything paced.
A send Telegram refused outright (403 blocked, 400 chat not found) delivered nothing and
is not counted by Telegram's limit, so it can be `refund`ed: its slot goes to the next
attendee instead of being wasted (with 5% blocked attendees that is 5% of the rate).

The scheduling arithmetic (`earliest`, `record`) is pure and takes times as arguments, so
tests drive it with a fake clock and never sleep; `acquire` adds the waiting.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]

DEFAULT_RATE = 28.0
DEFAULT_WINDOW = 1.0
DEFAULT_PER_CHAT_INTERVAL = 1.0
TELEGRAM_LIMIT = 30  # messages Telegram accepts in any one second, in bulk
MAX_CREDIT = 2
# A send up to this late keeps the schedule (the next ones catch up, a few sends at most,
# still within the window); later than that counts as idle and the schedule restarts.
CATCH_UP = 0.1
# Waiting for an answer to free Telegram's limit: look again at least this often anyway.
LANDING_RECHECK = 1.0


class Pacer:
    """Decides when the next message may go; shared by every background sender."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        window: float = DEFAULT_WINDOW,
        per_chat_interval: float = DEFAULT_PER_CHAT_INTERVAL,
        limit: int = TELEGRAM_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`clock` and `sleep` are injectable so tests run on a fake clock without sleeping."""
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        if window <= 0 or per_chat_interval < 0:
            raise ValueError("window must be positive and per_chat_interval non-negative")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit!r}")
        self.rate = float(rate)
        self.window = float(window)
        self.per_chat_interval = float(per_chat_interval)
        self.clock = clock
        self.sleep = sleep
        # The window allows floor(rate * window) sends; at least one, or nothing could go.
        self.capacity = max(1, int(self.rate * self.window + 1e-9))
        self.interval = 1.0 / self.rate
        # Telegram's limit can never be looser than our own window.
        self.limit = max(int(limit), self.capacity)
        self._times: list[float] = []  # send times within the last window, sorted
        # For Telegram's limit: tracked sends still waiting for an answer (by their send
        # moment), and the moments answers came back (untracked sends: their send moment).
        self._flying: Counter[float] = Counter()
        self._landed: list[float] = []
        self._landing = asyncio.Event()
        self._next_slot: float | None = None  # spacing: when the next paced send may go
        self._credit = 0  # refunded slots the next paced sends may use at once
        self._chat_last: dict[int, float] = {}
        self._chat_order: deque[tuple[float, int]] = deque()  # for pruning _chat_last
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.paced = 0  # sends scheduled by acquire/record(paced=True), for reports
        self.pauses = 0
        self.refunds = 0
        self.late_restarts = 0  # sends so late the schedule started over (lost capacity)

    # -- pure scheduling -----------------------------------------------------------------

    def _prune(self, now: float) -> None:
        cutoff = now - self.window
        drop = bisect.bisect_right(self._times, cutoff)
        if drop:
            del self._times[:drop]
        drop = bisect.bisect_right(self._landed, cutoff)
        if drop:
            del self._landed[:drop]
        chat_cutoff = now - self.per_chat_interval
        while self._chat_order and self._chat_order[0][0] <= chat_cutoff:
            moment, chat_id = self._chat_order.popleft()
            if self._chat_last.get(chat_id) == moment:
                del self._chat_last[chat_id]

    def earliest(self, chat_id: int | None, now: float) -> float:
        """The first moment >= now at which a paced send to chat_id satisfies every rule.

        `math.inf` when Telegram's limit is taken up by sends still waiting for answers:
        only an answer coming back (`land`, `refund`) can free it.
        """
        self._prune(now)
        moment = max(now, self._paused_until)
        if self._next_slot is not None and not self._credit:
            moment = max(moment, self._next_slot)
        if chat_id is not None and chat_id in self._chat_last:
            moment = max(moment, self._chat_last[chat_id] + self.per_chat_interval)
        # Sliding window over (moment - window, moment]: if `capacity` sends are recorded
        # after moment - window, wait until the oldest of the last `capacity` has left it.
        moment = self._after_window(self._times, self.capacity, moment)
        # Telegram's limit: sends in flight, plus answers within the window, leave room?
        room = self.limit - self.in_flight
        if room <= 0:
            return math.inf
        return self._after_window(self._landed, room, moment)

    def _after_window(self, times: list[float], capacity: int, moment: float) -> float:
        """The first moment >= `moment` with fewer than `capacity` of `times` in the window
        (moment - window, moment]: once the oldest of the last `capacity` has left it."""
        inside = len(times) - bisect.bisect_right(times, moment - self.window)
        if inside < capacity:
            return moment
        return max(moment, times[len(times) - capacity] + self.window + 1e-6)

    def record(
        self, chat_id: int | None, moment: float, *, paced: bool = True, tracked: bool = False
    ) -> None:
        """Count a send at `moment`: in the window, for its chat and (if paced) the spacing.

        A `tracked` send stays in flight until `land` or `refund` is called with `moment`;
        an untracked one counts for Telegram's limit as if its answer came at `moment`.
        """
        bisect.insort(self._times, moment)
        if tracked:
            self._flying[moment] += 1
        else:
            bisect.insort(self._landed, moment)
        if chat_id is not None:
            self._chat_last[chat_id] = max(moment, self._chat_last.get(chat_id, moment))
            self._chat_order.append((self._chat_last[chat_id], chat_id))
        if paced:
            self.paced += 1
            if self._credit and self._next_slot is not None and moment < self._next_slot:
                self._credit -= 1  # a refunded slot: the schedule stays where it is
                return
            # Keep to the schedule rather than to the moment: a send that went a little
            # late (a sleep overshoots by a millisecond or two) must not push every later
            # slot back, or 28/s quietly becomes 26/s. Only after an idle spell (more than
            # CATCH_UP late) does the schedule restart from now. The window still caps
            # any one second, so catching up never becomes a burst.
            slot = self._next_slot
            tolerance = max(self.interval, CATCH_UP)
            if slot is None or moment > slot + tolerance or moment < slot - self.interval:
                if slot is not None and moment > slot:
                    self.late_restarts += 1
                slot = moment
                self._credit = 0
            self._next_slot = max(slot, moment - self.interval) + self.interval

    def refund(self, moment: float) -> None:
        """A paced send at `moment` was refused without delivering: give its slot back.

        It leaves the sliding window, and the next paced send may go without waiting for
        its slot in the spacing schedule (the window still holds the limit). Credits are
        capped, so refunds piling up while idle cannot turn into a burst later.
        """
        _remove(self._times, moment)
        if not self._take_off(moment):
            _remove(self._landed, moment)
        self._credit = min(MAX_CREDIT, self._credit + 1)
        self.refunds += 1

    def land(self, moment: float) -> None:
        """The answer to the tracked send made at `moment` came back (whatever it said)."""
        if self._take_off(moment):
            bisect.insort(self._landed, self.clock())

    def _take_off(self, moment: float) -> bool:
        """Stop counting the tracked send at `moment` as in flight; False if it was not."""
        if not self._flying.get(moment):
            return False
        self._flying[moment] -= 1
        if not self._flying[moment]:
            del self._flying[moment]
        self._landing.set()
        return True

    def note(self, chat_id: int | None = None, *, tracked: bool = False) -> float:
        """A message that goes out without asking (an ordinary reply): leave room for it.

        Returns its moment; with `tracked`, `land` it when Telegram has answered.
        """
        moment = self.clock()
        self.record(chat_id, moment, paced=False, tracked=tracked)
        return moment

    @property
    def in_flight(self) -> int:
        """Tracked sends still waiting for Telegram's answer."""
        return self._flying.total()

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing paced goes out for `seconds` from now."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.clock() + max(0.0, seconds))

    @property
    def paused_until(self) -> float:
        return self._paused_until

    # -- waiting -------------------------------------------------------------------------

    async def acquire(self, chat_id: int | None = None, *, tracked: bool = False) -> float:
        """Wait until a send to chat_id is allowed, count it, and return its moment.

        With `tracked`, the caller must `land` (or `refund`) the moment once Telegram has
        answered; until then the send counts as possibly arriving at Telegram right now.
        Callers are served one at a time (a lock), so concurrent senders share one schedule
        instead of each believing the window is theirs. The rules are re-checked after each
        wait: a pause, a noted reply or an answer may have arrived meanwhile.
        """
        async with self._lock:
            while True:
                now = self.clock()
                moment = self.earliest(chat_id, now)
                if moment <= now:
                    self.record(chat_id, now, tracked=tracked)
                    return now
                if moment == math.inf:  # Telegram's limit is in flight: wait for an answer
                    self._landing.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._landing.wait(), LANDING_RECHECK)
                    continue
                await self.sleep(moment - now)

    @contextlib.asynccontextmanager
    async def sending(self, chat_id: int | None = None) -> AsyncIterator[float]:
        """`acquire` a tracked send for the `async with` body, and `land` it afterwards."""
        moment = await self.acquire(chat_id, tracked=True)
        try:
            yield moment
        finally:
            self.land(moment)


def _remove(times: list[float], moment: float) -> None:
    """Remove one `moment` from a sorted list, if it is there."""
    index = bisect.bisect_left(times, moment)
    if index < len(times) and times[index] == moment:
        del times[index]
