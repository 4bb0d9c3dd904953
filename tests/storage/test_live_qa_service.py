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
