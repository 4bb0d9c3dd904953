"""Announcements to many attendees that survive flood control, blocked bots and crashes.

Why it is built this way: on the day, organisers push "Keynote moved to Hall B" to thousands
of attendees. Telegram takes about 30 messages a second and answers 429 past that; a naive
loop that dies half-way loses everyone after that point. Here:

- Confirming writes one `deliveries` row per recipient in the same transaction that marks
  the broadcast 'sending' (bot.storage.start_broadcast). The audience is fixed before the
  first message goes, so a restart knows exactly who is still owed it.
- One background sender works through pending rows in user-id order, one broadcast at a
  time (oldest first, so two broadcasts never race for the same attendee's chat), paced by
  the bot's one `Pacer` at its lowest priority: replies to attendees go first, and every
  send counts against Telegram's limits whatever its answer (bot.pacing says why). With
  `paid`, the sends are Telegram's paid broadcasts, paced at the paid rate.
- Each result is committed as soon as Telegram answers. After a kill -9 the next start
  resumes the pending rows; only a message in flight at the crash (sent, but its row not
  yet updated) can go out twice. A bounded number of sends is in flight at once.
- Errors are classified by the Telegram adapter into a `SendResult`: 429 pauses *all*
  paced sending for retry_after and retries the same delivery (not counted as an attempt);
  403 marks the delivery blocked and unsubscribes the attendee; a permanent 400 fails it;
  timeouts and 5xx are retried with exponential backoff, at most `max_attempts` tries.
- Scheduled broadcasts wait in the database and start when their time comes, also after a
  restart; one that is started more than `late_after` past its time is marked late.

This module never imports telegram: the `send` callable and the progress callback are
injected, so tests drive the whole engine with a fake send function and a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from bot.background import BackgroundLoop
from bot.pacing import Pacer, Priority, Sleep, Ticket
from bot.storage import Broadcast, BroadcastStatus, DeliveryCounts, PendingDelivery, Store
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)

Outcome = Literal["sent", "retry_after", "blocked", "failed", "transient"]

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF = 1.0  # seconds before the first retry of a transient failure; doubles
DEFAULT_MAX_BACKOFF = 60.0
DEFAULT_PROGRESS_INTERVAL = 5.0  # Telegram allows ~20 messages a minute to a group
DEFAULT_LATE_AFTER = timedelta(minutes=2)
IDLE_POLL = 30.0  # re-check the schedule at least this often (the conference clock can jump)
BATCH = 200
MAX_IN_FLIGHT = 32
MAX_IN_FLIGHT_PAID = 128  # 1,000 a second with answers taking up to ~0.1 s


# Telegram charges 0.1 Star for each message sent with allow_paid_broadcast (Bot API,
# sendMessage). Its FAQ adds that only messages past the free 30 a second are charged, so
# this is the most an announcement can cost: every recipient charged, tenths of a Star.
PAID_STAR_TENTHS_PER_MESSAGE = 1


def max_paid_stars_tenths(recipients: int) -> int:
    """The most a paid broadcast to `recipients` can cost, in tenths of a Star (exact)."""
    return max(0, recipients) * PAID_STAR_TENTHS_PER_MESSAGE


@dataclass(frozen=True, slots=True)
class SendResult:
    """What became of one send, as the Telegram adapter classifies it."""

    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    error: str | None = None

    @classmethod
    def sent(cls, message_id: int | None) -> SendResult:
        return cls("sent", message_id=message_id)

    @classmethod
    def flood(cls, retry_after: float, error: str | None = None) -> SendResult:
        """429: Telegram wants a pause of `retry_after` seconds from the whole bot."""
        return cls("retry_after", retry_after=retry_after, error=error or "429")

    @classmethod
    def blocked(cls, error: str) -> SendResult:
        """403: blocked by the user or account deleted; never retried."""
        return cls("blocked", error=error)

    @classmethod
    def failed(cls, error: str) -> SendResult:
        """A permanent failure (400 chat not found...): retrying would not help."""
        return cls("failed", error=error)

    @classmethod
    def transient(cls, error: str) -> SendResult:
        """Timeout, 5xx, connection trouble: may well work on the next try."""
        return cls("transient", error=error)


SendFn = Callable[[int, str, str | None], Awaitable[SendResult]]
# (chat, text, parse mode, buttons as the Bot API's reply_markup JSON): for deliveries with
# their own buttons (feedback prompts, bot.feedback).
MarkupSendFn = Callable[[int, str, str | None, str], Awaitable[SendResult]]


@dataclass(frozen=True, slots=True)
class Progress:
    """A broadcast's numbers for the organiser's progress message."""

    broadcast: Broadcast
    counts: DeliveryCounts
    eta_seconds: float | None  # None once finished
    elapsed_seconds: float
    finished: bool
    cancelled: bool
    flood_waits: int  # 429s received while sending this broadcast

    @property
    def remaining(self) -> int:
        return self.counts.pending


ProgressFn = Callable[[Progress], Awaitable[None]]


@dataclass(slots=True)
class ConfirmResult:
    """What pressing "Send" did: started (with the audience written) or scheduled."""

    status: Literal["sending", "scheduled", "gone"]
    recipients: int = 0
    broadcast: Broadcast | None = None


@dataclass(slots=True)
class _Run:
    """In-memory state of the broadcast being sent; the database holds the truth."""

    broadcast: Broadcast
    started: float
    cursor: int | None = None
    exhausted: bool = False
    fresh: list[PendingDelivery] = field(default_factory=list)
    retries: list[tuple[float, int, int]] = field(default_factory=list)  # (due, user, attempts)
    in_flight: set[asyncio.Task[None]] = field(default_factory=set)
    queued: set[int] = field(default_factory=set)  # users in retries or in flight
    # Recipients with their own text (change notices), read with their pending row.
    texts: dict[int, str] = field(default_factory=dict)
    markups: dict[int, str] = field(default_factory=dict)  # and their own buttons
    last_progress: float = float("-inf")
    flood_waits: int = 0


class Broadcaster(BackgroundLoop):
    """Creates, confirms, cancels and sends broadcasts; see the module docstring for why."""

    task_name = "broadcaster"

    def __init__(
        self,
        store: Store,
        send: SendFn,
        *,
        pacer: Pacer,
        now: Callable[[], datetime],
        on_progress: ProgressFn | None = None,
        progress_interval: float = DEFAULT_PROGRESS_INTERVAL,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        max_backoff: float = DEFAULT_MAX_BACKOFF,
        max_in_flight: int | None = None,
        late_after: timedelta = DEFAULT_LATE_AFTER,
        clock: Callable[[], float] | None = None,
        sleep: Sleep | None = None,
        batch: int = BATCH,
        paid: bool = False,
        send_markup: MarkupSendFn | None = None,
    ) -> None:
        """`now` is the conference clock (schedules); `clock`/`sleep` the pacing clock.

        By default `clock` and `sleep` are the pacer's, so a test that gives the pacer a
        fake clock runs backoffs on it too. `send_markup` sends deliveries that carry their
        own buttons; without it their buttons are left off.
        """
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        super().__init__()
        self.store = store
        self.send = send
        self.send_markup = send_markup
        self.pacer = pacer
        self.now = now
        self.on_progress = on_progress
        self.progress_interval = progress_interval
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.paid = paid
        self.rate = pacer.paid_rate if paid else pacer.rate
        # Enough concurrency to keep the rate up when Telegram takes a while to answer,
        # but bounded: only messages in flight can be duplicated by a crash.
        cap = MAX_IN_FLIGHT_PAID if paid else MAX_IN_FLIGHT
        self.max_in_flight = max_in_flight or max(2, min(cap, int(self.rate)))
        self.late_after = late_after
        self.clock = clock or pacer.clock
        self._sleep = sleep or pacer.sleep
        self.batch = batch
        self._cancelled: set[int] = set()
        self._active: int | None = None
        self._progress_task: asyncio.Task[None] | None = None
        self.flood_waits = 0  # 429s seen since this Broadcaster was made

    # -- the organisers' actions ---------------------------------------------------------

    async def create(
        self,
        *,
        created_by: int,
        text: str,
        parse_mode: str | None,
        audience: str,
        scheduled_for: datetime | None = None,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
    ) -> int:
        """A draft: stored, but nothing goes out until `confirm`."""
        return await self.store.create_broadcast(
            created_by=created_by,
            text=text,
            parse_mode=parse_mode,
            audience=audience,
            now=self.now(),
            scheduled_for=scheduled_for,
            progress_chat_id=progress_chat_id,
            progress_message_id=progress_message_id,
        )

    async def confirm(self, broadcast_id: int) -> ConfirmResult:
        """The organiser pressed "Send": start now, or wait for the scheduled time.

        Idempotent: a second press (or a press on a cancelled draft) returns 'gone'.
        """
        broadcast = await self.store.get_broadcast(broadcast_id)
        if broadcast is None or broadcast.status != "draft":
            return ConfirmResult("gone", broadcast=broadcast)
        if broadcast.scheduled_for is not None and broadcast.scheduled_for > self.now():
            if not await self.store.schedule_broadcast(broadcast_id):
                return ConfirmResult("gone", broadcast=broadcast)
            self.wake()
            return ConfirmResult(
                "scheduled", broadcast=await self.store.get_broadcast(broadcast_id)
            )
        count = await self.store.start_broadcast(broadcast_id, self.now())
        if count is None:
            return ConfirmResult("gone", broadcast=broadcast)
        self.wake()
        return ConfirmResult("sending", count, await self.store.get_broadcast(broadcast_id))

    async def cancel(self, broadcast_id: int) -> BroadcastStatus | None:
        """Stop a draft, scheduled or running broadcast; the status it had, or None.

        A running one stops taking new recipients at once; sends already in flight finish
        and are recorded. The final progress report says how many were not reached.
        """
        previous = await self.store.cancel_broadcast(broadcast_id, self.now())
        if previous is None:
            return None
        self._cancelled.add(broadcast_id)
        self.wake()
        if previous == "sending" and self._active != broadcast_id:
            await self._report(
                broadcast_id, finished=True, cancelled=True, elapsed=0.0, flood_waits=0
            )
        return previous

    # -- lifecycle (start, wake: BackgroundLoop) -----------------------------------------

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop taking new recipients, let sends in flight finish (and be recorded), stop.

        Sends still in flight after `timeout` are cancelled; those few are the only ones a
        restart may send again.
        """
        await super().stop(timeout)
        if self._progress_task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._progress_task

    async def run_until_idle(self) -> None:
        """Send everything that is due now and return (tests and one-shot scripts).

        Scheduled broadcasts whose time has not come are left waiting.
        """
        while await self._step():
            pass
        if self._progress_task is not None:
            await self._progress_task

    async def _run_forever(self) -> None:
        while not self._stopping:
            # Cleared before looking, not before sleeping: a wake() that arrives while we
            # look is then not lost.
            self._wake.clear()
            try:
                worked = await self._step()
            except asyncio.CancelledError:
                raise
            except StorageUnavailable as exc:  # logged once, organisers told: bot.health
                logger.debug("broadcast sender waits for the database: %s", exc)
                await self._idle(5.0)
                continue
            except Exception:
                # A database hiccup must not end announcements for the rest of the day.
                logger.exception("broadcast sender failed; retrying shortly")
                await self._idle(5.0)
                continue
            if not worked and not self._stopping:
                await self._idle(await self._seconds_to_next_schedule())

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, seconds))

    async def _seconds_to_next_schedule(self) -> float:
        waiting = await self.store.broadcasts_with_status("scheduled")
        times = [b.scheduled_for for b in waiting if b.scheduled_for is not None]
        if not times:
            return IDLE_POLL
        return min(IDLE_POLL, max(0.0, (min(times) - self.now()).total_seconds()))

    async def _step(self) -> bool:
        """Start due scheduled broadcasts and send the oldest running one; False if idle."""
        if self._stopping:
            return False
        await self._start_due()
        sending = [
            b
            for b in await self.store.broadcasts_with_status("sending")
            if b.id not in self._cancelled
        ]
        if not sending:
            return False
        await self._send_broadcast(sending[0])
        return True

    async def _start_due(self) -> None:
        now = self.now()
        for broadcast in await self.store.broadcasts_with_status("scheduled"):
            if broadcast.scheduled_for is None or broadcast.scheduled_for > now:
                continue
            late = now - broadcast.scheduled_for > self.late_after
            count = await self.store.start_broadcast(
                broadcast.id, now, from_status=("scheduled",), late=late
            )
            if count is not None:
                logger.info(
                    "scheduled broadcast #%d started%s: %d recipient(s)",
                    broadcast.id,
                    " late" if late else "",
                    count,
                )

    # -- sending one broadcast -----------------------------------------------------------

    async def _send_broadcast(self, broadcast: Broadcast) -> None:
        run = _Run(broadcast, started=self.clock())
        self._active = broadcast.id
        semaphore = asyncio.Semaphore(self.max_in_flight)
        logger.info("broadcast #%d: sending", broadcast.id)
        try:
            self._maybe_progress(run, force=True)
            while not self._stopping and broadcast.id not in self._cancelled:
                item = await self._next(run)
                if item is None:
                    running = {task for task in run.in_flight if not task.done()}
                    if running:
                        # Their results may add retries or end the broadcast.
                        await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                        continue
                    if run.retries:
                        due = run.retries[0][0]
                        await self._sleep(min(1.0, max(0.0, due - self.clock())))
                        continue
                    break
                user_id, attempts = item
                await semaphore.acquire()
                if self._stopping or broadcast.id in self._cancelled:
                    semaphore.release()
                    self._requeue(run, user_id, attempts, self.clock())
                    break
                try:
                    ticket = await self.pacer.acquire(
                        user_id, priority=Priority.BULK, paid=self.paid
                    )
                except BaseException:
                    semaphore.release()
                    self._requeue(run, user_id, attempts, self.clock())
                    raise
                task = asyncio.create_task(self._deliver(run, user_id, attempts, semaphore, ticket))
                run.in_flight.add(task)
                task.add_done_callback(run.in_flight.discard)
                if self.clock() - run.last_progress >= self.progress_interval:
                    await self._start_due()
                    self._maybe_progress(run)
            if run.in_flight:
                await asyncio.gather(*run.in_flight, return_exceptions=True)
        finally:
            self._active = None
        if self._stopping and broadcast.id not in self._cancelled:
            return  # resumed by the next start
        cancelled = broadcast.id in self._cancelled
        if not cancelled:
            await self.store.finish_broadcast(broadcast.id, self.now())
        logger.info("broadcast #%d: %s", broadcast.id, "cancelled" if cancelled else "done")
        if self._progress_task is not None:
            with contextlib.suppress(Exception):
                await self._progress_task
        await self._report(
            broadcast.id,
            finished=True,
            cancelled=cancelled,
            elapsed=self.clock() - run.started,
            flood_waits=run.flood_waits,
        )

    async def _next(self, run: _Run) -> tuple[int, int] | None:
        """A due retry first (the 429'd delivery goes again first), then a fresh row."""
        if run.retries and run.retries[0][0] <= self.clock():
            _, user_id, attempts = heapq.heappop(run.retries)
            return user_id, attempts
        if not run.fresh and not run.exhausted:
            rows = await self.store.pending_deliveries(
                run.broadcast.id, after_user=run.cursor, limit=self.batch
            )
            if not rows:
                run.exhausted = True
            else:
                run.cursor = rows[-1].user_id
                run.fresh = [r for r in reversed(rows) if r.user_id not in run.queued]
        if run.fresh:
            row = run.fresh.pop()
            run.queued.add(row.user_id)
            if row.text is not None:
                run.texts[row.user_id] = row.text
            if row.markup is not None:
                run.markups[row.user_id] = row.markup
            return row.user_id, row.attempts
        return None

    def _requeue(self, run: _Run, user_id: int, attempts: int, due: float) -> None:
        run.queued.add(user_id)
        heapq.heappush(run.retries, (due, user_id, attempts))

    def _retry_delay(self, attempts: int) -> float:
        return float(min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1)))

    async def _deliver(
        self, run: _Run, user_id: int, attempts: int, semaphore: asyncio.Semaphore, ticket: Ticket
    ) -> None:
        broadcast = run.broadcast
        try:
            try:
                text = run.texts.get(user_id, broadcast.text)
                markup = run.markups.get(user_id)
                if markup is not None and self.send_markup is not None:
                    result = await self.send_markup(user_id, text, broadcast.parse_mode, markup)
                else:
                    result = await self.send(user_id, text, broadcast.parse_mode)
            except Exception as exc:  # an adapter bug must not lose the delivery
                logger.exception("broadcast #%d: send to %s raised", broadcast.id, user_id)
                result = SendResult.transient(f"{type(exc).__name__}: {exc}")
            # Telegram has answered. A refused send (403, 400) counts like a delivered one:
            # Telegram does not say it does not, and a 429 costs far more than the slot.
            self.pacer.land(ticket)
            await self._record(run, user_id, attempts, result)
        except StorageUnavailable as exc:  # logged once (bot.health), not per recipient
            logger.debug(
                "broadcast #%d: delivery to %s not recorded: %s", broadcast.id, user_id, exc
            )
        except Exception:
            # The row stays pending: a restart (or this run's next pass) sends it again.
            logger.exception(
                "broadcast #%d: could not record delivery to %s", broadcast.id, user_id
            )
        finally:
            self.pacer.land(ticket)  # cancelled mid-send: count it from now on (no-op else)
            semaphore.release()

    async def _record(self, run: _Run, user_id: int, attempts: int, result: SendResult) -> None:
        store, broadcast_id, now = self.store, run.broadcast.id, self.now()
        outcome = result.outcome
        if outcome == "sent":
            await store.finish_delivery(
                broadcast_id, user_id, "sent", now, message_id=result.message_id
            )
            run.queued.discard(user_id)
        elif outcome == "blocked":
            await store.finish_delivery(broadcast_id, user_id, "blocked", now, error=result.error)
            run.queued.discard(user_id)
        elif outcome == "failed":
            await store.finish_delivery(broadcast_id, user_id, "failed", now, error=result.error)
            run.queued.discard(user_id)
        elif outcome == "retry_after":
            seconds = result.retry_after if result.retry_after is not None else 1.0
            self.pacer.pause(seconds)
            run.flood_waits += 1
            self.flood_waits += 1
            logger.warning(
                "broadcast #%d: flood control, pausing all sends for %.1f s", broadcast_id, seconds
            )
            self._requeue(run, user_id, attempts, self.clock())
        else:
            tries = await store.retry_delivery(
                broadcast_id, user_id, result.error or "transient", now
            )
            if tries is None:  # no longer pending (forgotten meanwhile)
                run.queued.discard(user_id)
            elif tries >= self.max_attempts:
                await store.finish_delivery(
                    broadcast_id, user_id, "failed", now, error=result.error, count_attempt=False
                )
                run.queued.discard(user_id)
            else:
                self._requeue(run, user_id, tries, self.clock() + self._retry_delay(tries))

    # -- progress ------------------------------------------------------------------------

    def _maybe_progress(self, run: _Run, *, force: bool = False) -> None:
        """Report at most every `progress_interval`, without holding up the sending."""
        if self.on_progress is None:
            return
        if self._progress_task is not None and not self._progress_task.done():
            return  # the previous edit is still on its way; skip this one
        now = self.clock()
        if not force and now - run.last_progress < self.progress_interval:
            return
        run.last_progress = now
        self._progress_task = asyncio.create_task(
            self._report(
                run.broadcast.id,
                finished=False,
                cancelled=False,
                elapsed=now - run.started,
                flood_waits=run.flood_waits,
            )
        )

    async def _report(
        self,
        broadcast_id: int,
        *,
        finished: bool,
        cancelled: bool,
        elapsed: float,
        flood_waits: int,
    ) -> None:
        if self.on_progress is None:
            return
        try:
            broadcast = await self.store.get_broadcast(broadcast_id)
            if broadcast is None:
                return
            counts = await self.store.delivery_counts(broadcast_id)
            eta = None
            if not finished:
                pause = max(0.0, self.pacer.paused_until - self.clock())
                eta = pause + counts.pending / self.rate
            await self.on_progress(
                Progress(
                    broadcast=broadcast,
                    counts=counts,
                    eta_seconds=eta,
                    elapsed_seconds=max(0.0, elapsed),
                    finished=finished,
                    cancelled=cancelled,
                    flood_waits=flood_waits,
                )
            )
        except Exception:
            logger.exception("broadcast #%d: progress report failed", broadcast_id)
