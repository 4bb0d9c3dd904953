"""Feedback after the session end to end through the fake Bot API: the prompt when a session
ends, rating, comment, refusals, /feedback off, the organisers' views, the export, /forget,
the 2-hour batching and restarts."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from bot import announcement_engine
from bot.answering import Answerer
from bot.answering.text import key_token
from bot.cli import main
from bot.feedback import COMMENT_WINDOW
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER, datas, labels
from tests.harness import ATTENDEE, ORGANISER, ROOT, Harness, bot_running

THIRD = 1003
SOC = "soc-on-a-budget"  # Tue 11:15–12:15, a talk
SOC_TOKEN = key_token(f"session:{SOC}")
ENERGY_TOKEN = key_token("session:energy-grid-talk")


def day1(hour: int, minute: int) -> datetime:
    return datetime(2027, 2, 16, hour, minute)


async def check_feedback(h: Harness) -> int:
    """One look of the feedback service (the loop's step, run now): prompts queued."""
    return await announcement_engine.of(h.app).feedback.run_once()


async def all_sent(h: Harness) -> None:
    """Until the broadcast engine has no prompt left to send."""

    async def idle() -> bool:
        sending = await h.store.broadcasts_with_status("sending")
        return not sending

    await h.until(idle, timeout=10.0)


def prompts_to(h: Harness, user: int) -> list[dict]:
    return [
        r
        for r in h.fake.messages_to(user, include_edits=False)
        if any(d.startswith("fb:") for d in datas(r))
    ]


async def test_prompt_rate_comment_refusals_organiser_views_export_and_forget(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    h, fake = harness, harness.fake
    monkeypatch.setenv("DATABASE_PATH", str(h.settings.database_path))
    monkeypatch.setenv("AGENDA_PATH", str(ROOT / "agenda.yaml"))
    monkeypatch.setenv("FAQ_DIR", str(ROOT / "faq"))
    # ATTENDEE starred the SOC talk; OTHER asked its speaker a question; THIRD starred it
    # but turned feedback requests off.
    await h.store.toggle_star(ATTENDEE, SOC, h.state.now())
    await h.store.add_live_question(SOC, OTHER, "Other", "How big was the team?", h.state.now())
    await h.store.toggle_star(THIRD, SOC, h.state.now())
    assert "off" in (await h.say(THIRD, "/feedback"))["text"]  # "… /feedback off turns …"
    off = await h.say(THIRD, "/feedback off")
    assert "No more feedback requests" in off["text"]
    status = await h.say(THIRD, "/feedback")
    assert "Feedback requests are off" in status["text"]

    # Nothing while the talk runs; at 12:16 it has ended: one prompt each, paced.
    assert await check_feedback(h) == 0
    h.set_clock(day1(12, 16))
    assert await check_feedback(h) == 2
    prompt = await fake.wait_for_message(ATTENDEE, contains="How was it?")
    assert "Building a SOC on a Pakistani budget" in prompt["text"]
    assert labels(prompt) == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐", "🔕 No more requests"]
    other_prompt = await fake.wait_for_message(OTHER, contains="How was it?")
    await all_sent(h)
    assert prompts_to(h, THIRD) == []
    assert await check_feedback(h) == 0  # asked once, never twice

    # Rate 4: stored before the reply; the prompt turns into thanks with Skip.
    thanks = await h.press(ATTENDEE, prompt, button_text="4 ⭐")
    assert thanks["text"] == "Thank you! 4 of 5 ⭐"
    [rating] = await h.store.feedback_ratings(SOC)
    assert rating.stars == 4 and rating.comment is None
    rated = await fake.wait_for_message(ATTENDEE, method="editMessageText")
    assert "You gave Building a SOC" in rated["text"] and labels(rated) == ["Skip"]
    # Rating twice is refused; so are a forged 9, another session and a stranger.
    again = await h.press(ATTENDEE, prompt, data=f"fb:r:{SOC_TOKEN}:5", forged=True)
    assert again["show_alert"] and "already rated" in again["text"]
    for data in (f"fb:r:{SOC_TOKEN}:9", f"fb:r:{SOC_TOKEN}:0", f"fb:r:{ENERGY_TOKEN}:5"):
        forged = await h.press(ATTENDEE, prompt, data=data, forged=True)
        assert forged["show_alert"] and "not asked" in forged["text"], data
    stranger = await h.press(THIRD, prompt, data=f"fb:r:{SOC_TOKEN}:1", forged=True)
    assert stranger["show_alert"] and "not asked" in stranger["text"]
    assert [r.stars for r in await h.store.feedback_ratings(SOC)] == [4]

    # The next message is the comment (HTML-escaped back), not a question for the bot.
    saved = await h.say(ATTENDEE, "Great talk <b>but</b> too fast & loud")
    assert "your comment on Building a SOC" in saved["text"]
    assert labels(saved) == ["↩️ That was not a comment"]
    [rating] = await h.store.feedback_ratings(SOC)
    assert rating.comment == "Great talk <b>but</b> too fast & loud"
    assert await h.store.export_questions("all") == []

    # OTHER rates 2 and skips the comment: their next message is a question again.
    await h.press(OTHER, other_prompt, button_text="2 ⭐")
    skip_on = await fake.wait_for_message(OTHER, method="editMessageText")
    assert (await h.press(OTHER, skip_on, button_text="Skip"))["text"] == "OK, no comment."
    await h.say(OTHER, "is there a bowling alley")
    assert [r.comment for r in await h.store.feedback_ratings(SOC)] == [
        "Great talk <b>but</b> too fast & loud",
        None,
    ]

    # Organisers: the table, the session, checked by organiser_only.
    table = await h.say(ORGANISER, "/feedback")
    assert "3.0 ⭐ · 2 of 2 asked · 💬 1" in table["text"]
    assert "Building a SOC on a Pakistani budget · soc-on-a-budget" in table["text"]
    detail = await h.say(ORGANISER, f"/feedback {SOC}")
    assert "Average 3.0 ⭐ from 2 ratings · 2 asked" in detail["text"]
    assert "4 ⭐ ██████████ 1 (50%)" in detail["text"] and "3 ⭐ · 0 (0%)" in detail["text"]
    assert "4 ⭐ · Great talk <b>but</b> too fast & loud" in detail["text"]
    refused = await h.say(ATTENDEE, f"/feedback {SOC}")
    assert "only for the organisers" in refused["text"]
    unknown = await h.say(ORGANISER, "/feedback no-such-talk")
    assert "There is no session no-such-talk" in unknown["text"]
    later = await h.say(ORGANISER, "/feedback startup-showcase")
    assert "has not ended yet" in later["text"]

    # The export: every rating, comments whole.
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(main, ["feedback", "--format", "json"], out=out, err=err)
    assert code == 0, err.getvalue()
    exported = json.loads(out.getvalue())
    [soc] = [s for s in exported if s["session_id"] == SOC]
    assert soc["average"] == 3.0 and soc["ratings"] == 2 and soc["prompted"] == 2
    assert soc["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert [c["comment"] for c in soc["comments"]] == ["Great talk <b>but</b> too fast & loud"]
    out = io.StringIO()
    assert await asyncio.to_thread(main, ["feedback", "--format", "csv"], out=out, err=err) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sorted(r["stars"] for r in rows) == ["2", "4"]
    assert {r["session_id"] for r in rows} == {SOC}

    # /forget deletes the attendee's ratings and comments.
    confirm = await h.say(ATTENDEE, "/forget")
    await h.press(ATTENDEE, confirm, data="forget:yes")
    assert [r.stars for r in await h.store.feedback_ratings(SOC)] == [2]


async def test_two_hour_spacing_batches_and_a_restart_asks_once(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    starred = ["soc-on-a-budget", "ai-keynote", "cloud-security-talk", "nadra-identity-talk"]
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        for session_id in starred:
            await h.store.toggle_star(ATTENDEE, session_id, h.state.now())
        h.set_clock(day1(12, 16))  # the SOC talk ended at 12:15
        assert await check_feedback(h) == 1
        first = await fake.wait_for_message(ATTENDEE, contains="How was it?")
        assert "Building a SOC" in first["text"]
        await all_sent(h)
        h.set_clock(day1(13, 5))  # the AI keynote ended at 13:00: within 2 hours, it waits
        assert await check_feedback(h) == 0
        asked = await h.store.feedback_asked()
        assert (asked["ai-keynote"].prompted, asked["ai-keynote"].waiting) == (0, 1)
        table = await h.say(ORGANISER, "/feedback")
        assert "1 waiting (2-hour spacing)" in table["text"]
    # Down from 13:05 to 15:50: two more sessions ended meanwhile. On the start, 2 hours
    # have passed since the first prompt: ONE message for the three sessions.
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(15, 50)) as h:
        batch = await fake.wait_for_message(ATTENDEE, contains="Rate the sessions you attended")
        await all_sent(h)
        text = batch["text"]
        assert text.index("12:15") < text.index("14:00") < text.index("15:00")
        assert datas(batch)[-1] == "fb:off"
        assert len(labels(batch)) == 4 and all(
            label.startswith("⭐ ") for label in labels(batch)[:3]
        )
        assert len(prompts_to(h, ATTENDEE)) == 2
        # A session's button opens its own 1–5 prompt; rated, the button says so.
        keynote = next(label for label in labels(batch) if "12:15" in label)
        await h.press(ATTENDEE, batch, button_text=keynote)
        single = await fake.wait_for_message(ATTENDEE, contains="How was it?")
        await h.press(ATTENDEE, single, button_text="5 ⭐")
        opened_again = await h.press(ATTENDEE, batch, button_text=keynote)
        assert opened_again["show_alert"] and "already rated" in opened_again["text"]
        # A session never prompted for cannot be opened with forged data.
        forged = await h.press(ATTENDEE, batch, data=f"fb:o:{ENERGY_TOKEN}", forged=True)
        assert forged["show_alert"] and "not asked" in forged["text"]
    # Another restart at the same time: nothing is sent twice.
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(15, 51)) as h:
        assert await check_feedback(h) == 0
        sends = Counter(
            s for r in prompts_to(h, ATTENDEE) for s in datas(r) if s.startswith("fb:r:")
        )
        assert all(n == 1 for n in sends.values())
        assert len(prompts_to(h, ATTENDEE)) == 3  # the first, the batch, the one opened


async def test_no_more_requests_button_and_a_comment_across_a_restart(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(11, 30)) as h:
        await h.store.toggle_star(ATTENDEE, SOC, h.state.now())
        await h.store.toggle_star(OTHER, SOC, h.state.now())
        await h.store.toggle_star(OTHER, "ai-keynote", h.state.now())
        h.set_clock(day1(12, 16))
        assert await check_feedback(h) == 2
        prompt = await fake.wait_for_message(ATTENDEE, contains="How was it?")
        other_prompt = await fake.wait_for_message(OTHER, contains="How was it?")
        await h.press(ATTENDEE, prompt, button_text="3 ⭐")
        # OTHER wants no more requests: the ai-keynote prompt never comes.
        done = await h.press(OTHER, other_prompt, button_text="🔕 No more requests")
        assert done["text"] == "No more feedback requests."
        assert not await h.store.feedback_prompts_on(OTHER)
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(15, 0)) as h:
        # The comment window outlived the restart... but it is 15 minutes: long closed now.
        reply = await h.say(ATTENDEE, "is there a bowling alley")
        assert "comment" not in reply["text"]
        assert await check_feedback(h) == 0
        assert prompts_to(h, OTHER) == [other_prompt]
        # /feedback on again: old sessions do not come back.
        assert "Feedback requests are on" in (await h.say(OTHER, "/feedback on"))["text"]
        assert await check_feedback(h) == 0
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(12, 20)) as h:
        # Within the window after a restart (the clock set back for the test), the next
        # message is still the comment, not a question.
        saved = await h.say(ATTENDEE, "Loved the staffing numbers")
        assert "your comment on Building a SOC" in saved["text"]
        [mine] = [r for r in await h.store.feedback_ratings(SOC) if r.stars == 3]
        assert mine.comment == "Loved the staffing numbers"


