"""Live Q&A under load, end to end through the fake Bot API: an upvote is answered at once
even while every reply waits for Telegram's send allowance, and a burst of upvotes shares
transactions and still counts exactly.

Order of events, not timings: the vote's answer must arrive while the replies ahead of it
are still held in the pacer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import DEFAULT_CONCURRENCY
from bot.messages import plain
from bot.pacing import TELEGRAM_LIMIT, Pacer
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER, datas
from tests.handlers.test_live_qa import SESSION, TOKEN, ask_by_button, moderated_answerer
from tests.harness import ATTENDEE, Harness, bot_running

CROWD = range(5000, 5000 + DEFAULT_CONCURRENCY + 4)  # more than the updates worked at once


async def open_top_list(h: Harness, user: int) -> dict:
    now = await h.say(user, "/now")
    marker = h.fake.mark()
    await h.press(user, now, data=f"qa:top:{TOKEN}:0")
    return await h.fake.wait_for_message(user, contains="questions", after=marker)


async def test_a_vote_is_answered_while_every_reply_waits_in_the_pacer(
    fake: FakeTelegram, tmp_path: Path
):
    pacer = Pacer(per_chat_interval=0.0)  # Telegram's limits, no per-chat spacing
    answerer = moderated_answerer(tmp_path)
    async with bot_running(
        fake, tmp_path, answerer, pacer=pacer, agenda_path=tmp_path / "agenda.yaml"
    ) as h:
        receipt = await ask_by_button(h, ATTENDEE, "How many analysts per shift?")
        assert "is in" in receipt["text"]
        top = await open_top_list(h, OTHER)
        vote = next(data for data in datas(top) if data.startswith("qa:up:"))
        slots = h.state.update_slots
        assert slots is not None
        # Telegram's allowance is spent for the hour: at most one more message goes out.
        pacer.limit, pacer.window = 1, 3600.0
        lent_before = slots.lends
        marker = fake.mark()
        try:
            for user in CROWD:
                fake.user_sends(user, "/now")
            async with asyncio.timeout(30):  # a deadline for a hung bot, not a speed check
                while slots.lends - lent_before < len(CROWD):
                    await asyncio.sleep(0.01)  # until every /now handler waits to send
            answer = await h.press(OTHER, top, data=vote)
            assert answer["text"] == plain("cb.qa_voted", "en")
            replied = [r for r in fake.sent[marker:] if r["chat_id"] in CROWD]
            assert len(replied) <= 1  # the vote overtook the replies held in the pacer
            [question] = await h.store.live_questions(SESSION)
            assert question.votes == 1
        finally:
            # Telegram's allowance is back: every held reply goes out.
            pacer.limit, pacer.window = TELEGRAM_LIMIT, 1.0
            pacer.pause(0.0)  # wakes the pacer's dispatcher to look again
        for user in CROWD:
            await fake.wait_for_message(user, after=marker, timeout=30)


async def test_a_burst_of_votes_shares_transactions_and_counts_exactly(
    fake: FakeTelegram, tmp_path: Path
):
    answerer = moderated_answerer(tmp_path)
    async with bot_running(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as h:
        h.state.live_pacer = None  # no 3 s floor between the lists' edits here
        await ask_by_button(h, ATTENDEE, "How many analysts per shift?")
        [question] = await h.store.live_questions(SESSION)
        voters = range(6000, 6040)
        lists = {user: await open_top_list(h, user) for user in voters}
        marker = fake.request_mark()
        presses = [
            fake.user_presses(user, lists[user], f"qa:up:{question.id}:0") for user in voters
        ]
        presses += [  # every other voter presses twice: the vote is taken back
            fake.user_presses(user, lists[user], f"qa:up:{question.id}:0")
            for user in voters
            if user % 2 == 0
        ]
        answers = [
            await fake.wait_for_request(
                "answerCallbackQuery",
                lambda r, q=press["callback_query"]["id"]: r.params.get("callback_query_id") == q,
                after=marker,
            )
            for press in presses
        ]
        texts = [a.params.get("text") for a in answers]
        assert texts.count(plain("cb.qa_voted", "en")) == len(voters)
        assert texts.count(plain("cb.qa_unvoted", "en")) == len(voters) // 2
        [stored] = await h.store.live_questions(SESSION)
        assert stored.votes == len(voters) // 2
        assert h.state.live.votes.batches < len(presses)  # shared transactions
