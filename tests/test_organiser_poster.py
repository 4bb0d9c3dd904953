"""bot.organiser_poster: unanswered questions reach the organisers' chat, paced, never lost."""

from __future__ import annotations

import asyncio

import pytest

from bot.etiquette import HandoffCounter
from bot.organiser_poster import Batch, OrganiserPoster, Post


def test_organiser_posts_fit_telegrams_group_window():
    poster = OrganiserPoster(send=None, remember=None, per_minute=3, window=60.0)  # type: ignore[arg-type]
    for moment in (0.0, 1.0, 2.0):
        assert poster.delay(moment) == 0.0
        poster._sent.append(moment)
    assert poster.delay(10.0) == pytest.approx(50.0)  # the 4th waits for the 1st to age out
    assert poster.delay(60.5) == 0.0


def post(question_id: int, user_id: int | None = None) -> Post:
    """A question from its own attendee unless told (one attendee's burst is batched)."""
    user = 1000 + question_id if user_id is None else user_id
    return Post(question_id, "Ayesha", user, f"question {question_id}", None, "en")


async def test_each_post_is_sent_and_its_message_remembered_in_order():
    sent: list[int] = []
    remembered: list[tuple[int, int]] = []

    async def send(item: Post) -> int | None:
        if item.question_id == 2:
            raise RuntimeError("Telegram is down")
        sent.append(item.question_id)
        return 500 + item.question_id

    async def remember(question_id: int, message_id: int) -> None:
        remembered.append((question_id, message_id))

    poster = OrganiserPoster(send, remember, per_minute=10, window=60.0)
    poster.start()
    for question_id in (1, 2, 3):
        poster.enqueue(post(question_id))
    for _ in range(100):
        if len(remembered) == 2:
            break
        await asyncio.sleep(0.01)
    await poster.stop()
    # A failed post is logged and skipped: the ones after it still go out.
    assert sent == [1, 3]
    assert remembered == [(1, 501), (3, 503)]


async def test_posts_beyond_the_window_wait_and_are_reported_at_stop(
    caplog: pytest.LogCaptureFixture,
):
    sent: list[int] = []

    async def send(item: Post) -> int | None:
        sent.append(item.question_id)
        return None  # nothing sent: nothing to remember

    async def remember(question_id: int, message_id: int) -> None:
        raise AssertionError("only sent posts are remembered")

    poster = OrganiserPoster(send, remember, per_minute=2, window=60.0)
    poster.start()
    for question_id in (1, 2, 3, 4):
        poster.enqueue(post(question_id))
    for _ in range(100):
        if len(sent) == 2:
            break
        await asyncio.sleep(0.01)
    await poster.stop()
    assert sent == [1, 2]
    assert "2 unanswered question(s) not posted" in caplog.text


async def test_one_attendees_burst_is_one_post_from_the_third():
    sent: list[Post | Batch] = []
    remembered: list[tuple[int, int]] = []

    async def send(item: Post | Batch) -> int | None:
        sent.append(item)
        return 700 + len(sent)

    async def remember(question_id: int, message_id: int) -> None:
        remembered.append((question_id, message_id))

    poster = OrganiserPoster(send, remember, per_minute=20, window=60.0)
    poster.counter = HandoffCounter(window=0.3)  # ten minutes, shortened for the test
    poster.start()
    for question_id in (1, 2, 3, 4):
        poster.enqueue(post(question_id, user_id=42))
    poster.enqueue(post(5))  # someone else meanwhile: posted at once
    for _ in range(200):
        if len(remembered) == 5:
            break
        await asyncio.sleep(0.01)
    await poster.stop()
    assert [type(item).__name__ for item in sent] == ["Post", "Post", "Post", "Batch"]
    batch = sent[-1]
    assert isinstance(batch, Batch) and [p.question_id for p in batch.posts] == [3, 4]
    assert remembered[-2:] == [(3, 704), (4, 704)]  # one message carries both