async def test_a_long_comment_is_refused_and_kept_waiting(harness: Harness):
    h = harness
    await h.store.toggle_star(ATTENDEE, SOC, h.state.now())
    h.set_clock(day1(12, 16))
    await check_feedback(h)
    prompt = await h.fake.wait_for_message(ATTENDEE, contains="How was it?")
    await h.press(ATTENDEE, prompt, button_text="1 ⭐")
    too_long = await h.say(ATTENDEE, "x" * 1001)
    assert "1001 characters long: at most 1000" in too_long["text"]
    saved = await h.say(ATTENDEE, "where is the prayer room")
    assert "saved" in saved["text"]
    # A question sent as a comment by mistake: the comment goes, the rating stays.
    before = h.fake.mark()
    undo = await h.press(ATTENDEE, saved, button_text="↩️ That was not a comment")
    assert undo["text"] == "Comment removed."
    withdrawn = await h.fake.wait_for_message(ATTENDEE, method="editMessageText", after=before)
    assert "Send your question again" in withdrawn["text"] and not labels(withdrawn)
    [rating] = await h.store.feedback_ratings(SOC)
    assert (rating.stars, rating.comment) == (1, None)
    again = await h.press(ATTENDEE, saved, data=f"fb:u:{SOC_TOKEN}", forged=True)
    assert again["text"] == "This button has expired. Please ask again."
    assert "comment" not in (await h.say(ATTENDEE, "where is the prayer room"))["text"]


