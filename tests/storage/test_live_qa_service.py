"""The live Q&A service shared by the chat and the Mini App: limits hold under concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.content import load_content
from bot.live_qa_service import (
    LiveBatches,
    Refused,
    Voted,
    ask,
    asker_name,
    moderate,
    show_name,
    top_questions,
    vote,
)
from bot.storage import Store
from tests.harness import ROOT

CONTENT = load_content(ROOT / "agenda.yaml", ROOT / "faq")
SESSION = CONTENT.sessions[0]
DURING = SESSION.start + timedelta(minutes=5)


async def test_simultaneous_asks_by_one_attendee_keep_the_limits(store: Store):
    """Ten asks at once (two taps, the chat and the page): one passes, the rest wait 30 s."""
    results = await asyncio.gather(
        *(ask(store, SESSION, 1, "A", f"Question number {i}?", DURING) for i in range(10))
    )
    stored = [r for r in results if isinstance(r, int)]
    assert len(stored) == 1
    assert {r.key for r in results if isinstance(r, Refused)} == {"qa.cooldown"}
    # Others are not held up by one attendee's asks.
    assert isinstance(await ask(store, SESSION, 2, "B", "Someone else's?", DURING), int)


async def test_refusals_name_their_reason(store: Store):
    before = SESSION.start - timedelta(minutes=11)
    assert await ask(store, SESSION, 1, "A", "Too early to ask?", before) == Refused(
        "qa.closed", {"title": SESSION.title}
    )
    question = await ask(store, SESSION, 1, "A", "In the window?", DURING)
    assert isinstance(question, int)
    live = LiveBatches(store)
    assert await vote(live, question, 1, DURING) == Refused("cb.qa_vote_refused")
    assert await vote(live, question, 2, DURING) == Voted(True, SESSION.id)
    assert await show_name(store, question, 2, True) == Refused("cb.qa_gone")
    assert await show_name(store, question, 1, True) is True
    refused = await moderate(store, CONTENT, {99}, question, "hidden", 2, DURING)
    assert refused == Refused("cb.qa_not_moderator")
    assert await moderate(store, CONTENT, {99}, question, "hidden", 99, DURING) == (SESSION, True)
    assert await moderate(store, CONTENT, {99}, 12345, "pin", 99, DURING) == Refused("cb.qa_gone")


def test_asker_name_is_the_chats():
    assert asker_name("Ayesha", "Khan", "ayesha_k") == "Ayesha Khan @ayesha_k"
    assert asker_name("Ayesha", None, None) == "Ayesha"
    assert asker_name("", "", "only_user") == "@only_user"


async def test_votes_at_once_share_one_transaction_in_order_and_count_exactly(store: Store):
    """The chat's 👍 and the page's vote are the same call: presses arriving together are
    one batch, applied in arrival order (a press and its un-press cancel out), refusals
    included, and the count is exact."""
    mine = await ask(store, SESSION, 1, "A", "First question here?", DURING)
    theirs = await ask(store, SESSION, 2, "B", "Second question here?", DURING)
    hidden = await ask(store, SESSION, 3, "C", "Hidden question here?", DURING)
    answered = await ask(store, SESSION, 4, "D", "Answered question here?", DURING)
    assert isinstance(mine, int) and isinstance(theirs, int)
    assert isinstance(hidden, int) and isinstance(answered, int)
    await store.moderate_live(hidden, "hidden", DURING)
    await store.moderate_live(answered, "answered", DURING)
    live = LiveBatches(store)
    presses = [
        (mine, 5),  # on
        (mine, 5),  # and off again
        (mine, 6),  # on
        (theirs, 1),  # on
        (mine, 1),  # one's own: refused
        (hidden, 5),  # refused
        (answered, 5),  # refused
        (999_999, 5),  # gone: refused
        (theirs, 6),
        (theirs, 6),
        (theirs, 6),  # three presses: on
    ]
    results = await asyncio.gather(*(vote(live, q, user, DURING) for q, user in presses))
    refused = Refused("cb.qa_vote_refused")
    assert results == [
        Voted(True, SESSION.id),
        Voted(False, SESSION.id),
        Voted(True, SESSION.id),
        Voted(True, SESSION.id),
        refused,
        refused,
        refused,
        refused,
        Voted(True, SESSION.id),
        Voted(False, SESSION.id),
        Voted(True, SESSION.id),
    ]
    assert live.votes.batches == 1
    counts = {q.id: q.votes for q in await store.live_questions(SESSION.id)}
    assert counts == {mine: 1, theirs: 2, hidden: 0, answered: 0}


async def test_lists_asked_for_at_once_share_one_read(store: Store):
    """Pages polling at one moment: one read serves them all, and each reader still gets
    their own votes, and hidden questions only if they moderate."""
    first = await ask(store, SESSION, 1, "A", "First question here?", DURING)
    second = await ask(store, SESSION, 2, "B", "Second question here?", DURING)
    assert isinstance(first, int) and isinstance(second, int)
    live = LiveBatches(store)
    assert isinstance(await vote(live, first, 5, DURING), Voted)
    assert isinstance(await vote(live, second, 6, DURING), Voted)
    await store.moderate_live(second, "hidden", DURING)
    reads_before = live.reads.batches
    readers = (5, 6, 7, 99)
    tops = await asyncio.gather(
        *(top_questions(live, SESSION, user, {99}, DURING) for user in readers)
    )
    assert live.reads.batches == reads_before + 1
    by_reader = dict(zip(readers, tops, strict=True))
    assert by_reader[5].voted == {first} and by_reader[6].voted == {second}
    assert by_reader[7].voted == set()
    assert [q.id for q in by_reader[5].questions] == [first]  # hidden: not in it at all
    assert [q.id for q in by_reader[99].questions] == [first, second]  # the moderator's
    assert by_reader[99].moderator and by_reader[99].counts == {
        "open": 1,
        "answered": 0,
        "hidden": 1,
    }
