"""The broadcast engine with a fake send function and a fake clock: no Telegram, no sleeping."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.broadcast import Broadcaster, Progress, SendResult
from bot.pacing import Pacer
from bot.storage import Store
from bot.storage.errors import StorageUnavailable
from tests.storage.support import stored_user
from tests.test_pacing import FakeTime, max_in_window

T0 = datetime(2027, 2, 16, 6, 0, tzinfo=UTC)  # 11:00 in Islamabad


class ConferenceClock:
    def __init__(self) -> None:
        self.moment = T0

    def __call__(self) -> datetime:
        return self.moment


class FakeSend:
    """Plays Telegram: scripted results per user, then success; records every call."""

    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self.script: dict[int, list[SendResult]] = {}
        self.calls: list[tuple[int, float]] = []
        self.delivered: list[int] = []  # what attendees actually received
        self.hang_after: int | None = None  # deliver, then never answer (a crash mid-call)
        self.hanging: list[asyncio.Future[None]] = []
        self.texts: list[tuple[str, str | None]] = []

    async def __call__(self, chat_id: int, text: str, parse_mode: str | None) -> SendResult:
        self.calls.append((chat_id, self.clock()))
        self.texts.append((text, parse_mode))
        await asyncio.sleep(0)
        scripted = self.script.get(chat_id)
        if scripted:
            return scripted.pop(0)
        self.delivered.append(chat_id)
        if self.hang_after is not None and len(self.delivered) > self.hang_after:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.hanging.append(future)
            await future
        return SendResult.sent(10_000 + len(self.delivered))

    def calls_to(self, chat_id: int) -> list[float]:
        return [t for c, t in self.calls if c == chat_id]


async def add_users(store: Store, ids: range | list[int]) -> None:
    for user_id in ids:
        await store.upsert_user(user_id, f"User {user_id}", None, "en", T0)


def engine(store: Store, *, rate: float = 1000.0, per_chat: float = 1.0, **kwargs):
    clock = FakeTime()
    conference = ConferenceClock()
    send = FakeSend(clock)
    pacer = Pacer(rate, clock=clock, sleep=clock.sleep, per_chat_interval=per_chat)
    progress: list[Progress] = []

    async def on_progress(p: Progress) -> None:
        progress.append(p)

    b = Broadcaster(
        store,
        send,
        pacer=pacer,
        now=conference,
        on_progress=on_progress,
        progress_interval=kwargs.pop("progress_interval", 0.0),
        **kwargs,
    )
    return b, send, clock, conference, progress


async def announce(
    b: Broadcaster, text: str = "Lunch is served", audience: str = "all", **kwargs
) -> int:
    return await b.create(
        created_by=9001, text=text, parse_mode="HTML", audience=audience, **kwargs
    )


async def test_everyone_gets_it_once_paced_with_progress(store: Store):
    await add_users(store, range(1, 61))
    b, send, _, _, progress = engine(store, rate=28)
    broadcast_id = await announce(b, "<b>Lunch</b> is served")
    assert send.calls == []  # a draft sends nothing
    result = await b.confirm(broadcast_id)
    assert (result.status, result.recipients) == ("sending", 60)
    await b.run_until_idle()
    assert sorted(send.delivered) == list(range(1, 61))
    assert set(send.texts) == {("<b>Lunch</b> is served", "HTML")}
    assert max_in_window([t for _, t in send.calls]) <= 28
    counts = await store.delivery_counts(broadcast_id)
    assert (counts.sent, counts.pending, counts.blocked, counts.failed) == (60, 0, 0, 0)
    finished = await store.get_broadcast(broadcast_id)
    assert finished.status == "done" and finished.finished_at is not None
    assert progress[-1].finished and not progress[-1].cancelled
    assert progress[-1].counts.sent == 60
    assert any(not p.finished and p.eta_seconds is not None for p in progress)
    # A second press on "Send" changes nothing.
    assert (await b.confirm(broadcast_id)).status == "gone"
    assert len(send.calls) == 60


async def test_flood_control_pauses_everything_and_retries_the_same_delivery(store: Store):
    await add_users(store, range(1, 21))
    b, send, _, _, progress = engine(store, rate=28, max_in_flight=1)
    send.script[5] = [SendResult.flood(3.0)]
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    await b.run_until_idle()
    assert sorted(send.delivered) == list(range(1, 21))
    flood_at = send.calls_to(5)[0]
    later = [t for c, t in send.calls if t > flood_at]
    assert later and min(later) >= flood_at + 3.0  # nobody was sent to during the pause
    assert send.calls[send.calls.index((5, flood_at)) + 1][0] == 5  # the same one goes first
    assert b.pacer.pauses == 1 and b.flood_waits == 1
    assert progress[-1].flood_waits == 1
    rows = await store._all(store._db, "SELECT attempts FROM deliveries WHERE user_id = 5")
    assert rows[0][0] == 1  # a 429 is not the attendee's attempt


async def test_blocked_attendee_is_unsubscribed_and_not_retried(store: Store):
    await add_users(store, range(1, 6))
    b, send, _, _, _ = engine(store)
    send.script[3] = [SendResult.blocked("Forbidden: bot was blocked by the user")]
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    await b.run_until_idle()
    assert len(send.calls_to(3)) == 1
    user = await stored_user(store, 3)
    assert not user.subscribed and user.blocked_at is not None
    counts = await store.delivery_counts(broadcast_id)
    assert (counts.sent, counts.blocked) == (4, 1)
    # The next announcement does not even try them.
    assert await store.count_audience("all") == 4


async def test_chat_not_found_fails_once(store: Store):
    await add_users(store, range(1, 4))
    b, send, _, _, _ = engine(store)
    send.script[2] = [SendResult.failed("Bad Request: chat not found")]
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    await b.run_until_idle()
    assert len(send.calls_to(2)) == 1
    counts = await store.delivery_counts(broadcast_id)
    assert (counts.sent, counts.failed) == (2, 1)
    assert (await stored_user(store, 2)).subscribed  # not their fault: still subscribed


async def test_transient_errors_retry_with_backoff_at_most_five_times(store: Store):
    await add_users(store, range(1, 4))
    b, send, _, _, _ = engine(store, backoff=1.0)
    send.script[1] = [SendResult.transient("502 Bad Gateway")] * 2  # then fine
    send.script[2] = [SendResult.transient("Timed out")] * 10  # never fine
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    await b.run_until_idle()
    assert send.delivered.count(1) == 1 and 2 not in send.delivered
    tries = send.calls_to(2)
    assert len(tries) == 5
    gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
    assert all(gap >= wanted - 1e-6 for gap, wanted in zip(gaps, [1, 2, 4, 8], strict=True))
    assert all(gap < wanted + 0.5 for gap, wanted in zip(gaps, [1, 2, 4, 8], strict=True))
    rows = {
        row[0]: (row[1], row[2], row[3])
        for row in await store._all(
            store._db, "SELECT user_id, status, attempts, last_error FROM deliveries"
        )
    }
    assert rows[1][:2] == ("sent", 3)
    assert rows[2] == ("failed", 5, "Timed out")


async def test_cancel_stops_a_running_broadcast(store: Store):
    await add_users(store, range(1, 41))
    b, send, _, _, progress = engine(store, rate=1000, max_in_flight=1)
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    original = send.__call__

    async def cancelling(chat_id: int, text: str, parse_mode: str | None) -> SendResult:
        if chat_id == 10:
            await b.cancel(broadcast_id)
        return await original(chat_id, text, parse_mode)

    b.send = cancelling
    await b.run_until_idle()
    assert sorted(send.delivered) == list(range(1, 11))  # the one in flight still lands
    counts = await store.delivery_counts(broadcast_id)
    assert (counts.sent, counts.pending) == (10, 30)
    assert (await store.get_broadcast(broadcast_id)).status == "cancelled"
    assert progress[-1].finished and progress[-1].cancelled
    assert await b.cancel(broadcast_id) is None  # already over


async def test_session_audience_reaches_only_those_who_starred(store: Store):
    await add_users(store, range(1, 11))
    for user_id in (2, 4, 6):
        await store.toggle_star(user_id, "forensics", T0)
    await store.toggle_star(7, "lunch", T0)
    await store.set_subscribed(6, False, T0)  # /stop means no announcements at all
    assert await store.count_audience("session:forensics") == 2
    b, send, _, _, _ = engine(store)
    broadcast_id = await announce(b, "Moved to Lab 2", audience="session:forensics")
    result = await b.confirm(broadcast_id)
    assert result.recipients == 2
    await b.run_until_idle()
    assert sorted(send.delivered) == [2, 4]
    with pytest.raises(ValueError):
        await store.count_audience("everyone")


async def test_resume_after_a_crash_misses_nobody(tmp_path: Path):
    """kill -9 mid-broadcast: a new process on the same file finishes the job.

    The fake Telegram delivers message 25 and then never answers, as if the process died
    during that call; the sender task is then killed with its store.
    """
    path = tmp_path / "bot.sqlite3"
    first = await Store.open(path)
    await add_users(first, range(1, 101))
    b, send, _, _, _ = engine(first, max_in_flight=4)
    send.hang_after = 24
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    b.start()
    while len(send.hanging) < 4:  # every sender slot is stuck in a call
        await asyncio.sleep(0)
    in_flight = set(send.delivered[24:])
    b._task.cancel()
    await asyncio.gather(b._task, return_exceptions=True)
    await first.close()
    for future in send.hanging:
        future.cancel()

    second = await Store.open(path)
    try:
        resumed, send2, _, _, progress = engine(second)
        await resumed.run_until_idle()
        received = send.delivered + send2.delivered
        assert set(received) == set(range(1, 101))  # nobody missed
        duplicates = {u for u in received if received.count(u) > 1}
        assert duplicates <= in_flight and len(duplicates) <= 4
        counts = await second.delivery_counts(broadcast_id)
        assert (counts.sent, counts.pending) == (100, 0)
        assert (await second.get_broadcast(broadcast_id)).status == "done"
        assert progress[-1].finished
    finally:
        await second.close()


async def test_scheduled_broadcast_waits_then_goes_and_survives_a_restart(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    first = await Store.open(path)
    await add_users(first, range(1, 6))
    b, send, _, _conference, _ = engine(first)
    when = T0 + timedelta(minutes=30)
    broadcast_id = await announce(b, "Lunch in 5 minutes", scheduled_for=when)
    result = await b.confirm(broadcast_id)
    assert result.status == "scheduled"
    await b.run_until_idle()
    assert send.calls == []
    await first.close()  # the bot restarts before the time

    second = await Store.open(path)
    try:
        again, send2, _, conference2, _ = engine(second)
        conference2.moment = when - timedelta(seconds=1)
        await again.run_until_idle()
        assert send2.calls == []
        conference2.moment = when + timedelta(seconds=5)
        await again.run_until_idle()
        assert sorted(send2.delivered) == [1, 2, 3, 4, 5]
        sent = await second.get_broadcast(broadcast_id)
        assert sent.status == "done" and not sent.late
    finally:
        await second.close()


async def test_scheduled_time_passed_while_down_sends_at_once_marked_late(store: Store):
    await add_users(store, range(1, 4))
    b, send, _, conference, _ = engine(store)
    when = T0 + timedelta(minutes=10)
    broadcast_id = await announce(b, scheduled_for=when)
    await b.confirm(broadcast_id)
    conference.moment = when + timedelta(hours=1)
    await b.run_until_idle()
    assert sorted(send.delivered) == [1, 2, 3]
    assert (await store.get_broadcast(broadcast_id)).late


async def test_cancel_scheduled_and_draft(store: Store):
    await add_users(store, range(1, 4))
    b, send, _, conference, _ = engine(store)
    scheduled = await announce(b, scheduled_for=T0 + timedelta(minutes=10))
    await b.confirm(scheduled)
    draft = await announce(b)
    assert await b.cancel(scheduled) == "scheduled"
    assert await b.cancel(draft) == "draft"
    assert (await b.confirm(draft)).status == "gone"
    conference.moment = T0 + timedelta(hours=1)
    await b.run_until_idle()
    assert send.calls == []


async def test_background_loop_sends_and_stops_cleanly(store: Store):
    await add_users(store, range(1, 11))
    b, send, _, _, progress = engine(store)
    b.start()
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    async with asyncio.timeout(5):
        while not (progress and progress[-1].finished):
            await asyncio.sleep(0.01)
    await b.stop()
    assert sorted(send.delivered) == list(range(1, 11))


async def test_two_broadcasts_go_one_after_the_other(store: Store):
    await add_users(store, range(1, 6))
    b, send, _, _, _ = engine(store)
    first = await announce(b, "first")
    second = await announce(b, "second")
    await b.confirm(second)
    await b.confirm(first)
    await b.run_until_idle()
    texts = [text for text, _ in send.texts]
    assert texts == ["second"] * 5 + ["first"] * 5 or texts == ["first"] * 5 + ["second"] * 5
    assert {(await store.get_broadcast(i)).status for i in (first, second)} == {"done"}


async def test_a_database_fault_mid_broadcast_is_not_a_traceback_per_recipient(
    store: Store, caplog: pytest.LogCaptureFixture
):
    """The file deleted under a running broadcast: bot.health says so once; the engine does
    not log each unrecorded delivery with a traceback (2,000 recipients, 2,000 tracebacks)."""
    await add_users(store, range(1, 21))
    b, send, _, _, _ = engine(store, max_in_flight=1)
    broadcast_id = await announce(b)
    await b.confirm(broadcast_id)
    assert store.path is not None
    store.path.unlink()
    with contextlib.suppress(StorageUnavailable):
        await b.run_until_idle()
    assert send.calls  # it did try
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