async def test_organiser_pages_comments_and_checks_the_presser(harness: Harness):
    h = harness
    voters = range(2001, 2013)
    for user_id in voters:
        await h.store.toggle_star(user_id, SOC, h.state.now())
    h.set_clock(day1(12, 16))
    assert await check_feedback(h) == len(voters)
    now = h.state.now()
    for n, user_id in enumerate(voters):
        await h.store.rate_session(user_id, SOC, 1 + n % 5, now, now + COMMENT_WINDOW)
        await h.store.comment_on_rating(user_id, SOC, f"comment number {n} <i>", now)
    first = await h.say(ORGANISER, f"/feedback {SOC}")
    assert "page 1/2" in first["text"] and "comment number 11 <i>" in first["text"]
    assert labels(first) == ["▶"]
    refused = await h.press(ATTENDEE, first, data=f"fb:p:{SOC_TOKEN}:1", forged=True)
    assert refused["show_alert"] and "only for the organisers" in refused["text"]
    await h.press(ORGANISER, first, button_text="▶")
    second = await h.fake.wait_for_message(ORGANISER, method="editMessageText")
    assert "page 2/2" in second["text"] and "comment number 0 <i>" in second["text"]
    assert labels(second) == ["◀"]
    later = key_token("session:startup-showcase")
    not_yet = await h.press(ORGANISER, second, data=f"fb:p:{later}:0", forged=True)
    assert not_yet["text"] == "This session has not ended yet: no feedback."
    gone = await h.press(ORGANISER, second, data="fb:p:0123456789:0", forged=True)
    assert gone["text"] == "That session is no longer in the agenda."
    stale = await h.press(ATTENDEE, second, data="fb:r:0123456789:3", forged=True)
    assert stale["text"] == "That session is no longer in the agenda."


async def test_the_table_before_any_session_ended(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, bot_now=day1(7, 0)) as h:
        empty = await h.say(ORGANISER, "/feedback")
        assert "No session has ended yet" in empty["text"]
        mine = await h.say(ATTENDEE, "/feedback")
        assert "Feedback requests after sessions are on" in mine["text"]
        gone = await h.say(ATTENDEE, "/feedback on")
        assert "Feedback requests are on" in gone["text"]
