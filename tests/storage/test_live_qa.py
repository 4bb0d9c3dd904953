"""Live Q&A storage: exact counts under concurrent votes, refusals, ranking, /forget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.live_qa import PAGE_SIZE, ranked
from bot.storage import Store

T0 = datetime(2027, 2, 16, 11, 30, tzinfo=UTC)


async def test_concurrent_votes_count_exactly(store: Store):
    question = await store.add_live_question("talk", 1, "Asker", "How does it scale?", T0)
    voters = range(100, 300)
    # Every voter presses twice at once: each pair is one toggle on and one off, or the
    # database refuses one of them; never a lost or doubled count.
    results = await asyncio.gather(
        *(store.toggle_live_vote(question, v, T0) for v in voters),
        *(store.toggle_live_vote(question, v, T0) for v in voters if v % 2 == 0),
    )
    assert None not in results
    stored = await store.live_question(question)
    assert stored is not None and stored.votes == len([v for v in voters if v % 2 == 1])


async def test_votes_refused_on_own_hidden_and_answered(store: Store):
    first = await store.add_live_question("talk", 1, "A", "First question?", T0)
    second = await store.add_live_question("talk", 2, "B", "Second question?", T0)
    assert await store.toggle_live_vote(first, 1, T0) is None  # one's own
    assert await store.moderate_live(first, "hidden", T0)
    assert not await store.moderate_live(first, "answered", T0)  # already moderated
    assert await store.toggle_live_vote(first, 3, T0) is None
    assert await store.moderate_live(second, "answered", T0)
    assert await store.toggle_live_vote(second, 3, T0) is None
    assert await store.toggle_live_vote(999, 3, T0) is None  # gone


async def test_ranking_pinned_votes_time_answered_last(store: Store):
    ids = [
        await store.add_live_question("talk", 10 + i, "X", f"Question {i}?", T0 + timedelta(i))
        for i in range(4)
    ]
    for voter in (1, 2):
        await store.toggle_live_vote(ids[2], voter, T0)
    await store.toggle_live_vote(ids[1], 1, T0)
    await store.moderate_live(ids[3], "pin", T0)
    await store.moderate_live(ids[1], "answered", T0)
    order = [q.id for q in ranked(await store.live_questions("talk"))]
    assert order == [ids[3], ids[2], ids[0], ids[1]]


async def test_forget_removes_questions_and_votes(store: Store):
    mine = await store.add_live_question("talk", 1, "A", "Mine, to forget?", T0)
    theirs = await store.add_live_question("talk", 2, "B", "Theirs, to keep?", T0)
    await store.toggle_live_vote(theirs, 1, T0)
    await store.toggle_live_vote(mine, 2, T0)
    assert await store.forget_user(1)
    [left] = await store.live_questions("talk")
    assert left.id == theirs and left.votes == 0
    assert await store.asker_activity(1, "talk") == (0, None)


def test_a_full_page_of_longest_questions_fits_one_message():
    from bot import render
    from bot.content.models import Session
    from bot.storage import LiveQuestion

    session = Session("talk", "T" * 200, T0, T0 + timedelta(hours=1))
    questions = [
        LiveQuestion(i, "talk", i, "N&<" * 100, False, "&<>" * 167, T0, "open", True, 10**6)
        for i in range(PAGE_SIZE)
    ]
    for language in ("en", "ur"):
        top = render.qa_top(
            session, questions, set(), 0, 99, 9999, language, can_ask=True, count=10**6
        )
        panel = render.qa_moderation(session, questions, (1, 2, 3), 0, 99, 9999, T0, language)
        for reply in (top, panel):
            assert len(reply.texts) == 1
            assert render.utf16_len(render.visible(reply.texts[0])) <= render.MAX_MESSAGE
