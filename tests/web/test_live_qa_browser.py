"""The Mini App's Top questions in a real browser: ask from a session, upvote and take the
vote back, moderate, and the refusals shown on the page (Debian's Chromium, as the other
Mini App tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest_asyncio

from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER
from tests.handlers.test_live_qa import MODERATOR, SESSION, moderated_answerer
from tests.harness import ATTENDEE, Harness
from tests.web.browser import Browser, chromium, launch_url
from tests.web.support import init_data, web_bot

ITEMS = "[...document.querySelectorAll('#qa-list [data-question]')]"
TEXTS = f"return {ITEMS}.map(e => e.querySelector('.q').textContent)"


@pytest_asyncio.fixture
async def page(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[Harness, str, Browser]]:
    answerer = moderated_answerer(tmp_path)
    async with (
        web_bot(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as (h, base),
        chromium() as browser,
    ):
        yield h, base, browser


async def open_as(
    h: Harness, base: str, browser: Browser, user: int, *, language: str = "en"
) -> None:
    """The programme as `user`, then the SOC talk's Top questions."""
    await browser.open("about:blank")
    await browser.open(launch_url(base, init_data(h.fake.token, user, language=language)))
    assert await browser.ready() == "true"
    await browser.click(f"[data-session='{SESSION}']")
    await browser.click("#qa-top-button")
    await browser.until("document.body.dataset.qa === 'ready'")


async def test_ask_from_the_session_then_others_upvote_and_take_it_back(page):
    h, base, browser = page
    fake = h.fake
    panel = await h.say(MODERATOR, f"/moderate {SESSION}")
    assert "0 open" in panel["text"]
    # A question asked in the chat is on the page too, ranked with the page's own.
    await h.store.add_live_question(
        SESSION, 4242, "Zara", "Asked in the chat first?", h.state.now()
    )
    await browser.open(launch_url(base, init_data(fake.token, ATTENDEE)))
    assert await browser.ready() == "true"
    await browser.click(f"[data-session='{SESSION}']")
    assert await browser.text("#qa-ask-button") == "❓ Ask the speaker"
    await browser.click("#qa-ask-button")
    await browser.until("document.body.dataset.qa === 'ready'")
    assert await browser.js("return document.activeElement.id") == "qa-text"
    # Too short: the server's reason, next to the box; nothing stored.
    await browser.type("#qa-text", "why")
    await browser.click("#qa-send")
    refused = await browser.until(
        "!document.getElementById('qa-refused').hidden"
        " && document.getElementById('qa-refused').textContent"
    )
    assert refused == "That is too short for a question to the speaker: at least 5 characters."
    # Markup in a question is text on the page, never HTML.
    text = 'Can <img src=x onerror="document.title=1"> & <b>SIEMs</b> scale?'
    await browser.js("document.getElementById('qa-text').value = '';")
    await browser.type("#qa-text", text)
    assert await browser.text("#qa-chars") == f"{len(text)}/500"
    await browser.click("#qa-send")
    await browser.until(f"{ITEMS}.length === 2")
    assert await browser.js(TEXTS) == ["Asked in the chat first?", text]
    assert (
        await browser.js("return document.querySelectorAll('#qa-list img, #qa-list b').length") == 0
    )
    toast = await browser.until("document.getElementById('toast').textContent")
    assert toast.startswith("✅ Your question #") and "anonymously" in toast
    mine = f"{ITEMS}[1]"
    assert "Your question" in await browser.js(f"return {mine}.innerText")
    assert await browser.js(f"return {mine}.querySelector('.vote').disabled") is True
    # The moderators' list in Telegram has it (and the name), escaped.
    edited = await fake.wait_for_message(MODERATOR, method="editMessageText", contains="2 open")
    assert "&lt;img src=x" in edited["raw_text"]
    await browser.screenshot("qa-asked")

    # Another attendee upvotes the page's question: it moves up; pressed again, back down.
    await open_as(h, base, browser, OTHER)
    assert await browser.js(TEXTS) == ["Asked in the chat first?", text]
    assert "Your question" not in await browser.text("#qa-list")
    assert "Ayesha" not in await browser.text("#qa-list")  # anonymous: no name
    await browser.js(f"{ITEMS}[1].querySelector('.vote').click()")
    await browser.until(
        f"{ITEMS}[0].querySelector('.vote').getAttribute('aria-pressed') === 'true'"
    )
    assert await browser.js(TEXTS) == [text, "Asked in the chat first?"]
    assert await browser.js(f"return {ITEMS}[0].querySelector('.vote').textContent") == "👍 1"
    assert await browser.until("document.getElementById('toast').textContent") == "👍 Upvoted."
    [question] = [q for q in await h.store.live_questions(SESSION) if q.text == text]
    assert question.votes == 1
    await browser.screenshot("qa-voted")
    await browser.js(f"{ITEMS}[0].querySelector('.vote').click()")
    await browser.until(f"{ITEMS}[0].querySelector('.q').textContent.startsWith('Asked')")
    assert await browser.until("document.getElementById('toast').textContent") == (
        "Vote taken back."
    )
    assert await browser.js(f"return {ITEMS}[1].querySelector('.vote').ariaPressed") == "false"
    assert await browser.js(TEXTS) == ["Asked in the chat first?", text]
    assert (await h.store.live_question(question.id)).votes == 0  # type: ignore[union-attr]
    assert await browser.fits_width()
    # Back: to the session.
    await browser.click("#back")
    await browser.until("!document.getElementById('detail-view').hidden")
    assert await browser.js("return document.getElementById('qa-view').hidden") is True


