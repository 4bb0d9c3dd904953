"""Chatter and feedback, and the question reads conversation etiquette relies on."""

from __future__ import annotations

from bot.storage import NewChatter, Store, handoff_key
from tests.storage.support import ask, at


def said(user_id: int, kind: str, text: str, minute: int = 0) -> NewChatter:
    return NewChatter(user_id, user_id, 500 + minute, kind, text, at(minute))


async def test_chatter_is_counted_by_kind_and_complaints_are_feedback(store: Store) -> None:
    await store.record_chatter(said(1, "greeting", "hi"))
    await store.record_chatter(said(2, "greeting", "salam", 1))
    await store.record_chatter(said(1, "rudeness", "you are useless", 2))
    await store.record_chatter(said(2, "rudeness", "bakwas", 3))
    stats = await store.chatter_stats(latest=1)
    assert stats.by_kind == (("greeting", 2), ("rudeness", 2))
    assert stats.total == 4 and stats.feedback == 2
    assert [(f.user_id, f.text, f.said_at) for f in stats.latest_feedback] == [(2, "bakwas", at(3))]
    assert await store.export_questions() == []  # never in the unanswered log


async def test_forget_and_purge_remove_chatter(store: Store) -> None:
    await store.record_chatter(said(1, "thanks", "shukriya"))
    await store.record_chatter(said(2, "thanks", "thanks", 10))
    assert await store.forget_user(1) is True
    assert (await store.chatter_stats()).total == 1
    await store.purge_before(at(11))
    assert (await store.chatter_stats()).total == 0


async def test_last_question_skips_handoffs(store: Store) -> None:
    assert await store.last_question(1) is None
    first = await ask(store, 1, "where is lunch", minute=1)
    await ask(store, 1, "talk to a human", handoff_key(1), minute=2)
    await ask(store, 2, "wifi?", minute=3)
    last = await store.last_question(1)
    assert last is not None and last.id == first


async def test_open_repeat_finds_the_same_open_question_in_the_window(store: Store) -> None:
    qid = await ask(store, 1, "is there a pool", "pool", minute=0)
    found = await store.open_repeat(1, "pool", at(-30))
    assert found is not None and found.id == qid
    assert await store.open_repeat(1, "pool", at(1)) is None  # asked before the window
    assert await store.open_repeat(2, "pool", at(-30)) is None  # someone else's
    await store.dismiss([qid], 9, at(5))
    assert await store.open_repeat(1, "pool", at(-30)) is None  # closed: ask again


async def test_add_vote_never_overwrites_a_pressed_vote(store: Store) -> None:
    qid = await ask(store, 1, "wifi", decision="answer", best=("faq", "wifi", "Wi-Fi"))
    assert await store.record_vote(qid, 1, "faq:wifi", -1, at(1)) is True
    assert await store.add_vote(qid, 1, "faq:wifi", 1, at(2)) is False
    other = await ask(store, 2, "wifi", decision="answer", best=("faq", "wifi", "Wi-Fi"))
    assert await store.add_vote(other, 2, "faq:wifi", 1, at(2)) is True
    assert await store.add_vote(999, 2, "faq:wifi", 1, at(2)) is False
    tallies = (await store.stats()).votes
    assert [(t.up, t.down) for t in tallies] == [(1, 1)]


async def test_a_batched_post_carries_every_question(store: Store) -> None:
    a = await ask(store, 1, "pool?", minute=1)
    b = await ask(store, 1, "bowling?", minute=2)
    await store.set_organiser_post(a, -100, 77)
    await store.set_organiser_post(b, -100, 77)
    assert [q.id for q in await store.questions_by_organiser_post(-100, 77)] == [a, b]
    assert await store.questions_by_organiser_post(-100, 78) == []
