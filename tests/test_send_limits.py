"""Telegram's limits end to end: one pacer for replies, posts and announcements.

The fake here counts every request to a sending method the moment it arrives, whatever its
answer (refused ones included), and enforces 30 a second, one a second per chat and 20 a
minute per group: the conservative reading of Telegram's rules. Any 429 the bot provoked
fails the test (`bot_running` allows no unexpected errors). Nothing is timed: the checks
are the server's counters and the order in which requests reached it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.error import RetryAfter

from bot import announcement_engine
from bot.answering import Answerer
from bot.app import PACED_METHODS, RetryingLimiter
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER, ORGANISER_CHAT, bot_running

FIRST = 5000


@pytest_asyncio.fixture
async def strict() -> Any:
    async with FakeTelegram(
        count_every_request=True,
        per_chat_limit_per_second=1,
        group_limit_per_minute=20,
        paid_limit=1000,
    ) as server:
        yield server


def max_in_window(times: list[float], window: float = 1.0) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def seed(h: Any, count: int) -> list[int]:
    ids = list(range(FIRST, FIRST + count))
    for user_id in ids:
        await h.store.upsert_user(user_id, f"Attendee {user_id}", None, "en", h.state.now())
    return ids


async def test_a_broadcast_with_blocked_attendees_and_questions_gets_no_429(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """90 recipients (5 blocked) while attendees ask: every request counted, none refused
    for flooding, everyone reached once, every question answered."""
    async with bot_running(strict, tmp_path, sample_answerer, real_pacing=True) as h:
        users = await seed(h, 90)
        for user_id in users[::18]:
            strict.block(user_id)
        h.allowed_errors.add(("sendMessage", 403))
        shown = await h.say(ORGANISER, "/announce Lunch is served in Hall C")
        mark = strict.request_mark()
        await h.press(ORGANISER, shown, button_text="📣 Send to 90 attendees")
        await strict.wait_for_message(users[20])
        askers = list(range(7001, 7013))
        for asker in askers:
            strict.user_sends(asker, "where is the wifi password")
        for asker in askers:
            await strict.wait_for_message(asker, timeout=30.0)
        await strict.wait_for_message(
            ORGANISER,
            predicate=lambda r: r["method"] == "sendMessage" and r["text"].startswith("✅"),
            timeout=30.0,
        )
        assert strict.count_429 == 0
        assert max_in_window(strict.counted_times) <= 30
        delivered = Counter(
            r["chat_id"]
            for r in strict.sent
            if r["chat_id"] in users and r["method"] == "sendMessage"
        )
        assert sorted(delivered) == [u for u in users if u not in users[::18]]
        assert set(delivered.values()) == {1}
        refused = [
            r for r in strict.requests[mark:] if r.method == "sendMessage" and r.status == 403
        ]
        assert len(refused) == 5  # they reached the server, and were counted


async def test_replies_overtake_a_running_announcement(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """A question asked mid-broadcast is answered within one window's worth of sends."""
    async with bot_running(strict, tmp_path, sample_answerer, real_pacing=True) as h:
        users = await seed(h, 150)
        shown = await h.say(ORGANISER, "/announce Doors open at 9")
        await h.press(ORGANISER, shown, button_text="📣 Send to 150 attendees")
        await strict.wait_for_message(users[30])
        asked = strict.request_mark()
        reply = await h.say(ATTENDEE, "/now")
        assert "On now" in reply["text"]
        replied = next(
            i
            for i, r in enumerate(strict.requests)
            if i >= asked and r.method == "sendMessage" and r.params.get("chat_id") == ATTENDEE
        )
        overtaken = [
            r
            for r in strict.requests[asked:replied]
            if r.method == "sendMessage" and r.params.get("chat_id") in users
        ]
        assert len(overtaken) < 30  # less than one window of announcement sends
        still_to_go = [u for u in users if not strict.messages_to(u)]
        assert still_to_go  # the reply did not wait for the broadcast to end
        engine = announcement_engine.of(h.app)
        await strict.wait_for_message(users[-1], timeout=30.0)
        assert strict.count_429 == 0
        assert engine.pacer.granted  # replies and announcements shared one pacer