async def test_moderators_answer_hide_and_pin_and_attendees_never_see_hidden(page):
    h, base, browser = page
    store = h.store
    first = await store.add_live_question(
        SESSION, ATTENDEE, "Ayesha", "First: budgets?", h.state.now()
    )
    second = await store.add_live_question(
        SESSION, OTHER, "Bilal", "Second: tooling?", h.state.now()
    )
    third = await store.add_live_question(SESSION, 4242, "Zara", "Third: rude words", h.state.now())
    await store.show_live_name(second, OTHER, True)
    await store.toggle_live_vote(second, 5555, h.state.now())

    await open_as(h, base, browser, MODERATOR)
    assert "You moderate this session" in await browser.text("#qa-moderating")
    assert await browser.text("#qa-counts") == "3 open · 0 answered · 0 hidden"
    listing = await browser.text("#qa-list")
    assert "Ayesha · anonymous" in listing and "Bilal" in listing  # names, to moderators
    await browser.screenshot("qa-moderator")
    card = "document.querySelector('[data-question=\"{id}\"]')"
    await browser.js(card.format(id=third) + ".querySelector('[data-action=hidden]').click()")
    await browser.until("document.getElementById('qa-counts').textContent.includes('1 hidden')")
    await browser.js(card.format(id=first) + ".querySelector('[data-action=pin]').click()")
    await browser.until(card.format(id=first) + ".classList.contains('pinned')")
    await browser.js(card.format(id=second) + ".querySelector('[data-action=answered]').click()")
    await browser.until("document.getElementById('qa-counts').textContent.includes('1 answered')")
    assert await browser.js(TEXTS) == ["First: budgets?", "Second: tooling?", "Third: rude words"]
    marks = await browser.js(
        f"return {ITEMS}.map(e => e.querySelector('.qa-mark') && "
        "e.querySelector('.qa-mark').textContent)"
    )
    assert marks == ["📌 Pinned", "✅ Answered", "🚫 Hidden: only the moderators see it"]
    stored = {q.id: q for q in await store.live_questions(SESSION)}
    assert (stored[first].pinned, stored[second].status, stored[third].status) == (
        True,
        "answered",
        "hidden",
    )

    # An attendee: the hidden question is not there, the answered one is last and marked,
    # no moderation buttons, and only the name the asker chose to show.
    await open_as(h, base, browser, 4243)
    assert await browser.js(TEXTS) == ["First: budgets?", "Second: tooling?"]
    assert "rude" not in await browser.text("body")
    assert await browser.js("return document.querySelectorAll('[data-action=hidden]').length") == 0
    assert await browser.text("#qa-counts") == "Questions: 2"
    listing = await browser.text("#qa-list")
    assert "Bilal" in listing and "Ayesha" not in listing and "anonymous" not in listing
    assert await browser.js(f"return {ITEMS}[1].querySelector('.vote').disabled") is True
    await browser.screenshot("qa-attendee")

    # The page refreshes by itself: a hide in the chat disappears within seconds.
    await store.moderate_live(first, "hidden", h.state.now())
    await browser.until(f"{ITEMS}.length === 1", timeout=15)


async def test_after_the_window_no_ask_and_urdu_reads_right_to_left(page):
    h, base, browser = page
    h.set_clock(datetime(2027, 2, 16, 12, 31))  # 16 minutes after the talk's end
    await h.store.add_live_question(SESSION, 4242, "Zara", "Still here afterwards?", h.state.now())
    await browser.open(launch_url(base, init_data(h.fake.token, ATTENDEE, language="ur")))
    assert await browser.ready() == "true"
    await browser.click(f"[data-session='{SESSION}']")
    await browser.until("document.getElementById('qa-top-button')")
    assert await browser.js("return document.getElementById('qa-ask-button')") is None
    assert await browser.text("#qa-top-button") == "📋 نمایاں سوالات"
    await browser.click("#qa-top-button")
    await browser.until("document.body.dataset.qa === 'ready'")
    assert await browser.js("return document.getElementById('qa-ask').hidden") is True
    assert "15 منٹ بعد بند" in await browser.text("#qa-closed")
    assert await browser.js(TEXTS) == ["Still here afterwards?"]
    assert await browser.js("return document.documentElement.dir") == "rtl"
    assert await browser.fits_width()
    await browser.screenshot("qa-urdu-closed")
