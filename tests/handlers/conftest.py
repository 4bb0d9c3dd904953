"""The real Application, polling the strict fake Bot API over HTTP, with a real SQLite file.

Why this harness: the Telegram layer's bugs live in what Telegram accepts (escaping,
lengths, callback data, edits) and in the order of effects (stored before replied), so the
tests drive the whole stack through the wire protocol instead of mocking PTB objects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from bot.answering import Answerer
from bot.app import RetryPolicy, build_application
from bot.clock import Clock
from bot.config import Settings
from bot.content import Content, load_content
from bot.handlers.common import BotState, state_of
from bot.storage import Store
from tests.fake_telegram import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[2]
ORGANISER = 9001
ORGANISER_CHAT = -1009000
ATTENDEE = 1001
NOW = datetime(2027, 2, 16, 11, 30)


@pytest.fixture(scope="session")
def sample_content() -> Content:
    return load_content(ROOT / "agenda.yaml", ROOT / "faq")


@pytest.fixture(scope="session")
def sample_answerer(sample_content: Content) -> Answerer:
    """Built once: indexing the sample takes a noticeable fraction of a second."""
    return Answerer(sample_content, Clock(sample_content.conference.timezone, NOW))


def make_settings(fake: FakeTelegram, tmp_path: Path, **overrides: Any) -> Settings:
    settings = Settings(
        agenda_path=ROOT / "agenda.yaml",
        faq_dir=ROOT / "faq",
        bot_now=NOW,
        token=fake.token,
        api_url=fake.base_url,
        organiser_ids=frozenset({ORGANISER}),
        organiser_chat_id=ORGANISER_CHAT,
        database_path=tmp_path / "data" / "bot.sqlite3",
    )
    return replace(settings, **overrides)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[None]:
    """Start the application the way run_polling does, and stop it cleanly."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        yield
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@dataclass
class Harness:
    fake: FakeTelegram
    app: Application
    settings: Settings
    allowed_errors: set[tuple[str, int]] = field(default_factory=set)

    @property
    def state(self) -> BotState:
        return state_of(self.app)

    @property
    def store(self) -> Store:
        return self.state.store

    def set_clock(self, moment: datetime) -> None:
        self.state.clock.set(moment)

    async def say(self, user: int, text: str, **kwargs: Any) -> SentMessage:
        """A user sends text; return the bot's first message to that chat afterwards."""
        chat = kwargs.get("chat_id", user)
        after = self.fake.mark()
        self.fake.user_sends(user, text, **kwargs)
        return await self.fake.wait_for_message(chat, after=after)

    async def press(self, user: int, message: SentMessage, *, button_text: str | None = None,
                    data: str | None = None, forged: bool = False) -> dict[str, Any]:
        """Press a button and wait until the bot has answered the callback query."""
        marker = self.fake.request_mark()
        update = self.fake.user_presses(user, message, data, button_text=button_text,
                                        forged=forged)
        query_id = update["callback_query"]["id"]
        await self.fake.wait_for_request(
            "answerCallbackQuery", lambda r: r.params.get("callback_query_id") == query_id,
            after=marker)
        return next(a for a in self.fake.callback_answers
                    if a["callback_query_id"] == query_id)


async def start_harness(fake: FakeTelegram, tmp_path: Path, answerer: Answerer,
                        **overrides: Any) -> tuple[Application, Settings]:
    settings = make_settings(fake, tmp_path, **overrides)
    answerer.clock.set(NOW)
    app = build_application(settings, answerer.content, answerer=answerer,
                            retry=RetryPolicy(backoff=0.01))
    return app, settings


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest_asyncio.fixture
async def harness(fake: FakeTelegram, tmp_path: Path,
                  sample_answerer: Answerer) -> AsyncIterator[Harness]:
    """The bot on the bundled sample conference at 11:30 on day 1; no Telegram errors."""
    app, settings = await start_harness(fake, tmp_path, sample_answerer)
    async with running(app):
        h = Harness(fake, app, settings)
        yield h
    unexpected = [(e.method, e.status, e.description) for e in fake.errors
                  if (e.method, e.status) not in h.allowed_errors]
    assert unexpected == [], fake.describe()
