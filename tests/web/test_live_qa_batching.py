"""The Mini App's votes and lists at a session's peak go through the chat's batches.

End to end: the bot with its web server, the fake Bot API, real HTTP and a real SQLite file.
The store's batch methods are held open on their first call (tests.held), so what arrives
meanwhile must go into the next transaction (or read) together: order of events, no timings.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio

from bot.messages import plain
from bot.storage import LiveSnapshot, VoteOutcome, VotePress
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER
from tests.handlers.test_live_qa import SESSION, TOKEN, moderated_answerer
from tests.harness import ATTENDEE, Harness
from tests.held import Held, until
from tests.web.support import init_data, web_bot

VOTER, SECOND_VOTER, EARLY = 6101, 6102, 6103


class Peak:
    """The running bot with its Mini App, its vote and read batches held on demand."""

    def __init__(self, h: Harness, base: str, http: aiohttp.ClientSession) -> None:
        self.h, self.base, self.http = h, base, http
        store = h.store
        assert h.state.live_ is None, "the batchers must be made after the store is wrapped"
        self.votes: Held[VotePress, VoteOutcome] = Held(store.toggle_live_votes)
        self.reads: Held[tuple[str, int | None], LiveSnapshot] = Held(store.live_snapshots)
        store.toggle_live_votes = self.votes  # type: ignore[method-assign]
        store.live_snapshots = self.reads  # type: ignore[method-assign]

    def headers(self, user: int) -> dict[str, str]:
        return {"X-Telegram-Init-Data": init_data(self.h.fake.token, user, name=f"U{user}")}

    async def post(self, path: str, user: int, **values: object) -> tuple[int, dict[str, Any]]:
        payload = {"nonce": secrets.token_hex(16), **values}
        async with self.http.post(self.base + path, json=payload, headers=self.headers(user)) as r:
            return r.status, await r.json()

    async def listing(self, user: int) -> dict[str, Any]:
        path = f"api/qa/questions/{SESSION}"
        async with self.http.get(self.base + path, headers=self.headers(user)) as r:
            assert r.status == 200
            return dict(await r.json())

    async def ask(self, user: int, text: str) -> int:
        status, asked = await self.post("api/qa/ask", user, session=SESSION, text=text)
        assert status == 200, asked
        return int(asked["id"])

    def vote_waiting(self) -> int:
        return self.h.state.live.votes.waiting


@pytest_asyncio.fixture
async def peak(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[Peak]:
    answerer = moderated_answerer(tmp_path)
    async with (
        web_bot(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as (h, base),
        aiohttp.ClientSession() as http,
    ):
        h.state.live_pacer = None  # no 3 s floor between the moderators' edits here
        yield Peak(h, base, http)


async def test_page_votes_at_once_share_transactions_and_count_exactly(peak: Peak):
    """Votes sent from many pages at one moment are committed together, not one
    transaction (and one hold of the store's lock) each; each page gets its own answer."""
    question = await peak.ask(ATTENDEE, "How many analysts per shift?")
    voters = range(7000, 7024)
    peak.votes.arm()
    sent = [asyncio.create_task(peak.post("api/qa/vote", user, id=question)) for user in voters]
    # Every vote has reached the store or waits for the next batch (before the change,
    # each page's vote was a call of its own).
    await until(lambda: peak.votes.seen + peak.vote_waiting() >= len(voters))
    peak.votes.release()
    answers = await asyncio.gather(*sent)
    assert all(status == 200 and answer["voted"] is True for status, answer in answers)
    assert all(answer["message"] == plain("cb.qa_voted", "en") for _, answer in answers)
    assert [len(call) for call in peak.votes.calls] == [1, len(voters) - 1]
    stored = await peak.h.store.live_question(question)
    assert stored is not None and stored.votes == len(voters)
    # Each page's list after its vote shows its own ✅.
    assert all(answer["questions"][0]["voted"] is True for _, answer in answers)


async def test_chat_and_page_votes_in_one_batch_apply_in_order(peak: Peak):
    """👍 in the chat and votes on the page, interleaved in one transaction: applied in
    arrival order (a chat press and its page un-press cancel out, and the other way round),
    refusals answered as alone (an alert in the chat, 409 on the page), counts exact."""
    h, fake = peak.h, peak.h.fake
    first = await peak.ask(ATTENDEE, "How many analysts per shift?")
    second = await peak.ask(OTHER, "Which SIEM do you run?")
    chats: dict[int, dict[str, Any]] = {}
    for user in (VOTER, SECOND_VOTER, ATTENDEE):
        now = await h.say(user, "/now")
        marker = fake.mark()
        await h.press(user, now, data=f"qa:top:{TOKEN}:0")
        chats[user] = await fake.wait_for_message(user, contains="questions", after=marker)

    peak.votes.arm()
    early = asyncio.create_task(peak.post("api/qa/vote", EARLY, id=first))
    await until(lambda: peak.votes.seen == 1)  # held: everything below queues behind it
    marker = fake.request_mark()
    pages: list[asyncio.Task[tuple[int, dict[str, Any]]]] = []
    presses: list[str] = []
    order = [
        ("chat", VOTER, first),  # on
        ("page", VOTER, first),  # off again
        ("page", SECOND_VOTER, second),  # on
        ("chat", SECOND_VOTER, second),  # off again
        ("chat", ATTENDEE, first),  # one's own: refused
        ("page", OTHER, second),  # one's own: refused
        ("page", SECOND_VOTER, first),  # on
        ("chat", VOTER, second),  # on
    ]
    for number, (where, user, question) in enumerate(order, start=1):
        if where == "chat":
            update = fake.user_presses(user, chats[user], f"qa:up:{question}:0", forged=True)
            presses.append(update["callback_query"]["id"])
        else:
            pages.append(asyncio.create_task(peak.post("api/qa/vote", user, id=question)))
        # Queued behind the held batch (a vote that went its own way reached the store).
        await until(lambda n=number: peak.vote_waiting() == n or peak.votes.seen > 1)
        assert peak.votes.seen == 1, (where, user, question)
    peak.votes.release()

    assert (await early)[0] == 200
    held, batch = peak.votes.calls  # one transaction for all eight, in arrival order
    assert [(p.question_id, p.user_id) for p in held] == [(first, EARLY)]
    assert [(p.question_id, p.user_id) for p in batch] == [(q, user) for _, user, q in order]
    answers = [
        await fake.wait_for_request(
            "answerCallbackQuery",
            lambda r, q=query_id: r.params.get("callback_query_id") == q,
            after=marker,
        )
        for query_id in presses
    ]
    assert [a.params.get("text") for a in answers] == [
        plain("cb.qa_voted", "en"),
        plain("cb.qa_unvoted", "en"),
        plain("cb.qa_vote_refused", "en"),
        plain("cb.qa_voted", "en"),
    ]
    assert answers[2].params.get("show_alert") in (True, "true")
    page_answers = [await task for task in pages]
    assert [(status, body.get("voted"), body.get("error")) for status, body in page_answers] == [
        (200, False, None),
        (200, True, None),
        (409, None, "vote_refused"),
        (200, True, None),
    ]
    assert "cannot be voted on" in page_answers[2][1]["message"]
    counts = {q.id: q.votes for q in await h.store.live_questions(SESSION)}
    assert counts == {first: 2, second: 1}  # EARLY and SECOND_VOTER; VOTER
    assert await h.store.live_voted(SESSION, VOTER) == {second}
    assert await h.store.live_voted(SESSION, SECOND_VOTER) == {first}


async def test_pages_polling_at_once_share_one_read(peak: Peak):
    """Top questions pages refreshing at one moment (every 5 s each) share one read of the
    questions and their readers' votes, and each still sees its own ✅."""
    question = await peak.ask(ATTENDEE, "How many analysts per shift?")
    readers = range(7100, 7112)
    for user in readers[::2]:
        status, _ = await peak.post("api/qa/vote", user, id=question)
        assert status == 200
    await until(lambda: peak.h.state.live.reads.waiting == 0)
    peak.reads.arm()
    polls = [asyncio.create_task(peak.listing(user)) for user in readers]
    reads = peak.h.state.live.reads
    # Every poll has reached the held read or waits for the next (a poll that read on its
    # own is done).
    await until(
        lambda: peak.reads.seen + reads.waiting >= len(readers) or any(p.done() for p in polls)
    )
    assert peak.reads.seen + reads.waiting == len(readers)
    peak.reads.release()
    pages = await asyncio.gather(*polls)
    assert len(peak.reads.calls) == 2  # the held read, and one for everyone after it
    assert sum(len(call) for call in peak.reads.calls) == len(readers)
    for user, page in zip(readers, pages, strict=True):
        assert page["questions"][0]["votes"] == len(readers[::2])
        assert page["questions"][0]["voted"] is (user in readers[::2])


async def test_refusals_in_a_shared_batch_answer_as_alone(peak: Peak):
    """One's own question, a hidden one, an answered one, one that never existed: refused
    inside a batch with others' votes exactly as when sent alone (409, the reason in the
    reader's language), and the good vote in the same batch is counted."""
    store = peak.h.store
    own = await peak.ask(ATTENDEE, "How many analysts per shift?")
    hidden = await peak.ask(OTHER, "Which SIEM do you run?")
    answered = await peak.ask(6201, "What does the night shift do?")
    await store.moderate_live(hidden, "hidden", peak.h.state.now())
    await store.moderate_live(answered, "answered", peak.h.state.now())
    refusals = [(ATTENDEE, own), (6202, hidden), (6202, answered), (6202, 999_999)]
    alone = [await peak.post("api/qa/vote", user, id=question) for user, question in refusals]
    assert {(status, body["error"]) for status, body in alone} == {(409, "vote_refused")}

    peak.votes.arm()
    early = asyncio.create_task(peak.post("api/qa/vote", 6203, id=own))
    await until(lambda: peak.votes.seen == 1)
    batched = [
        asyncio.create_task(peak.post("api/qa/vote", user, id=question))
        for user, question in refusals
    ]
    good = asyncio.create_task(peak.post("api/qa/vote", 6204, id=own))
    await until(lambda: peak.vote_waiting() == len(refusals) + 1 or peak.votes.seen > 1)
    peak.votes.release()
    assert [await task for task in batched] == alone
    assert (await early)[0] == (await good)[0] == 200
    assert [len(call) for call in peak.votes.calls] == [1, len(refusals) + 1]
    counts = {q.id: q.votes for q in await store.live_questions(SESSION)}
    assert counts == {own: 2, hidden: 0, answered: 0}
