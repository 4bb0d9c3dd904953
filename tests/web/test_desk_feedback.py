"""The desk's feedback view: the numbers /feedback shows, for organisers only, in the API
and in Chromium."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from bot.answering import Answerer
from bot.feedback import feedback_summaries
from bot.storage import QueuedPrompt
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER, Harness
from tests.web.browser import chromium, launch_url
from tests.web.support import init_data, web_bot

SESSION = "soc-on-a-budget"
COMMENT = "<b>Slides</b> too small & dim"
# Before anything has ended, so the bot's own feedback loop closes nothing by itself.
EARLY = datetime(2027, 2, 16, 9, 0)


async def rated(h: Harness) -> None:
    """Four attendees asked about the SOC talk: 5, 4 and 4 ⭐ (one comment), one silent."""
    store, now = h.store, h.state.now()
    users = (2001, 2002, 2003, 2004)
    for user in users:
        await store.toggle_star(user, SESSION, now)
    await store.close_for_feedback([SESSION], [], now)
    prompts = [QueuedPrompt(u, (SESSION,), "rate", '{"inline_keyboard": []}') for u in users]
    await store.queue_feedback_prompts(prompts, now)
    until = now + timedelta(minutes=15)
    for user, stars in zip(users, (5, 4, 4), strict=False):
        assert (await store.rate_session(user, SESSION, stars, now, until))[0] == "rated"
    assert await store.comment_on_rating(2002, SESSION, COMMENT, now + timedelta(minutes=1))


async def test_the_desk_shows_the_same_feedback_as_the_chat_to_organisers_only(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with web_bot(fake, tmp_path, sample_answerer, bot_now=EARLY) as (h, base):
        desk = {"X-Telegram-Init-Data": init_data(fake.token, ORGANISER)}
        attendee = {"X-Telegram-Init-Data": init_data(fake.token, ATTENDEE)}
        async with aiohttp.ClientSession() as http:
            empty = await (await http.get(base + "api/desk/feedback", headers=desk)).json()
            assert empty == {"sessions": [], "ended": 0, "ratings": 0, "comments": 0}
            await rated(h)
            table = await (await http.get(base + "api/desk/feedback", headers=desk)).json()
            [summary] = await feedback_summaries(h.store, sample_answerer.content)
            assert table["ended"] == 1 and table["ratings"] == 3 and table["comments"] == 1
            [row] = table["sessions"]
            assert row == {
                "id": SESSION,
                "title": summary.title,
                "starts": "16 Feb 11:15",
                "prompted": 4,
                "waiting": 0,
                "ratings": 3,
                "average": 4.3,
                "comments": 1,
            }
            one = await (await http.get(base + f"api/desk/feedback/{SESSION}", headers=desk)).json()
            assert one["detail"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
            assert one["detail"]["comments"] == [
                {"stars": 4, "text": COMMENT, "at": "16 Feb 09:01"}
            ]
            assert one["chart"].startswith("<svg") and "Ratings" in one["chart"]
            assert "<b>" not in one["chart"]  # every label escaped on the server
            assert str(2002) not in str(one) and str(2002) not in str(table)  # anonymous
            missing = await http.get(base + "api/desk/feedback/no-such-talk", headers=desk)
            assert missing.status == 404
            bad = await http.get(base + "api/desk/feedback/%3Cx%3E", headers=desk)
            assert bad.status == 404
            # The ratings as CSV, by a signed link that is checked again on download.
            link = await (await http.get(base + "api/desk/feedback-csv-link", headers=desk)).json()
            download = await http.get(base + link["path"])
            assert download.status == 200
            text = (await download.read()).decode()
            assert text.startswith("\ufeffsession_id,session,starts,stars,comment,rated_at")
            assert text.count(SESSION) == 3 and COMMENT in text
            forged = link["path"].replace(link["path"][-10:-4], "000000")
            assert (await http.get(base + forged)).status == 401
            # Attendees are refused every call; forged initData is refused before that.
            forged_auth = {"X-Telegram-Init-Data": init_data("42:another-bots-token", ORGANISER)}
            for path in (
                "api/desk/feedback",
                f"api/desk/feedback/{SESSION}",
                "api/desk/feedback-csv-link",
            ):
                assert (await http.get(base + path, headers=attendee)).status == 403, path
                assert (await http.get(base + path, headers=forged_auth)).status == 401, path


async def test_the_desk_feedback_tab_in_the_browser(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with (
        web_bot(fake, tmp_path, sample_answerer, bot_now=EARLY) as (h, base),
        chromium() as browser,
    ):
        await rated(h)
        await browser.open(launch_url(base + "desk", init_data(fake.token, ORGANISER)))
        assert await browser.ready() == "true"
        await browser.click("#tab-feedback")
        await browser.until("document.querySelector('[data-feedback]')")
        assert await browser.text("#fb-totals") == "Sessions ended: 1 · ratings: 3 · comments: 1"
        card = f"[data-feedback='{SESSION}']"
        line = await browser.text(card)
        assert "4.3 ⭐ · 3 of 4 asked · 💬 1" in line and "16 Feb 11:15" in line
        await browser.click(f"{card} button")
        await browser.until(f'document.querySelector("{card} .fb-detail svg")')
        detail = await browser.text(f"{card} .fb-detail")
        assert "Average 4.3 ⭐ from 3 ratings · 4 asked" in detail
        assert COMMENT in detail and "Comments, newest first (1)" in detail
        assert "null" not in detail and "No comments." not in detail
        assert await browser.js("return document.querySelectorAll('.fb-detail b').length") == 0
        assert await browser.fits_width()
        await browser.screenshot("desk-feedback")
