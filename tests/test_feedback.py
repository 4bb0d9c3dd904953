"""Feedback core: who is asked about what and when, the batching, the results, and the
prompts going out through the broadcast engine with their own buttons."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import feedback, render
from bot.broadcast import Broadcaster, SendResult
from bot.cli import main
from bot.content import Content, load_content
from bot.feedback import (
    LATE_LIMIT,
    SPACING,
    CommentWaits,
    FeedbackService,
    Prompt,
    feedback_summaries,
    is_rated,
    session_summary,
    sessions_to_close,
    summarise,
)
from bot.pacing import Pacer
from bot.storage import Asked, QueuedPrompt, Rating, Store
from tests.harness import ROOT


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(ROOT / "agenda.yaml", ROOT / "faq")


def local(content: Content, hour: int, minute: int, day: int = 16) -> datetime:
    return datetime(2027, 2, day, hour, minute, tzinfo=content.conference.timezone)


def test_sessions_to_close_skips_breaks_and_old_sessions(content: Content):
    ask, skip = sessions_to_close(content, local(content, 12, 16), [])
    assert "soc-on-a-budget" in ask and "opening-keynote" in ask
    assert {"d1-morning-tea", "d1-registration"} <= set(skip)
    assert "ai-keynote" not in ask + skip  # still running
    assert not is_rated(next(s for s in content.sessions if s.id == "d1-zuhr-prayer"))
    ask, skip = sessions_to_close(content, local(content, 12, 16), ["soc-on-a-budget"])
    assert "soc-on-a-budget" not in ask + skip
    # Day 1's talks, first seen a day later (a long outage): closed without asking.
    ask, _ = sessions_to_close(content, local(content, 12, 16, day=17) + LATE_LIMIT, [])
    assert "soc-on-a-budget" not in ask


def rating(session_id: str, stars: int, comment: str | None = None, minute: int = 0) -> Rating:
    at = datetime(2027, 2, 16, 7, minute, tzinfo=datetime.now().astimezone().tzinfo)
    return Rating(session_id, stars, at, comment, at if comment else None)


def test_summaries_average_distribution_and_comments_newest_first(content: Content):
    asked = {"soc-on-a-budget": Asked(4, 1), "d1-morning-tea": Asked(), "energy-grid-talk": Asked()}
    ratings = [
        rating("soc-on-a-budget", 5, "first", 1),
        rating("soc-on-a-budget", 4, None, 2),
        rating("soc-on-a-budget", 3, "second", 3),
        rating("gone-session", 2),
    ]
    summaries = summarise(content, ratings, asked)
    assert [s.session_id for s in summaries] == [
        "soc-on-a-budget",
        "energy-grid-talk",
        "gone-session",
    ]  # programme order (the tea break left out), sessions no longer there last
    soc = summaries[0]
    assert soc.average == 4.0 and soc.ratings == 3 and soc.distribution == (0, 0, 1, 1, 1)
    assert [c.text for c in soc.comments] == ["second", "first"]
    assert (soc.prompted, soc.waiting) == (4, 1)
    assert summaries[1].average is None and summaries[2].title == "gone-session"


def test_comment_waits_expire(content: Content):
    waits = CommentWaits()
    now = local(content, 12, 20)
    waits.open(1, "talk", now + timedelta(minutes=15))
    assert waits.waiting(1, now) == "talk"
    waits.close(1, "other")
    assert waits.waiting(1, now) == "talk"
    assert waits.waiting(1, now + timedelta(minutes=16)) is None
    assert waits.waiting(1, now) is None  # dropped once expired


def test_prompts_fit_telegram(content: Content):
    sessions = sorted(content.sessions, key=lambda s: s.start)
    one = render.feedback_prompt(sessions[:1], "ur")
    assert len(one.texts) == 1 and one.markup is not None
    many = render.feedback_prompt(sessions, "en")  # every session at once: still one message
    assert len(many.texts) == 1 and render.visible_length(many.texts[0]) <= render.MAX_MESSAGE
    assert many.markup is not None
    data = [b.callback_data for row in many.markup.inline_keyboard for b in row]
    assert len(data) == render.MAX_STAR_BUTTONS + 1 and data[-1] == "fb:off"


def test_detail_pages_comments_escaped_within_4096(content: Content):
    long = "<script>alert('x')</script> & " + "very long comment " * 100
    ratings = [rating("soc-on-a-budget", 1 + n % 5, f"{n}: {long}", n) for n in range(25)]
    [summary] = summarise(content, ratings, {})
    session = content.session("soc-on-a-budget")
    pages = [render.feedback_detail(summary, session, page, "en") for page in range(3)]
    for page in pages:
        assert len(page.texts) == 1 and render.visible_length(page.texts[0]) <= 4096
        assert "<script>" not in page.texts[0] and "&lt;script&gt;" in page.texts[0]
    assert "page 1/3" in render.visible(pages[0].texts[0])
    assert "24: " in render.visible(pages[0].texts[0])  # newest first
    assert "4: " in render.visible(pages[2].texts[0])
    assert render.feedback_detail(summary, session, 99, "en").texts == pages[2].texts
    assert [b.text for b in pages[1].markup.inline_keyboard[0]] == ["◀", "▶"]  # type: ignore[union-attr]


class Sent:
    def __init__(self) -> None:
        self.plain: list[int] = []
        self.with_buttons: list[tuple[int, str, str]] = []

    async def send(self, chat_id: int, text: str, parse_mode: str | None) -> SendResult:
        self.plain.append(chat_id)
        return SendResult.sent(1)

    async def send_markup(
        self, chat_id: int, text: str, parse_mode: str | None, markup: str
    ) -> SendResult:
        self.with_buttons.append((chat_id, text, markup))
        return SendResult.sent(2)


async def test_the_service_queues_rounds_the_engine_sends_with_buttons(
    tmp_path: Path, content: Content, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(feedback, "ROUND_SIZE", 1)  # a round per prompt
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        now = [local(content, 11, 30)]
        sent = Sent()
        broadcaster = Broadcaster(
            store, sent.send, pacer=Pacer(1000), now=lambda: now[0], send_markup=sent.send_markup
        )
        for user_id in (1, 2):
            await store.toggle_star(user_id, "soc-on-a-budget", now[0])
            await store.toggle_star(user_id, "ai-keynote", now[0])

        def draw(prompt: Prompt) -> tuple[str, str]:
            reply = render.feedback_prompt(prompt.sessions, "en")
            assert reply.markup is not None
            return reply.texts[0], reply.markup.to_json()

        service = FeedbackService(
            store,
            content=lambda: content,
            now=lambda: now[0],
            render=draw,
            wake_sender=lambda: None,
        )
        assert await service.run_once() == 0
        now[0] = local(content, 12, 16)
        assert await service.run_once() == 2
        assert len(await store.broadcasts_with_status("sending")) == 2
        await broadcaster.run_until_idle()
        assert sent.plain == [] and [c for c, _, _ in sent.with_buttons] == [1, 2]
        markup = json.loads(sent.with_buttons[0][2])
        assert [b["text"] for b in markup["inline_keyboard"][0]] == [f"{n} ⭐" for n in range(1, 6)]
        now[0] = local(content, 13, 1)
        assert await service.run_once() == 0  # the keynote waits for the 2 hours
        now[0] = local(content, 12, 16) + SPACING
        assert await service.run_once() == 2 and service.queued == 4
        await broadcaster.run_until_idle()
        assert len(sent.with_buttons) == 4
        summaries = await feedback_summaries(store, content)
        soc = next(s for s in summaries if s.session_id == "soc-on-a-budget")
        assert soc.prompted == 2 and soc.ratings == 0
        assert await session_summary(store, content, "closing-keynote") is None
        # A delivery with buttons and no way to send them goes without them.
        plain_only = Broadcaster(store, sent.send, pacer=Pacer(1000), now=lambda: now[0])
        await store.toggle_star(3, "cloud-security-talk", now[0])
        now[0] = local(content, 15, 1)
        assert await service.run_once() == 1
        await plain_only.run_until_idle()
        assert sent.plain == [3]
    finally:
        await store.close()


def export(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["feedback", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_export_without_a_database_and_with_formulas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("AGENDA_PATH", str(ROOT / "agenda.yaml"))
    monkeypatch.setenv("FAQ_DIR", str(ROOT / "faq"))
    code, out, err = export()
    assert code == 2 and out == "" and "No database" in err and not path.exists()
    path.parent.mkdir()
    sqlite3.connect(path).close()  # an empty file: not the bot's
    code, _, err = export("--format", "json")
    assert code == 2 and "Cannot read the database" in err
    path.unlink()

    async def fill() -> None:
        now = datetime(2027, 2, 16, 7, 20, tzinfo=UTC)
        async with await Store.open(path) as store:
            await store.toggle_star(1, "soc-on-a-budget", now)
            await store.close_for_feedback(["soc-on-a-budget"], [], now)
            await store.queue_feedback_prompts(
                [QueuedPrompt(1, ("soc-on-a-budget",), "rate", "{}")], now
            )
            await store.rate_session(1, "soc-on-a-budget", 5, now, now + timedelta(minutes=15))
            await store.comment_on_rating(1, "soc-on-a-budget", '=HYPERLINK("x")', now)

    asyncio.run(fill())
    code, out, _ = export()
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["comment"] == '\'=HYPERLINK("x")' and row["stars"] == "5"
    assert row["session"] == "Building a SOC on a Pakistani budget"
    code, out, _ = export("--format", "json")
    [soc] = [s for s in json.loads(out) if s["session_id"] == "soc-on-a-budget"]
    assert soc["comments"][0]["comment"] == '=HYPERLINK("x")'  # JSON keeps it as written
