"""The pacer on a fake clock: no sleeping, exact times, every sliding window checked."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bot.pacing import Pacer, Priority, Ticket


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most sends in any half-open window (t - window, t], as Telegram counts them."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def pacer(rate: float = 30.0, **kwargs: float) -> tuple[Pacer, FakeTime]:
    clock = FakeTime()
    return Pacer(rate, clock=clock, sleep=clock.sleep, **kwargs), clock


async def send(p: Pacer, chat: int | None, **kwargs: object) -> float:
    """Acquire and land at once (Telegram answering instantly); the grant moment."""
    ticket = await p.acquire(chat, **kwargs)  # type: ignore[arg-type]
    p.land(ticket)
    return ticket.moment


async def test_announcements_are_evenly_spaced_at_the_rate():
    p, clock = pacer(20)
    start = clock()
    times = [await send(p, chat) for chat in range(1, 201)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / 20 - 1e-9  # no burst, not even at the start
    assert times[-1] - start == pytest.approx(199 / 20, rel=1e-6)  # and no slower
    assert max_in_window(times, window=1.0 - 1e-6) <= 20
    assert p.granted[Priority.BULK] == 200
    await p.close()


async def test_an_idle_spell_does_not_allow_a_burst_afterwards():
    p, clock = pacer(10)
    first = [await send(p, chat) for chat in range(10)]
    clock.now += 60  # a quiet minute: a token bucket would now allow a full burst
    later = [await send(p, chat) for chat in range(10, 30)]
    assert min(b - a for a, b in itertools.pairwise(later)) >= 0.1 - 1e-9
    assert max_in_window(first + later, window=1.0 - 1e-6) <= 10
    await p.close()


async def test_one_message_per_chat_a_second_counted_from_the_answer():
    p, clock = pacer()
    first = await p.acquire(1, priority=Priority.REPLY)
    clock.now += 0.3  # Telegram answers 0.3 s later
    p.land(first)
    answered = clock()
    second = await p.acquire(1, priority=Priority.REPLY)
    assert second.moment >= answered + 1.0 - 1e-9
    other = await p.acquire(2, priority=Priority.REPLY)  # another chat is not held up
    assert other.moment == second.moment
    await p.close()


async def test_a_group_gets_at_most_twenty_a_minute():
    p, _ = pacer(per_chat_interval=0)
    times = [await send(p, -100, priority=Priority.REPLY) for _ in range(45)]
    assert max_in_window(times, window=60.0) <= 20
    assert times[20] >= times[0] + 60.0
    await p.close()


async def test_refused_sends_count_like_delivered_ones():
    """No slot reuse: Telegram may count a 403 too, and a 429 costs far more than 5%."""
    p, clock = pacer(1000, per_chat_interval=0)  # spacing out of the way: only the limit
    start = clock()
    tickets = [await p.acquire(chat) for chat in range(30)]
    for ticket in tickets:
        p.land(ticket)  # every one answered 403 at once
    late = await p.acquire(99)
    assert late.moment >= start + 1.0  # the 31st waits for the window, refused or not
    await p.close()


async def test_sends_waiting_for_answers_hold_the_next_one():
    p, clock = pacer(1000, per_chat_interval=0)
    tickets = [await p.acquire(chat) for chat in range(30)]
    assert p.in_flight == 30
    clock.now += 5  # long past the window: only the answers are missing
    waiting = asyncio.create_task(p.acquire(99))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiting.done()  # 30 possibly arriving right now: a 31st could be a 429
    p.land(tickets[0])
    ticket = await asyncio.wait_for(waiting, 1.0)
    assert ticket.moment >= clock.now - 1.0  # it went as soon as the answer came
    await p.close()


async def test_replies_go_before_announcements_that_waited_longer():
    p, clock = pacer(1000, per_chat_interval=0)
    start = clock()
    tickets = [await p.acquire(chat) for chat in range(30)]  # the limit is in flight
    bulk = p.enqueue(500, priority=Priority.BULK)
    notice = p.enqueue(600, priority=Priority.NOTICE)
    reply = p.enqueue(700, priority=Priority.REPLY)
    clock.now += 0.5
    p.grant_due(clock())
    assert not (bulk.done() or notice.done() or reply.done())  # only an answer can help
    p.land(tickets[0], at=start)
    clock.now = start + 1.001  # one slot has left the window
    p.grant_due(clock())
    assert reply.done() and not notice.done() and not bulk.done()
    p.land(tickets[1], at=start)  # and one more
    p.grant_due(clock())
    assert notice.done() and not bulk.done()
    await p.close()


async def test_a_reply_held_by_its_own_chat_does_not_hold_up_others():
    p, clock = pacer(per_chat_interval=1.0)
    p.land(p.record(7, clock(), priority=Priority.REPLY))  # attendee 7 was just answered
    reply = p.enqueue(7, priority=Priority.REPLY)
    bulk = p.enqueue(8, priority=Priority.BULK)
    wake = p.grant_due(clock())
    assert bulk.done() and not reply.done()
    assert wake == pytest.approx(clock() + 1.0)
    await p.close()


async def test_paid_broadcasts_pass_the_free_limit_but_not_the_paid_one():
    p, clock = pacer(30, paid_rate=1000, paid_limit=40, per_chat_interval=0)
    free = [await p.acquire(chat) for chat in range(30)]  # the free limit is full
    paid = [await p.acquire(100 + n, paid=True) for n in range(10)]
    assert all(t.moment < clock() + 1e-9 for t in paid)
    assert paid[-1].moment - paid[0].moment == pytest.approx(9 / 1000)
    blocked = p.enqueue(999, paid=True)  # 30 free + 10 paid = the paid limit of 40
    clock.now += 0.5
    p.grant_due(clock())
    assert not blocked.done()
    for ticket in free + paid:
        p.land(ticket)
    await p.close()


async def test_a_pause_holds_everything():
    p, clock = pacer()
    await send(p, 1)
    p.pause(3.0)
    paused_at = clock()
    assert (await send(p, 2, priority=Priority.REPLY)) >= paused_at + 3.0
    assert p.pauses == 1
    await p.close()


async def test_sending_lands_even_when_the_send_fails_and_a_cancelled_wait_leaks_nothing():
    p, clock = pacer()
    with pytest.raises(RuntimeError):
        async with p.sending(1):
            assert p.in_flight == 1
            raise RuntimeError("network down")
    assert p.in_flight == 0
    p.pause(100)
    waiting = asyncio.create_task(p.acquire(2))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert p.in_flight == 0 and p.grant_due(clock()) is None
    await p.close()


def test_bad_arguments():
    for kwargs in ({"rate": 0}, {"window": 0}, {"limit": 0}, {"per_chat_interval": -1}):
        with pytest.raises(ValueError):
            Pacer(**kwargs)  # type: ignore[arg-type]


# -- a whole afternoon on a fake clock: replies, an announcement, a slow server --------


@dataclass(order=True)
class Event:
    time: float
    seq: int
    kind: str = field(compare=False)
    payload: object = field(compare=False, default=None)


@dataclass
class Run:
    arrived: list[float] = field(default_factory=list)  # when Telegram counted each send
    reply_waits: list[float] = field(default_factory=list)
    bulk_grants: list[float] = field(default_factory=list)
    reply_grants: list[float] = field(default_factory=list)
    per_chat: dict[int, list[float]] = field(default_factory=dict)


async def simulate(
    p: Pacer,
    clock: FakeTime,
    *,
    seconds: float,
    reply_rate: float,
    arrival: Callable[[float], float],
    bulk_in_flight: int = 8,
    seed: int = 1,
) -> Run:
    """Discrete events: attendees' questions (Poisson, one chat each), an announcement
    that always has `bulk_in_flight` sends waiting or in flight, and Telegram counting
    each send at `arrival(sent_at)` and answering 2 ms later."""
    rng = random.Random(seed)
    seq = itertools.count()
    events: list[Event] = []
    run = Run()
    asked: dict[int, float] = {}
    waiting: dict[asyncio.Future[Ticket], tuple[str, int]] = {}
    end = clock() + seconds
    heapq.heappush(events, Event(clock() + rng.expovariate(reply_rate), next(seq), "ask"))
    recipients = itertools.count(1_000_000)
    askers = itertools.count(1)
    for _ in range(bulk_in_flight):
        waiting[p.enqueue(next(recipients), priority=Priority.BULK)] = ("bulk", 0)
    wake: float | None = clock()
    while True:
        upcoming = min(events[0].time if events else math.inf, wake or math.inf)
        if upcoming > end:
            break
        clock.now = max(clock.now, upcoming)
        while events and events[0].time <= clock.now:
            event = heapq.heappop(events)
            if event.kind == "ask":
                chat = next(askers)  # a new attendee: their own chat never holds them
                future = p.enqueue(chat, priority=Priority.REPLY)
                waiting[future] = ("reply", chat)
                asked[id(future)] = clock.now
                gap = rng.expovariate(reply_rate)
                heapq.heappush(events, Event(clock.now + gap, next(seq), "ask"))
            else:
                assert isinstance(event.payload, Ticket)
                p.land(event.payload)
        wake = p.grant_due(clock.now)
        for future in [f for f in waiting if f.done()]:
            kind, chat = waiting.pop(future)
            ticket = future.result()
            counted = arrival(ticket.moment)
            run.arrived.append(counted)
            heapq.heappush(events, Event(counted + 0.002, next(seq), "answer", ticket))
            if kind == "reply":
                run.reply_waits.append(ticket.moment - asked.pop(id(future)))
                run.reply_grants.append(ticket.moment)
                run.per_chat.setdefault(chat, []).append(ticket.moment)
            else:
                run.bulk_grants.append(ticket.moment)
                waiting[p.enqueue(next(recipients), priority=Priority.BULK)] = ("bulk", 0)
        if wake == math.inf:
            wake = None
    return run


def stalled_server(sent_at: float) -> float:
    """5 ms away, but frozen for 300 ms every 2 s: what arrives meanwhile is counted at once
    when it wakes (a garbage-collection pause, a busy machine, a congested link)."""
    arrival = sent_at + 0.005
    phase = arrival % 2.0
    return arrival - phase + 0.3 if phase < 0.3 else arrival


@pytest.mark.parametrize("reply_rate", [5.0, 15.0, 25.0])
async def test_a_broadcast_under_questions_never_delays_a_reply_by_a_second(reply_rate):
    p, clock = pacer()
    run = await simulate(p, clock, seconds=60, reply_rate=reply_rate, arrival=lambda t: t + 0.005)
    assert max_in_window(run.arrived) <= 30
    assert max(run.reply_waits) <= 1.0
    # The announcement takes what the replies leave of 30 a second (each send counts one
    # window past its answer, 7 ms later: that costs under 1%).
    replies = len(run.reply_grants) / 60
    bulk = len(run.bulk_grants) / 60
    assert bulk >= 0.95 * (30 - replies)
    await p.close()


@pytest.mark.parametrize("reply_rate", [5.0, 25.0])
async def test_a_stalling_server_never_counts_more_than_telegrams_limit(reply_rate):
    p, clock = pacer()
    run = await simulate(p, clock, seconds=60, reply_rate=reply_rate, arrival=stalled_server)
    assert max_in_window(run.arrived) <= 30  # Telegram's count, stalls and all
    assert len(run.bulk_grants) > 0
    await p.close()


async def test_prompt_answers_keep_the_full_rate():
    p, clock = pacer()
    run = await simulate(p, clock, seconds=30, reply_rate=0.001, arrival=lambda t: t + 0.005)
    assert max_in_window(run.arrived) <= 30
    assert len(run.bulk_grants) / 30 >= 29.0
    await p.close()
