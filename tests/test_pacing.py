"""The pacer on a fake clock: no sleeping, exact times, every one-second window checked."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Callable

import pytest

from bot.pacing import Pacer


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
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


def pacer(rate: float = 28.0, **kwargs: float) -> tuple[Pacer, FakeTime]:
    clock = FakeTime()
    return Pacer(rate, clock=clock, sleep=clock.sleep, **kwargs), clock


async def test_steady_rate_never_exceeds_the_window_and_never_bursts():
    p, clock = pacer(28)
    start = clock()
    times = [await p.acquire(chat) for chat in range(1, 281)]
    assert max_in_window(times) <= 28
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / 28 - 1e-9  # evenly spaced: no burst even at the start
    assert times[-1] - start == pytest.approx(279 / 28, rel=1e-6)  # and no slower
    assert p.paced == 280


async def test_idle_spell_does_not_allow_a_burst_afterwards():
    p, clock = pacer(10)
    first = [await p.acquire(chat) for chat in range(10)]
    clock.now += 60  # a quiet minute: a token bucket would now allow a full burst
    later = [await p.acquire(chat) for chat in range(10, 30)]
    gaps = [b - a for a, b in itertools.pairwise(later)]
    assert min(gaps) >= 0.1 - 1e-9
    assert max_in_window(first + later) <= 10


async def test_one_message_per_chat_per_second():
    p, _ = pacer(28)
    times = {chat: [] for chat in (1, 2, 3)}
    for chat in [1, 1, 2, 1, 3, 2, 1, 3, 3]:
        times[chat].append(await p.acquire(chat))
    for chat, moments in times.items():
        gaps = [b - a for a, b in itertools.pairwise(moments)]
        assert all(gap >= 1.0 - 1e-9 for gap in gaps), (chat, moments)


async def test_noted_replies_take_room_in_the_window():
    p, clock = pacer(28)
    start = clock()
    for chat in range(100, 120):  # 20 ordinary replies go out right now
        p.note(chat)
    times = [await p.acquire(chat) for chat in range(1, 29)]
    everything = [start] * 20 + times
    assert max_in_window(everything) <= 28
    # Only 8 paced sends fit before the replies leave the window.
    assert sum(1 for t in times if t < start + 1.0) == 8


async def test_pause_holds_every_paced_send():
    p, clock = pacer(28)
    await p.acquire(1)
    p.pause(3.0)
    paused_at = clock()
    moment = await p.acquire(2)
    assert moment >= paused_at + 3.0
    assert p.pauses == 1


def test_pure_schedule_with_random_traffic_keeps_every_rule():
    """earliest/record without any waiting: random replies, pauses and paced sends."""
    rng = random.Random(7)
    p = Pacer(28, clock=lambda: 0.0)
    now, paced, everything = 0.0, [], []
    per_chat: dict[int, list[float]] = {}
    for _ in range(2000):
        now += rng.choice([0.0, 0.001, 0.01, 0.05])
        if rng.random() < 0.1:
            p.record(None, now, paced=False)  # a reply
            everything.append(now)
            continue
        chat = rng.randint(1, 40)
        moment = p.earliest(chat, now)
        assert moment >= now
        p.record(chat, moment)
        now = moment
        paced.append(moment)
        everything.append(moment)
        per_chat.setdefault(chat, []).append(moment)
    assert max_in_window(everything) <= 28
    assert max_in_window(paced, window=0.5) <= 14 + 1  # spread out, never bunched up
    for moments in per_chat.values():
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(moments))


async def test_slow_rates_and_bad_arguments():
    p, _ = pacer(0.5)  # one message every two seconds
    times = [await p.acquire(chat) for chat in range(4)]
    assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == [2.0] * 3
    with pytest.raises(ValueError):
        Pacer(0)
    with pytest.raises(ValueError):
        Pacer(10, window=0)


async def test_concurrent_acquirers_share_one_schedule():
    p, _ = pacer(20)
    results = await asyncio.gather(*(p.acquire(chat) for chat in range(100)))
    assert max_in_window(list(results)) <= 20
    assert len(set(results)) == 100


async def test_refused_sends_give_their_slot_back():
    p, clock = pacer(10)
    start = clock()
    first = await p.acquire(1)
    p.refund(first)  # 403: nothing was delivered
    second = await p.acquire(2)
    assert second == start  # took the refunded slot at once
    times = [second] + [await p.acquire(chat) for chat in range(3, 30)]
    assert max_in_window(times) <= 10
    assert p.refunds == 1


async def test_a_late_send_does_not_slow_the_schedule_down():
    """Sleeps overshoot a little; the rate must still be the configured one."""
    clock = FakeTime()

    async def sloppy_sleep(seconds: float) -> None:
        await clock.sleep(seconds + 0.002)  # every wake-up 2 ms late

    p = Pacer(28, clock=clock, sleep=sloppy_sleep)
    times = [await p.acquire(chat) for chat in range(1, 281)]
    assert max_in_window(times) <= 28
    assert (len(times) - 1) / (times[-1] - times[0]) >= 27.5


def simulate(
    p: Pacer,
    clock: FakeTime,
    sends: int,
    arrival: Callable[[float], float],
    *,
    tracked: bool = True,
) -> tuple[list[float], list[float]]:
    """Drive the pure schedule with Telegram answering each send when it arrives.

    `arrival(sent_at)` is when Telegram counts a send (network and server delays); its
    answer comes back 2 ms later. Returns (send moments, arrival moments).
    """
    answers: list[tuple[float, float]] = []  # (answer time, send moment), a heap
    sent: list[float] = []
    arrived: list[float] = []
    while len(sent) < sends:
        due = p.earliest(None, clock.now)
        if answers and answers[0][0] <= due:
            clock.now, moment = heapq.heappop(answers)
            p.land(moment)
            continue
        clock.now = due
        p.record(None, due, tracked=tracked)
        sent.append(due)
        arrived.append(arrival(due))
        heapq.heappush(answers, (arrived[-1] + 0.002, due))
    return sent, arrived


def stalled_server(sent_at: float) -> float:
    """5 ms away, but frozen for 300 ms every 2 s: what arrives meanwhile is counted at once
    when it wakes (a garbage-collection pause, a busy machine, a congested link)."""
    arrival = sent_at + 0.005
    phase = arrival % 2.0
    return arrival - phase + 0.3 if phase < 0.3 else arrival


def test_a_stalled_server_never_sees_more_than_telegrams_limit():
    p, clock = pacer(28)
    _, arrived = simulate(p, clock, 600, stalled_server)
    assert max_in_window(arrived) <= 30
    # Counting sends only when they leave (untracked) is what used to trip the limit.
    p, clock = pacer(28)
    _, arrived = simulate(p, clock, 600, stalled_server, tracked=False)
    assert max_in_window(arrived) > 30


def test_prompt_answers_keep_the_full_rate():
    p, clock = pacer(28)
    sent, arrived = simulate(p, clock, 561, lambda moment: moment + 0.005)
    assert max_in_window(arrived) <= 28
    assert (len(sent) - 1) / (sent[-1] - sent[0]) == pytest.approx(28, rel=1e-3)


async def test_sends_waiting_for_answers_hold_the_next_one():
    p, clock = pacer(28, per_chat_interval=0)
    moments = [await p.acquire(chat, tracked=True) for chat in range(30)]
    assert p.in_flight == 30
    clock.now += 5  # long past the window: only the answers are missing
    waiting = asyncio.create_task(p.acquire(99, tracked=True))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiting.done()  # 30 possibly arriving now: a 31st would be a 429
    p.land(moments[0])
    moment = await asyncio.wait_for(waiting, 1.0)
    assert moment >= clock.now - 1e-9
    p.refund(moments[1])  # refused: Telegram did not count it at all
    assert p.in_flight == 29  # the 31st is in flight, two have left


async def test_sending_lands_even_when_the_send_fails():
    p, _ = pacer(28)
    with pytest.raises(RuntimeError):
        async with p.sending(1):
            assert p.in_flight == 1
            raise RuntimeError("network down")
    assert p.in_flight == 0
