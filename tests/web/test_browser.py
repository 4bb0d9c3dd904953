"""The Mini App in a real browser, end to end against the bot and the fake Bot API.

Each page is also saved as a screenshot under artifacts/screenshots (kept by CI, not git).
"""

from __future__ import annotations

from pathlib import Path

from bot.answering import Answerer
from bot.config import Settings
from bot.storage import NewQuestion
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER, ROOT
from tests.ports import free_port
from tests.web.browser import chromium, launch_url
from tests.web.support import init_data, web_bot

DARK = '{"bg_color":"#17212b","text_color":"#f5f5f5","button_color":"#5288c1"}'


async def test_programme_in_english_with_now_line_details_and_dark_theme(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    content = sample_answerer.content
    async with web_bot(fake, tmp_path, sample_answerer) as (_, base), chromium() as browser:
        await browser.open(launch_url(base, init_data(fake.token, ATTENDEE), theme=DARK))
        assert await browser.ready() == "true"
        assert await browser.js("return document.documentElement.dir") == "ltr"
        tabs = await browser.js(
            "return [...document.querySelectorAll('#days button')].map(b => b.textContent)"
        )
        assert tabs[0].startswith("Day 1 · Tue 16 Feb") and len(tabs) == len(content.days)
        # Day 1 at 11:30 (BOT_NOW): the now line sits between what started and what has not.
        before = await browser.js(
            "const line = document.getElementById('now-line');"
            "return line && line.previousElementSibling.querySelector('.time').textContent;"
        )
        after = await browser.js(
            "return document.getElementById('now-line').nextElementSibling"
            ".querySelector('.time').textContent;"
        )
        assert before[:5] <= "11:30" < after[:5]
        background = await browser.js("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 33, 43)"  # Telegram's themeParams applied
        assert await browser.fits_width()
        await browser.screenshot("programme-en")
        session = next(s for s in content.sessions if s.speakers and s.room and s.description)
        await browser.click(f"#days button[data-day='{session.day.isoformat()}']")
        await browser.click(f"[data-session='{session.id}']")
        await browser.until("document.getElementById('detail-title')")
        assert await browser.text("#detail-title") == session.title
        room = await browser.text("#detail-room")
        assert session.room.name in room and (session.room.floor or "") in room
        page = await browser.text("#detail-view")
        assert session.speakers[0].name in page and (session.speakers[0].bio or "") in page
        href = await browser.js("return document.getElementById('ics').href")
        assert href.endswith(f"/app/ics/{session.id}.ics")
        await browser.screenshot("programme-detail")
        await browser.click("#back")  # no Telegram here: the page's own back button
        await browser.until("!document.getElementById('programme-view').hidden")


async def test_programme_in_urdu_reads_right_to_left(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with web_bot(fake, tmp_path, sample_answerer) as (_, base), chromium() as browser:
        raw = init_data(fake.token, ATTENDEE, language="ur")
        await browser.open(launch_url(base, raw))
        assert await browser.ready() == "true"
        assert await browser.js(
            "return [document.documentElement.dir, document.documentElement.lang]"
        ) == ["rtl", "ur"]
        tabs = await browser.js(
            "return [...document.querySelectorAll('#days button')].map(b => b.textContent)"
        )
        assert tabs[0] == "دن 1 · منگل 16 فروری"
        assert await browser.text("#tab-mine") == "میرا شیڈول"
        assert await browser.js("return document.getElementById('search').placeholder") == (
            "سیشن اور مقررین تلاش کریں"
        )
        assert await browser.fits_width()
        await browser.screenshot("programme-ur")


async def test_filters_and_search_work_on_the_page_without_reloading(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    content = sample_answerer.content
    day = content.days[0]
    on_day = [s for s in content.sessions if s.day == day]
    room = next(s.room for s in on_day if s.room and s.room.id == "lab-2")
    speaker = next(sp for s in on_day for sp in s.speakers)
    async with web_bot(fake, tmp_path, sample_answerer) as (_, base), chromium() as browser:
        await browser.open(launch_url(base, init_data(fake.token, ATTENDEE)))
        await browser.ready()
        await browser.js("window.notReloaded = true;")
        shown = (
            "return [...document.querySelectorAll('#sessions [data-session]')]"
            ".map(e => e.dataset.session)"
        )
        assert sorted(await browser.js(shown)) == sorted(s.id for s in on_day)
        await browser.select("#room", room.id)
        assert sorted(await browser.js(shown)) == sorted(
            s.id for s in on_day if s.room and s.room.id == room.id
        )
        await browser.select("#room", "")
        await browser.type("#search", speaker.name.split()[0].lower())
        found = await browser.js(shown)
        assert found and all(
            any(
                speaker.name.split()[0].lower() in sp.name.lower()
                for sp in content.session(i).speakers
            )
            or speaker.name.split()[0].lower() in content.session(i).title.lower()
            or speaker.name.split()[0].lower() in (content.session(i).description or "").lower()
            for i in found
        )
        await browser.type("#search", " zzzz-nothing")
        await browser.until("!document.getElementById('empty').hidden")
        assert await browser.js("return window.notReloaded") is True
        await browser.screenshot("programme-filtered")


async def test_a_star_on_the_page_shows_in_mysessions_and_back(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    content = sample_answerer.content
    session = content.sessions[3]
    async with web_bot(fake, tmp_path, sample_answerer) as (h, base), chromium() as browser:
        url = launch_url(base, init_data(fake.token, ATTENDEE))
        await browser.open(url)
        await browser.ready()
        await browser.click(f"#days button[data-day='{session.day.isoformat()}']")
        await browser.click(f"[data-session='{session.id}']")
        await browser.click("#star")
        await browser.until(
            "document.getElementById('star').getAttribute('aria-pressed') === 'true'"
        )
        reply = await h.say(ATTENDEE, "/mysessions")
        assert session.title in reply["text"]
        # The other way: star a session in the chat, then the page shows it in My schedule.
        other = content.sessions[10]
        star = (
            await h.say(ATTENDEE, f"/speaker {other.speakers[0].name}") if other.speakers else None
        )
        await h.store.toggle_star(ATTENDEE, other.id, h.state.now()) if star is None else None
        if star is not None:
            button = next(
                b
                for row in star["reply_markup"]["inline_keyboard"]
                for b in row
                if b["callback_data"].startswith("star:") and other.title[:10] in b["text"]
            )
            await h.press(ATTENDEE, star, data=button["callback_data"])
        await browser.open(url)
        await browser.js("location.reload()")
        await browser.ready()
        await browser.click("#tab-mine")
        mine = "[...document.querySelectorAll('#mine [data-session]')].map(e => e.dataset.session)"
        assert sorted(await browser.until(mine)) == sorted([session.id, other.id])
        await browser.select("#reminder", "30")
        await h.until(lambda: _pref(h, 30))
        await browser.screenshot("my-schedule")


async def _pref(h, minutes):
    return await h.store.reminder_pref(ATTENDEE) == (True, minutes)


async def test_the_desk_answers_and_the_attendee_receives_it(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with web_bot(fake, tmp_path, sample_answerer) as (h, base), chromium() as browser:
        await h.say(ATTENDEE, "can I bring my pet iguana to the gala")
        await h.say(1002, "can I bring my pet iguana to the gala?")
        await browser.open(launch_url(base + "desk", init_data(fake.token, ORGANISER)))
        assert await browser.ready() == "true"
        card = await browser.until("document.querySelector('[data-question]')")
        assert card
        assert "asked 2× by 2" in await browser.text("[data-question]")
        await browser.screenshot("desk-questions")
        after = fake.mark()
        await browser.type("[data-question] textarea", "Pets stay home <3 & thanks")
        await browser.click("[data-question] [data-action='answer']")
        result = await browser.until(
            "document.querySelector('.result') && document.querySelector('.result').textContent"
        )
        assert result == "Sent to 2 of 2 attendee(s)."
        for chat in (ATTENDEE, 1002):
            message = await fake.wait_for_message(chat, after=after)
            assert "Pets stay home <3 & thanks" in message["text"]
        # The teach offer, as in the organisers' chat (issue 17): one tap teaches.
        offer = await browser.until(
            "document.querySelector('[data-teach]') "
            "&& document.querySelector('[data-teach]').innerText"
        )
        assert "Also use this for similar questions?" in offer
        assert "➕ New FAQ entry" in offer and "Other…" in offer
        await browser.screenshot("desk-teach-offer")
        await browser.click("[data-teach] [data-choice='other']")
        await browser.until("!document.querySelector(\"[data-teach] [data-choice='other']\")")
        await browser.click("[data-teach] [data-choice='new']")
        taught = await browser.until(
            "document.querySelector('.taught') && document.querySelector('.taught').textContent"
        )
        assert taught.startswith("📚 Learned a new entry")
        [row] = await h.store.learned("active")
        assert row.is_entry and row.answer == "Pets stay home <3 & thanks"
        await browser.click("#status-answered")
        await browser.until("document.querySelector('.answer')")
        await browser.click("#tab-stats")
        await browser.until("document.querySelectorAll('#charts svg').length === 4")
        assert await browser.fits_width()
        await browser.screenshot("desk-stats")


def rejected_mark(label: str) -> str:
    return f"👎 did not help: the bot answered with {label}"


async def test_the_desk_marks_questions_passed_on_after_a_thumbs_down(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """Like the chat post, the desk says which answer did not help, as text, never HTML."""
    async with web_bot(fake, tmp_path, sample_answerer) as (h, base), chromium() as browser:
        answer = await h.say(ATTENDEE, "wifi password")
        [asked] = await h.store.export_questions()
        assert asked.decision == "answer" and asked.best_label
        await h.press(ATTENDEE, answer, data=f"vote:{asked.id}:-1")
        down = await fake.wait_for_message(ATTENDEE, method="editMessageReplyMarkup")
        await h.press(ATTENDEE, down, button_text="🙋 Ask the organisers")
        # An entry reloaded away since: the label stored with the question shows, as text.
        now = h.state.now()
        hostile = '<img src=x onerror="document.title=1">Fees & <b>dates</b>'
        [gone] = await h.store.record_questions(
            [NewQuestion(1002, 1002, 50, "fees?", "fee", "answer", now, "faq", "gone", hostile)]
        )
        assert await h.store.pass_on_rejected(gone, "faq:gone", now)
        await h.say(1003, "can I bring my pet iguana to the gala")  # not after a 👎
        await browser.open(launch_url(base + "desk", init_data(fake.token, ORGANISER)))
        assert await browser.ready() == "true"
        await browser.until("document.querySelectorAll('[data-question]').length === 3")
        marks = await browser.js(
            "return Array.from(document.querySelectorAll('[data-rejected]'), e => e.textContent)"
        )
        assert sorted(marks) == sorted([rejected_mark(asked.best_label), rejected_mark(hostile)])
        card = f"[data-question='{asked.id}'] [data-rejected]"
        assert await browser.text(card) == rejected_mark(asked.best_label)
        assert (
            await browser.js("return document.querySelectorAll('.card img, .card b').length") == 0
        )
        assert await browser.js("return document.title") != "1"
        assert await browser.fits_width()
        await browser.screenshot("desk-downvoted")


async def test_the_desk_refuses_attendees_and_bad_init_data(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with web_bot(fake, tmp_path, sample_answerer) as (h, base), chromium() as browser:
        await h.say(ATTENDEE, "can I bring my pet iguana to the gala")
        await browser.open(launch_url(base + "desk", init_data(fake.token, ATTENDEE)))
        assert await browser.ready() == "error"
        assert await browser.text("#error") == "This page is for the organisers only."
        assert "iguana" not in await browser.text("body")
        await browser.screenshot("desk-refused")
        cases = {
            "forged": init_data("42:some-other-bots-token-entirely", ORGANISER),
            "stale": init_data(fake.token, ORGANISER, age=25 * 3600),
            "missing": None,
        }
        for name, raw in cases.items():
            for page in ("", "desk"):
                await browser.open("about:blank")
                await browser.open(launch_url(base + page, raw))
                assert await browser.ready() == "error", (name, page)
                assert await browser.text("#error") == (
                    "Please open this page from the bot in Telegram."
                ), (name, page)
                assert "iguana" not in await browser.text("body")


async def test_the_preview_chat_answers_suggests_and_hands_off(tmp_path: Path):
    from bot.content import load_content
    from bot.web.preview import Preview

    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    port = free_port()
    settings = Settings(agenda_path=ROOT / "agenda.yaml", faq_dir=ROOT / "faq", web_port=port)
    preview = Preview(settings, content, port)
    await preview.start()
    try:
        async with chromium() as browser:
            await browser.open(f"http://127.0.0.1:{port}/preview/chat")
            await browser.ready()
            bubbles = "document.querySelectorAll('.bubble.bot').length"

            async def ask(text: str, count: int) -> str:
                await browser.type("#text", text)
                await browser.click("#send")
                await browser.until(f"{bubbles} >= {count}")
                return await browser.js(
                    "const all = document.querySelectorAll('.bubble.bot');"
                    "return all[all.length - 1].innerText;"
                )

            answer = await ask("is there wifi", 1)
            assert "NCSC2027-Guest" in answer and "👍" in answer
            suggestion = await ask("workshop", 2)
            assert "Did you mean" in suggestion and "Which workshops are offered?" in suggestion
            await browser.js(
                "const all = document.querySelectorAll('.bubble.bot');"
                "[...all[all.length - 1].querySelectorAll('button')]"
                ".find(b => b.textContent === 'Which workshops are offered?').click();"
            )
            await browser.until(
                "!document.querySelectorAll('.bubble.bot')[1].innerText.includes('Did you mean')"
            )
            picked = await browser.js(
                "return document.querySelectorAll('.bubble.bot')[1].innerText"
            )
            assert "workshop" in picked.lower() and "👍" in picked
            handed = await ask("can I bring my pet iguana to the gala", 3)
            assert "passed your question to the organisers" in handed
            await browser.screenshot("preview-chat")
            assert "Preview" in await browser.text("#banner")
            # The hand-off lands in the preview's desk; an answer there comes back to the chat.
            await browser.open(f"http://127.0.0.1:{port}/preview/open/desk")
            await browser.ready()
            assert "iguana" in await browser.until(
                "document.querySelector('[data-question]') "
                "&& document.querySelector('[data-question]').innerText"
            )
            assert "Preview" in await browser.text("#preview")
            await browser.type("[data-question] textarea", "Only service animals, sorry.")
            await browser.click("[data-question] [data-action='answer']")
            await browser.until("document.querySelector('.result')")
            await browser.screenshot("preview-desk")
            await browser.open(f"http://127.0.0.1:{port}/preview/chat")
            await browser.until("document.body.innerText.includes('Only service animals, sorry.')")
            await browser.open(f"http://127.0.0.1:{port}/preview/open/programme")
            assert await browser.ready() == "true"
            await browser.screenshot("preview-programme")
    finally:
        await preview.stop()
