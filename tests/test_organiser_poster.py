"""bot.organiser_poster: unanswered questions reach the organisers' chat, paced, never lost."""

from __future__ import annotations

import asyncio

import pytest

from bot.organiser_poster import OrganiserPoster, Post


def test_organiser_posts_fit_telegrams_group_window():
    poster = OrganiserPoster(send=None, remember=None, per_minute=3, window=60.0)  # type: ignore[arg-type]
    for moment in (0.0, 1.0, 2.0):
        assert poster.delay(moment) == 0.0
        poster._sent.append(moment)
    assert poster.delay(10.0) == pytest.approx(50.0)  # the 4th waits for the 1st to age out
    assert poster.delay(60.5) == 0.0


def post(question_id: int) -> Post:
    return Post(question_id, "Ayesha", 1001, f"question {question_id}", None, "en")


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
