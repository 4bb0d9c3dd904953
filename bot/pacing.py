"""One pacer for everything the bot sends: Telegram's limits, kept by construction.

Why this exists: Telegram accepts about 30 messages a second from a bot, one a second to
one chat and 20 a minute to one group; past that it answers 429 with a `retry_after` that
can reach minutes or hours. Replies, organisers'-chat posts, announcements, reminders and
change notices all draw on the same allowance, so they all ask this one pacer before a
request leaves, and it decides who goes first:

- Priorities. An attendee waiting for a reply (`Priority.REPLY`) goes before notices
  (`NOTICE`: reminders, change notices, progress reports), which go before announcements
  (`BULK`). A lower priority only takes room that no higher one is waiting for, so a
  broadcast never holds a reply back by more than the time one slot takes to free up.
- Telegram's limits *as Telegram sees them*. Telegram counts a request when it arrives,
  some time between the request leaving and its answer coming back, and (we assume, since
  it is not documented) whatever the answer: a 403 from a blocked attendee or a 429 counts
  like a delivered message. So every send counts from the moment it is granted until one
  window after its answer `land`s. Any sliding window Telegram looks at then holds at most
  `limit` sends, whatever the network's and the server's delays: no refunds, no slot reuse.
  The same holds per chat (the next send to a chat waits for the previous one's answer plus
  `per_chat_interval`) and per group (`group_limit` in `group_window`).
- Spacing. Notices and announcements go out evenly, at most `rate` a second, never in a
  burst: a burst fills the whole window at once and a reply arriving then would wait for
  the full window, whereas evenly spaced sends free a slot every 1/rate seconds.
- Paid broadcasts (`paid=True`, Telegram's `allow_paid_broadcast`) are not held by the free
  limit; they are spaced at `paid_rate` and every send, paid or not, counts towards
  `paid_limit` (1,000 a second).
- A 429 `pause`s everything for the time Telegram asked.

The scheduling (`enqueue`, `grant_due`, `record`, `land`) is plain arithmetic on times
passed in, so tests drive it with a fake clock; `acquire` adds the waiting, through one
dispatcher task that grants waiting senders in priority order.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import contextvars
import enum
import itertools
import math
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]

TELEGRAM_LIMIT = 30  # messages Telegram accepts in any one second, in bulk
PAID_LIMIT = 1000  # with allow_paid_broadcast (Telegram's PAID_MESSAGES_PER_SECOND)
GROUP_LIMIT = 20  # messages to one group
GROUP_WINDOW = 60.0  # ... in this many seconds
DEFAULT_RATE = float(TELEGRAM_LIMIT)
DEFAULT_WINDOW = 1.0
DEFAULT_PER_CHAT_INTERVAL = 1.0
# A spaced send up to this late keeps the schedule (the next ones catch up, a few sends at
# most, still within every limit); later than that counts as idle and the schedule restarts.
CATCH_UP = 0.1


class Priority(enum.IntEnum):
    """Who goes first when several senders wait (lower goes first)."""

    REPLY = 0  # an attendee (or organiser) is waiting for this answer
    NOTICE = 1  # reminders, change notices, progress reports: timely, but nobody is waiting
    BULK = 2  # announcements: take what is left


_SEND_PRIORITY: contextvars.ContextVar[Priority | None] = contextvars.ContextVar(
    "send_priority", default=None
)


@contextlib.contextmanager
def sends_at(priority: Priority) -> Iterator[None]:
    """Sends made in this block through the application's gate (bot.app) wait at
    `priority` instead of the gate's REPLY.

    For what a handler or a live list sends when nobody is waiting for it: an attendee's
    own Top questions list edited after their votes (the button's answer already told
    them) must not hold back anyone's reply.
    """
    token = _SEND_PRIORITY.set(priority)
    try:
        yield
    finally:
        _SEND_PRIORITY.reset(token)


def send_priority(default: Priority) -> Priority:
    """The priority `sends_at` set for this task, else `default`."""
    chosen = _SEND_PRIORITY.get()
    return default if chosen is None else chosen


@dataclass(frozen=True, slots=True)
class Ticket:
    """A granted send; hand it back to `land` once Telegram has answered."""

    id: int
    moment: float
    chat_id: int | None
    paid: bool


@dataclass(order=True, slots=True)
class _Waiter:
    priority: int
    seq: int
    chat_id: int | None = field(compare=False)
    paid: bool = field(compare=False)
    future: asyncio.Future[Ticket] = field(compare=False, repr=False)


class Pacer:
    """Decides when each message may go; shared by every sender of the bot."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        paid_rate: float = PAID_LIMIT,
        window: float = DEFAULT_WINDOW,
        per_chat_interval: float = DEFAULT_PER_CHAT_INTERVAL,
        limit: int = TELEGRAM_LIMIT,
        paid_limit: int = PAID_LIMIT,
        group_limit: int = GROUP_LIMIT,
        group_window: float = GROUP_WINDOW,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """`clock` and `sleep` are injectable so tests run on a fake clock without sleeping."""
        if rate <= 0 or paid_rate <= 0:
            raise ValueError(f"rates must be positive, not {rate!r} and {paid_rate!r}")
        if window <= 0 or group_window <= 0 or per_chat_interval < 0:
            raise ValueError("windows must be positive and per_chat_interval non-negative")
        if limit < 1 or paid_limit < 1 or group_limit < 1:
            raise ValueError("limits must be at least 1")
        self.rate = float(rate)
        self.paid_rate = float(paid_rate)
        self.window = float(window)
        self.per_chat_interval = float(per_chat_interval)
        self.limit = int(limit)
        self.paid_limit = int(paid_limit)
        self.group_limit = int(group_limit)
        self.group_window = float(group_window)
        self.clock = clock
        self.sleep = sleep
        self._ids = itertools.count(1)
        self._flying: dict[int, Ticket] = {}
        self._flying_free = 0  # unpaid sends in flight (the free limit's share)
        self._flying_chat: Counter[int] = Counter()
        self._landed_free: list[float] = []  # answers to unpaid sends, sorted
        self._landed_all: list[float] = []  # answers to every send, sorted
        self._chat_free_at: dict[int, float] = {}
        self._chat_order: deque[tuple[float, int]] = deque()  # for pruning _chat_free_at
        self._group_landed: dict[int, list[float]] = {}
        self._next_slot: dict[bool, float] = {}  # spacing schedule, unpaid and paid
        self._paused_until = 0.0
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._kick: asyncio.Event | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self.granted: Counter[Priority] = Counter()  # for reports and benchmarks
        self.pauses = 0
        self.late_restarts = 0  # spaced sends so late the schedule started over

    # -- pure scheduling -----------------------------------------------------------------

    def _prune(self, now: float) -> None:
        for landed in (self._landed_free, self._landed_all):
            drop = bisect.bisect_right(landed, now - self.window)
            if drop:
                del landed[:drop]
        while self._chat_order and self._chat_order[0][0] <= now:
            moment, chat_id = self._chat_order.popleft()
            if self._chat_free_at.get(chat_id) == moment:
                del self._chat_free_at[chat_id]
        if len(self._group_landed) > 64:  # forget groups quiet for a whole window
            cutoff = now - self.group_window
            for chat_id in [c for c, t in self._group_landed.items() if t[-1] <= cutoff]:
                if not self._flying_chat[chat_id]:
                    del self._group_landed[chat_id]

    def _earliest_local(
        self, chat_id: int | None, now: float, *, priority: Priority, paid: bool
    ) -> float:
        """What this send alone must wait for: a pause, its chat, its group, its spacing."""
        moment = max(now, self._paused_until)
        if priority != Priority.REPLY and paid in self._next_slot:
            moment = max(moment, self._next_slot[paid])
        if chat_id is None:
            return moment
        if self._flying_chat[chat_id]:
            return math.inf  # the previous send to this chat has not been answered yet
        moment = max(moment, self._chat_free_at.get(chat_id, moment))
        if chat_id < 0:  # groups, supergroups and channels
            landed = self._group_landed.get(chat_id, [])
            moment = _after_window(landed, self.group_limit, moment, self.group_window)
        return moment

    def _pools(self, moment: float, *, paid: bool) -> tuple[float, float]:
        """(when the paid limit, when the free limit leaves room), each at or after `moment`.

        The paid limit counts every send; the free limit only unpaid ones, and binds only
        unpaid sends (for a paid one its moment is `moment`).
        """
        after_all = _after_window(
            self._landed_all, self.paid_limit - len(self._flying), moment, self.window
        )
        after_free = moment
        if not paid:
            after_free = _after_window(
                self._landed_free, self.limit - self._flying_free, moment, self.window
            )
        return after_all, after_free

    def record(
        self,
        chat_id: int | None,
        moment: float,
        *,
        priority: Priority = Priority.BULK,
        paid: bool = False,
    ) -> Ticket:
        """Count a send granted at `moment`; it is in flight until `land`."""
        ticket = Ticket(next(self._ids), moment, chat_id, paid)
        self._flying[ticket.id] = ticket
        if not paid:
            self._flying_free += 1
        if chat_id is not None:
            self._flying_chat[chat_id] += 1
        self.granted[priority] += 1
        if priority != Priority.REPLY:
            self._space(moment, paid)
        return ticket

    def _space(self, moment: float, paid: bool) -> None:
        # Keep to the schedule rather than to the moment: a send that went a little late
        # (a sleep overshoots by a millisecond or two) must not push every later slot back,
        # or 30/s quietly becomes 27/s. Only after an idle spell (more than CATCH_UP late)
        # does the schedule restart from now.
        interval = 1.0 / (self.paid_rate if paid else self.rate)
        slot = self._next_slot.get(paid)
        if slot is None or moment > slot + max(interval, CATCH_UP) or moment < slot - interval:
            if slot is not None and moment > slot:
                self.late_restarts += 1
            slot = moment
        self._next_slot[paid] = max(slot, moment - interval) + interval

    def land(self, ticket: Ticket, at: float | None = None) -> None:
        """Telegram answered `ticket` (whatever it said): it counts one window from now."""
        if self._flying.pop(ticket.id, None) is None:
            return
        moment = self.clock() if at is None else at
        bisect.insort(self._landed_all, moment)
        if not ticket.paid:
            self._flying_free -= 1
            bisect.insort(self._landed_free, moment)
        chat_id = ticket.chat_id
        if chat_id is not None:
            self._flying_chat[chat_id] -= 1
            if not self._flying_chat[chat_id]:
                del self._flying_chat[chat_id]
            free_at = max(self._chat_free_at.get(chat_id, 0.0), moment + self.per_chat_interval)
            self._chat_free_at[chat_id] = free_at
            self._chat_order.append((free_at, chat_id))
            if chat_id < 0:
                bisect.insort(self._group_landed.setdefault(chat_id, []), moment)
                del self._group_landed[chat_id][: -self.group_limit]
        if self._kick is not None:
            self._kick.set()

    @property
    def in_flight(self) -> int:
        """Sends granted and not yet answered."""
        return len(self._flying)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nothing goes out for `seconds` from now."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.clock() + max(0.0, seconds))
        if self._kick is not None:
            self._kick.set()

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def grant_due(self, now: float) -> float | None:
        """Grant every waiting send that may go at `now`, highest priority first.

        Returns when to look again (`math.inf`: only an answer can help), or None if
        nobody waits. A waiter held back only by its own chat, group or spacing does not
        hold up the others; one held back by a bot-wide limit holds up every lower
        priority, which would otherwise take the room it is waiting for.
        """
        self._prune(now)
        self._waiting = [w for w in self._waiting if not w.future.done()]
        if not self._waiting:
            return None
        wake = math.inf
        # The priority waiting on each bot-wide limit ("paid": every send, "free": unpaid).
        held: dict[str, int] = {}
        for waiter in sorted(self._waiting):
            priority = Priority(waiter.priority)
            local = self._earliest_local(waiter.chat_id, now, priority=priority, paid=waiter.paid)
            if local > now:
                wake = min(wake, local)  # its own chat, group, spacing or a pause
                continue
            pools = ("paid",) if waiter.paid else ("paid", "free")
            if any(held.get(pool, priority) < priority for pool in pools):
                continue  # a higher priority waits for that room; it will wake us
            after_all, after_free = self._pools(now, paid=waiter.paid)
            if after_all <= now and after_free <= now:
                ticket = self.record(waiter.chat_id, now, priority=priority, paid=waiter.paid)
                waiter.future.set_result(ticket)
                continue
            wake = min(wake, max(after_all, after_free))
            if after_all > now:
                held.setdefault("paid", priority)
            if after_free > now:
                held.setdefault("free", priority)
        self._waiting = [w for w in self._waiting if not w.future.done()]
        return wake

    # -- waiting -------------------------------------------------------------------------

    async def acquire(
        self,
        chat_id: int | None = None,
        *,
        priority: Priority = Priority.BULK,
        paid: bool = False,
    ) -> Ticket:
        """Wait until this send may go, count it, and return its ticket (`land` it later)."""
        future = self.enqueue(chat_id, priority=priority, paid=paid)
        self._ensure_dispatcher()
        assert self._kick is not None
        self._kick.set()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.land(future.result())  # granted just as we gave up
            future.cancel()
            raise

    def enqueue(
        self,
        chat_id: int | None = None,
        *,
        priority: Priority = Priority.BULK,
        paid: bool = False,
    ) -> asyncio.Future[Ticket]:
        """Join the queue without waiting: `grant_due` resolves the future (tests drive
        this directly on a fake clock; `acquire` adds the dispatcher)."""
        future: asyncio.Future[Ticket] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiter(int(priority), next(self._seq), chat_id, paid, future))
        return future

    @contextlib.asynccontextmanager
    async def sending(
        self,
        chat_id: int | None = None,
        *,
        priority: Priority = Priority.BULK,
        paid: bool = False,
    ) -> AsyncIterator[Ticket]:
        """`acquire` for the `async with` body, and `land` when it ends, however it ends."""
        ticket = await self.acquire(chat_id, priority=priority, paid=paid)
        try:
            yield ticket
        finally:
            self.land(ticket)

    def _ensure_dispatcher(self) -> None:
        if self._dispatcher is None or self._dispatcher.done():
            self._kick = asyncio.Event()
            self._dispatcher = asyncio.get_running_loop().create_task(
                self._dispatch(), name="pacer"
            )

    async def _dispatch(self) -> None:
        """Grant what may go, then sleep until the next moment something may (or a kick)."""
        kick = self._kick
        assert kick is not None
        while True:
            kick.clear()
            now = self.clock()
            wake = self.grant_due(now)
            if wake is None or wake == math.inf:
                await kick.wait()
                continue
            if wake <= now:
                await asyncio.sleep(0)
                continue
            sleeper = asyncio.ensure_future(self.sleep(wake - now))
            kicked = asyncio.ensure_future(kick.wait())
            try:
                await asyncio.wait((sleeper, kicked), return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (sleeper, kicked):
                    if not task.done():
                        task.cancel()

    async def close(self) -> None:
        """Stop the dispatcher; senders still waiting are cancelled."""
        for waiter in self._waiting:
            waiter.future.cancel()
        self._waiting.clear()
        task, self._dispatcher = self._dispatcher, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _after_window(times: list[float], capacity: int, moment: float, window: float) -> float:
    """The first moment >= `moment` with fewer than `capacity` of `times` in the window
    (moment - window, moment]: once the oldest of the last `capacity` has left it."""
    if capacity <= 0:
        return math.inf
    inside = len(times) - bisect.bisect_right(times, moment - window)
    if inside < capacity:
        return moment
    return max(moment, times[len(times) - capacity] + window + 1e-6)
