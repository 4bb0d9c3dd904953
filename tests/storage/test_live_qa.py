"""Live Q&A storage: exact counts under concurrent votes, refusals, ranking, /forget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.live_qa import PAGE_SIZE, ranked
from bot.storage import Store, VoteOutcome, VotePress

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


async def test_a_batch_of_presses_applies_in_order_in_one_transaction(store: Store):
    first = await store.add_live_question("talk", 1, "A", "First question?", T0)
    second = await store.add_live_question("other", 2, "B", "Second question?", T0)
    hidden = await store.add_live_question("talk", 3, "C", "Hidden question?", T0)
    assert await store.toggle_live_vote(second, 5, T0) is True  # voted before the batch
    assert await store.moderate_live(hidden, "hidden", T0)
    presses = [
        VotePress(first, 5, T0),  # on
        VotePress(first, 6, T0),  # on
        VotePress(first, 6, T0),  # and off again, in the same batch
        VotePress(second, 5, T0),  # taken back
        VotePress(first, 1, T0),  # one's own: refused
        VotePress(hidden, 5, T0),  # hidden: refused
        VotePress(999, 5, T0),  # no such question
        VotePress(first, 7, T0),
        VotePress(first, 7, T0),
        VotePress(first, 7, T0),  # three presses: on
    ]
    assert await store.toggle_live_votes(presses) == [
        VoteOutcome(True, "talk"),
        VoteOutcome(True, "talk"),
        VoteOutcome(False, "talk"),
        VoteOutcome(False, "other"),
        VoteOutcome(None, "talk"),
        VoteOutcome(None, "talk"),
        VoteOutcome(None, None),
        VoteOutcome(True, "talk"),
        VoteOutcome(False, "talk"),
        VoteOutcome(True, "talk"),
    ]
    assert await store.live_voted("talk", 5) == {first}
    assert await store.live_voted("talk", 6) == set()
    assert await store.live_voted("talk", 7) == {first}
    assert await store.live_voted("other", 5) == set()
    assert await store.toggle_live_votes([]) == []


async def test_a_batch_larger_than_one_statement_counts_exactly(store: Store):
    """More pairs than one statement takes (`_ROWS_PER_STATEMENT`): several statements,
    still one transaction, still exact."""
    questions = [
        await store.add_live_question("talk", 1, "A", f"Question {n}?", T0) for n in range(3)
    ]
    presses = [VotePress(q, voter, T0) for q in questions for voter in range(100, 400)]
    outcomes = await store.toggle_live_votes(presses)
    assert all(outcome == VoteOutcome(True, "talk") for outcome in outcomes)
    assert [q.votes for q in await store.live_questions("talk")] == [300, 300, 300]
    taken_back = await store.toggle_live_votes(presses[::2])
    assert all(outcome == VoteOutcome(False, "talk") for outcome in taken_back)
    assert sum(q.votes for q in await store.live_questions("talk")) == 900 - len(presses[::2])


async def test_a_snapshot_matches_the_questions_and_each_voters_votes(store: Store):
    ids = [
        await store.add_live_question("talk", 10 + i, "X", f"Question {i}?", T0 + timedelta(i))
        for i in range(3)
    ]
    elsewhere = await store.add_live_question("other", 20, "Y", "Elsewhere?", T0)
    for question, voters in ((ids[0], (1, 2)), (ids[2], (2,)), (elsewhere, (1,))):
        for voter in voters:
            await store.toggle_live_vote(question, voter, T0)
    await store.moderate_live(ids[1], "hidden", T0)
    readers = [("talk", voter) for voter in (1, 2, 3)] + [("other", 1), ("other", 2)]
    snapshots = await store.live_snapshots([("talk", None), *readers, ("talk", None)])
    assert list(snapshots[0].questions) == await store.live_questions("talk")
    assert snapshots[0].voted == frozenset() and snapshots[-1] == snapshots[0]
    for (session, voter), snapshot in zip(readers, snapshots[1:-1], strict=True):
        assert list(snapshot.questions) == await store.live_questions(session)
        assert snapshot.voted == await store.live_voted(session, voter)
    assert snapshots[4].voted == {elsewhere}
    [empty] = await store.live_snapshots([("nothing-here", 1)])
    assert empty.questions == () and empty.voted == frozenset()
    assert await store.live_snapshots([]) == []


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
