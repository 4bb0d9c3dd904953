"""Feedback storage: closed once, the 2-hour spacing, prompt rounds, refusals, /forget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.storage import QueuedPrompt, Store

T0 = datetime(2027, 2, 16, 12, 15, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def prompt(user_id: int, *sessions: str) -> QueuedPrompt:
    return QueuedPrompt(user_id, tuple(sessions), f"rate {sessions}", '{"inline_keyboard": []}')


async def test_a_session_is_closed_once_with_its_audience_fixed(store: Store):
    await store.toggle_star(1, "talk", T0)
    await store.toggle_star(2, "talk", T0)
    await store.add_live_question("talk", 2, "Two", "A question?", T0)  # both: counted once
    await store.add_live_question("talk", 3, "Three", "Another one?", T0)
    await store.toggle_star(4, "talk", T0)
    await store.upsert_user(4, "Four", None, "en", T0)
    await store.set_subscribed(4, False, T0)  # /stop
    await store.toggle_star(5, "talk", T0)
    await store.set_feedback_prompts(5, False, T0)  # /feedback off
    await store.toggle_star(6, "tea", T0)
    closed = await store.close_for_feedback(["talk"], ["tea"], T0)
    assert closed == {"talk": 3, "tea": 0}
    assert await store.close_for_feedback(["talk"], ["tea"], at(1)) == {}  # never twice
    assert await store.feedback_closed() == {"talk", "tea"}
    assert await store.feedback_due(T0 - timedelta(hours=2)) == {
        1: ["talk"],
        2: ["talk"],
        3: ["talk"],
    }


async def test_the_spacing_holds_a_prompt_until_two_hours_after_the_last(store: Store):
    for session in ("a", "b", "c"):
        await store.toggle_star(1, session, T0)
    await store.close_for_feedback(["a"], [], T0)
    assert await store.feedback_due(T0 - timedelta(hours=2)) == {1: ["a"]}
    broadcast_id, count = await store.queue_feedback_prompts([prompt(1, "a")], T0)
    assert broadcast_id is not None and count == 1
    broadcast = await store.get_broadcast(broadcast_id)
    assert broadcast is not None and broadcast.status == "sending"
    assert broadcast.audience == "feedback"
    assert await store.recent_broadcasts() == []  # not an organisers' announcement
    [pending] = await store.pending_deliveries(broadcast_id)
    assert (pending.user_id, pending.text, pending.markup) == (
        1,
        "rate ('a',)",
        '{"inline_keyboard": []}',
    )
    await store.close_for_feedback(["b"], [], at(45))
    await store.close_for_feedback(["c"], [], at(100))
    assert await store.feedback_due(at(100) - timedelta(hours=2)) == {}  # within 2 hours
    assert await store.feedback_due(at(120) - timedelta(hours=2)) == {1: ["b", "c"]}
    asked = await store.feedback_asked()
    assert (asked["a"].prompted, asked["b"].waiting, asked["c"].waiting) == (1, 1, 1)
    # A round whose sessions were prompted meanwhile (a second process) queues nothing.
    assert await store.queue_feedback_prompts([prompt(1, "a")], at(121)) == (None, 0)
    assert await store.queue_feedback_prompts([prompt(1, "b", "c")], at(121)) != (None, 0)
    assert await store.feedback_due(at(400)) == {}


async def test_ratings_refused_when_not_asked_twice_or_out_of_range(store: Store):
    await store.toggle_star(1, "talk", T0)
    await store.close_for_feedback(["talk", "other"], [], T0)
    until = at(15)
    assert await store.rate_session(1, "talk", 4, T0, until) == ("not_asked", None)  # not yet
    await store.queue_feedback_prompts([prompt(1, "talk")], T0)
    assert await store.was_prompted(1, "talk") and not await store.was_prompted(2, "talk")
    assert await store.rate_session(1, "talk", 6, T0, until) == ("not_asked", None)
    assert await store.rate_session(1, "other", 3, T0, until) == ("not_asked", None)
    assert await store.rate_session(2, "talk", 3, T0, until) == ("not_asked", None)
    # Concurrent presses of two stars: one rating, the other refused as "again".
    results = await asyncio.gather(
        store.rate_session(1, "talk", 4, T0, until), store.rate_session(1, "talk", 2, T0, until)
    )
    assert sorted(outcome for outcome, _ in results) == ["again", "rated"]
    stars = await store.my_rating(1, "talk")
    assert stars in (2, 4) and {value for _, value in results} == {stars}
    assert await store.open_comments(at(1)) == [(1, "talk", until)]
    assert not await store.comment_on_rating(1, "talk", "late", at(16))  # window closed
    assert await store.comment_on_rating(1, "talk", "Good pace", at(5))
    assert not await store.comment_on_rating(1, "talk", "again", at(6))  # one comment
    assert not await store.close_comment(1, "talk")
    assert await store.open_comments(at(1)) == []
    [rating] = await store.feedback_ratings("talk")
    assert (rating.stars, rating.comment, rating.commented_at) == (stars, "Good pace", at(5))


async def test_off_drops_waiting_prompts_and_forget_deletes_everything(store: Store):
    await store.toggle_star(1, "a", T0)
    await store.toggle_star(1, "b", T0)
    await store.close_for_feedback(["a"], [], T0)
    await store.queue_feedback_prompts([prompt(1, "a")], T0)
    await store.rate_session(1, "a", 5, T0, at(15))
    await store.close_for_feedback(["b"], [], at(30))
    assert await store.feedback_prompts_on(1)
    assert await store.set_feedback_prompts(1, False, at(31))
    assert not await store.set_feedback_prompts(1, False, at(32))  # already off
    assert not await store.feedback_prompts_on(1)
    assert (await store.feedback_asked())["b"].waiting == 0
    assert await store.set_feedback_prompts(1, True, at(33))
    assert not await store.set_feedback_prompts(1, True, at(34))
    assert await store.feedback_due(at(400)) == {}  # "b" does not come back
    await store.set_feedback_prompts(1, False, at(35))
    assert await store.forget_user(1)
    assert await store.feedback_ratings() == []
    assert await store.feedback_prompts_on(1)
    assert (await store.feedback_asked())["a"].prompted == 0
