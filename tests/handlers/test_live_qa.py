"""Live Q&A end to end through the fake Bot API: ask, upvote, moderate, hide, export."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.answering import Answerer
from bot.answering.text import key_token
from bot.cli import main
from bot.clock import Clock
from bot.content import load_content
from bot.live_qa import EditPacer
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER, datas, labels
from tests.harness import ATTENDEE, NOW, ROOT, Harness, bot_running

MODERATOR = 7001
SESSION = "soc-on-a-budget"
TOKEN = key_token(f"session:{SESSION}")


def moderated_answerer(tmp_path: Path) -> Answerer:
    """The sample conference with MODERATOR as the SOC talk's moderator."""
    text = (ROOT / "agenda.yaml").read_text(encoding="utf-8")
    anchor = f"  - id: {SESSION}\n"
    assert anchor in text
    text = text.replace(anchor, anchor + f"    moderators: [{MODERATOR}]\n")
    path = tmp_path / "agenda.yaml"
    path.write_text(text, encoding="utf-8")
    content = load_content(path, ROOT / "faq")
    return Answerer(content, Clock(content.conference.timezone, NOW))


@pytest_asyncio.fixture
async def live(fake: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    answerer = moderated_answerer(tmp_path)
    async with bot_running(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as h:
        # Tests must not wait 3 s between edits; the floor itself is tested on the pacer.
        h.state.live_pacer = None
        yield h


async def ask_by_button(h: Harness, user: int, text: str) -> dict:
    now = await h.say(user, "/now")
    ask = next(label for label in labels(now) if label.startswith("❓") and "SOC" in label)
    await h.press(user, now, button_text=ask)
    await h.fake.wait_for_message(user, contains="send it as your next message")
    return await h.say(user, text)


async def test_ask_upvote_moderate_hide_and_export(
    live: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    h, fake = live, live.fake
    monkeypatch.setenv("DATABASE_PATH", str(h.settings.database_path))
    monkeypatch.setenv("AGENDA_PATH", str(tmp_path / "agenda.yaml"))
    monkeypatch.setenv("FAQ_DIR", str(ROOT / "faq"))
    receipt = await ask_by_button(h, ATTENDEE, "How many analysts per shift <b>&?")
    assert "question #1" in receipt["text"] and "anonymously" in receipt["text"]
    [question] = await h.store.live_questions(SESSION)
    assert question.text == "How many analysts per shift <b>&?" and not question.show_name
    # Out of the FAQ matcher and the unanswered log.
    assert await h.store.export_questions("all") == []

    # Limits: 30 s between questions, then too short.
    refused = await ask_by_button(h, ATTENDEE, "And what about the night shift?")
    assert "every 30 seconds" in refused["text"]
    h.set_clock(datetime(2027, 2, 16, 11, 31))
    assert "too short" in (await ask_by_button(h, ATTENDEE, "why"))["text"]
    assert "at most 500" in (await ask_by_button(h, ATTENDEE, "x" * 501))["text"]

    # Another attendee sees the list (escaped text, no name) and upvotes: a toggle.
    other_now = await h.say(OTHER, "/now")
    top = await h.press(OTHER, other_now, data=f"qa:top:{TOKEN}:0")
    assert top["text"] is None
    listing = await fake.wait_for_message(OTHER, contains="Top questions")
    assert "How many analysts per shift <b>&?" in listing["text"]
    assert "👍 0" in listing["text"] and "anonymous" not in listing["text"]
    assert (await h.press(OTHER, listing, button_text="👍 1"))["text"] == "👍 Upvoted."
    edited = await fake.wait_for_message(OTHER, method="editMessageText")
    assert "👍 1" in edited["text"] and "✅ 👍 1" in labels(edited)
    assert (await h.press(OTHER, edited, data=f"qa:up:{question.id}:0"))["text"] == (
        "Vote taken back."
    )
    await h.press(OTHER, edited, data=f"qa:up:{question.id}:0")
    assert (await h.store.live_question(question.id)).votes == 1  # type: ignore[union-attr]
    # One's own question cannot be upvoted, even with forged data.
    own = await h.press(ATTENDEE, receipt, data=f"qa:up:{question.id}:0", forged=True)
    assert own["show_alert"] and "cannot be voted" in own["text"]

    # The asker shows the name.
    shown = await h.press(ATTENDEE, receipt, button_text="👤 Show my name")
    assert "name is now shown" in shown["text"]

    # Moderators: the session's moderator gets the live list; an attendee is refused.
    refused_mod = await h.say(OTHER, f"/moderate {SESSION}")
    assert "Only the session's moderators" in refused_mod["text"]
    panel = await h.say(MODERATOR, f"/moderate {SESSION}")
    assert "Moderating" in panel["text"] and "1 open" in panel["text"]
    assert f"qa:m:h:{question.id}" in datas(panel)
    forged = await h.press(OTHER, panel, data=f"qa:m:h:{question.id}", forged=True)
    assert forged["show_alert"] and "moderators" in forged["text"]
    # A second question, then a pin: the live list is edited in place.
    h.set_clock(datetime(2027, 2, 16, 11, 40))
    after = fake.mark()
    await ask_by_button(h, OTHER, "Which open-source SIEM did you pick?")
    second = max(q.id for q in await h.store.live_questions(SESSION))
    panel = await fake.wait_for_message(
        MODERATOR, method="editMessageText", after=after, contains="2 open"
    )
    after = fake.mark()
    assert (await h.press(MODERATOR, panel, data=f"qa:m:p:{second}"))["text"] == "Done."
    pinned = await fake.wait_for_message(
        MODERATOR, method="editMessageText", after=after, contains="📌"
    )
    assert pinned["text"].index("📌 Which") < pinned["text"].index("How many")

    # Hide the first: gone for everyone, and votes on it refused.
    assert (await h.press(MODERATOR, panel, data=f"qa:m:h:{question.id}"))["text"] == "Done."
    hidden_vote = await h.press(OTHER, listing, data=f"qa:up:{question.id}:0", forged=True)
    assert hidden_vote["show_alert"]
    after = fake.mark()
    await h.press(OTHER, other_now, data=f"qa:top:{TOKEN}:0")
    again = await fake.wait_for_message(OTHER, contains="Top questions", after=after)
    assert "How many" not in again["text"] and "Which open-source" in again["text"]

    # The speaker's export: ranked, hidden left out.
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(
        main, ["questions", SESSION, "--format", "json"], out=out, err=err
    )
    assert code == 0, err.getvalue()
    rows = json.loads(out.getvalue())
    assert [r["question"] for r in rows] == ["Which open-source SIEM did you pick?"]

    # /forget removes the attendee's questions and votes.
    await h.store.forget_user(OTHER)
    [left] = await h.store.live_questions(SESSION)
    assert left.id == question.id and left.votes == 0  # OTHER's question and vote are gone
    confirm = await h.say(ATTENDEE, "/forget")
    await h.press(ATTENDEE, confirm, data="forget:yes")
    assert await h.store.live_questions(SESSION) == []


async def test_ask_command_asks_which_session_starred_first(live: Harness):
    h = live
    await h.store.toggle_star(ATTENDEE, SESSION, h.state.now())
    pick = await h.say(ATTENDEE, "/ask What budget did the board approve?")
    assert "Which one" in pick["text"]
    first = labels(pick)[0]
    assert first.startswith("⭐") and "SOC" in first
    await h.press(ATTENDEE, pick, button_text=first)
    receipt = await h.fake.wait_for_message(ATTENDEE, contains="question #1")
    assert "Building a SOC" in receipt["text"]
    assert "Write your question" in (await h.say(ATTENDEE, "/ask"))["text"]
    h.set_clock(datetime(2027, 2, 16, 3, 0))
    assert "No session is taking questions" in (await h.say(ATTENDEE, "/ask hello there"))["text"]


async def test_questions_close_15_minutes_after_the_session(live: Harness):
    h = live
    now = await h.say(ATTENDEE, "/now")
    ask = next(label for label in labels(now) if label.startswith("❓") and "SOC" in label)
    h.set_clock(datetime(2027, 2, 16, 12, 31))  # the talk ended at 12:15
    closed = await h.press(ATTENDEE, now, button_text=ask)
    assert closed["show_alert"] and "not taking questions" in closed["text"]


async def test_the_pacer_keeps_the_floor_and_ends_current():
    """A burst of requests: edits never closer than the floor, and one after the last."""
    loop = asyncio.get_running_loop()
    runs: list[float] = []
    requested: list[float] = []

    async def refresh(key: str) -> None:
        runs.append(loop.time())

    pacer = EditPacer(refresh, floor=0.2, clock=loop.time)
    for _ in range(30):
        requested.append(loop.time())
        pacer.request("s")
        await asyncio.sleep(0.01)
    while pacer.pending:
        await asyncio.sleep(0.05)
    await pacer.close()
    assert len(runs) < len(requested)
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(runs))
    assert runs[-1] >= requested[-1]  # the last request was served


@pytest.mark.parametrize("value", ["abc", "-5", "true"])
def test_moderators_must_be_user_ids(tmp_path: Path, value: str):
    from bot.content import ContentError

    text = (ROOT / "agenda.yaml").read_text(encoding="utf-8")
    anchor = f"  - id: {SESSION}\n"
    path = tmp_path / "agenda.yaml"
    path.write_text(text.replace(anchor, anchor + f"    moderators: [{value}]\n"), encoding="utf-8")
    with pytest.raises(ContentError, match="moderators must be Telegram user ids"):
        load_content(path, ROOT / "faq")