async def test_one_message_a_second_to_one_attendee(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """Three quick questions from one attendee: three replies, spaced as Telegram wants."""
    async with bot_running(strict, tmp_path, sample_answerer, real_pacing=True):
        for text in ("/now", "/next", "/help"):
            strict.user_sends(ATTENDEE, text)
        for _ in range(3):
            await strict.wait_for_message(ATTENDEE, method="sendMessage", timeout=10.0)
        assert strict.count_429 == 0  # the fake refuses a second message within a second
        assert strict.per_chat_limit_per_second == 1


async def test_paid_announcements_carry_the_flag_and_the_preview_says_the_cost(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(
        strict,
        tmp_path,
        sample_answerer,
        real_pacing=True,
        broadcast_paid=True,
        broadcast_rate=1000.0,
    ) as h:
        users = await seed(h, 120)
        shown = await h.say(ORGANISER, "/announce Closing ceremony in Hall A")
        assert "at most ⭐ 12 Stars" in shown["text"], shown["text"]
        assert "120 messages" in shown["text"]
        await h.press(ORGANISER, shown, button_text="📣 Send to 120 attendees")
        await strict.wait_for_message(
            ORGANISER,
            predicate=lambda r: r["method"] == "sendMessage" and r["text"].startswith("✅"),
            timeout=30.0,
        )
        sends = [r for r in strict.requests_for("sendMessage") if r.params["chat_id"] in users]
        assert len(sends) == 120
        assert all(r.params.get("allow_paid_broadcast") is True for r in sends)
        assert len(strict.paid_times) == 120
        # Replies and the organiser's messages are never paid for.
        others = [r for r in strict.requests_for("sendMessage") if r.params["chat_id"] not in users]
        assert others and not any(r.params.get("allow_paid_broadcast") for r in others)
        assert strict.count_429 == 0


async def test_the_preview_shows_no_cost_for_free_announcements(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(strict, tmp_path, sample_answerer) as h:
        await seed(h, 3)
        shown = await h.say(ORGANISER, "/announce Tea break")
        assert "Stars" not in shown["text"]


async def test_the_organisers_chat_posts_are_paced_with_everything_else(
    strict: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """Hand-offs go to the organisers' group through the same pacer: no 429 there."""
    async with bot_running(strict, tmp_path, sample_answerer, real_pacing=True):
        for asker in range(8001, 8006):
            strict.user_sends(asker, "is there a bowling alley")
        for asker in range(8001, 8006):
            await strict.wait_for_message(asker, timeout=10.0)
        for _ in range(5):
            await strict.wait_for_message(ORGANISER_CHAT, timeout=10.0)
        posts = strict.messages_to(ORGANISER_CHAT)
        assert len(posts) == 5
        assert strict.count_429 == 0


# -- the limiter's hook ----------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.entered: list[tuple[str, int | None]] = []
        self.left = 0
        self.floods: list[float] = []

    def gate(self, endpoint: str, chat_id: int | None) -> Any:
        recorder = self

        class Context:
            async def __aenter__(self) -> None:
                recorder.entered.append((endpoint, chat_id))

            async def __aexit__(self, *exc: object) -> None:
                recorder.left += 1

        return Context()


async def test_every_attempt_of_a_send_passes_the_hook_and_429s_are_reported():
    recorder = Recorder()
    limiter = RetryingLimiter(on_send=recorder.gate, on_flood=recorder.floods.append)
    await limiter.initialize()
    calls = 0

    async def flaky() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(0)
        return True

    result = await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 42}, None)
    assert result is True
    assert recorder.entered == [("sendMessage", 42), ("sendMessage", 42)]
    assert recorder.left == 2  # left after the 429 too
    assert recorder.floods == [0.0]

    async def ok() -> bool:
        return True

    await limiter.process_request(ok, (), {}, "answerCallbackQuery", {}, None)
    assert len(recorder.entered) == 2  # not a message: not paced
    assert "sendMessage" in PACED_METHODS and "answerCallbackQuery" not in PACED_METHODS


@pytest.mark.parametrize("endpoint", ["editMessageText", "sendDocument", "copyMessage"])
async def test_edits_and_documents_are_paced_too(endpoint: str):
    recorder = Recorder()
    limiter = RetryingLimiter(on_send=recorder.gate)

    async def ok() -> bool:
        return True

    await limiter.process_request(ok, (), {}, endpoint, {"chat_id": 7}, None)
    assert recorder.entered == [(endpoint, 7)]
