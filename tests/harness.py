"""Test harness: the real Application polling the strict fake Bot API, a real SQLite file.

Why this harness: the Telegram layer's bugs live in what Telegram accepts (escaping,
lengths, callback data, edits) and in the order of effects (stored before replied), so the
tests drive the whole stack through the wire protocol instead of mocking PTB objects.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import Application

from bot import announcement_engine
from bot.answering import Answerer
from bot.app import RetryPolicy, build_application, build_pacer
from bot.clock import Clock
from bot.config import Settings
from bot.content import Content, load_content
from bot.handlers.context import state_of
from bot.pacing import Pacer
from bot.state import BotState
from bot.storage import Store
from tests.fake_telegram import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parents[1]
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


# How long tests wait for /reload's reply. It loads content in a child process (a fresh
# interpreter), which takes seconds on a loaded machine: a deadline for a hung bot, not a timing.
RELOAD_WAIT = 30.0


class SignallingStore(Store):
    """The real store, plus an event after every committed write.

    Some effects follow the last message the bot sends (the organiser post's id is stored
    once Telegram returns it; a 403 marks the attendee afterwards). Tests wait on this
    event instead of sleeping.
    """

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.written = asyncio.Event()

    @asynccontextmanager
    async def _write(self, *, one_statement: bool = False) -> AsyncIterator[Any]:
        async with super()._write(one_statement=one_statement) as db:
            yield db
        self.written.set()
        self.written = asyncio.Event()


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[None]:
    """Start the application the way Application.run_polling does, and stop it cleanly."""
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        # As run_polling does: getUpdates' failures go to the application's error handlers.
        await app.updater.start_polling(
            poll_interval=0,
            timeout=1,
            error_callback=lambda exc: app.create_task(app.process_error(None, exc)),
        )
        await app.start()
        yield
    finally:
        if app.updater.running:
            await app.updater.stop()
        if app.running:  # as run_polling: post_stop only after a stop
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
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

    async def until(self, check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
        """Wait until check() holds, re-checking after each database write (no sleeping)."""
        store = self.store
        assert isinstance(store, SignallingStore)
        async with asyncio.timeout(timeout):
            while True:
                written = store.written
                if await check():
                    return
                await written.wait()

    async def until_post_stored(self, post: dict) -> None:
        """Wait until the question behind an organisers'-chat post is linked to it.

        The post is sent before its message id is stored, so an organiser replying at once
        would race the bot; real organisers take longer than that.
        """

        async def stored() -> bool:
            found = await self.store.question_by_organiser_post(post["chat_id"], post["message_id"])
            return found is not None

        await self.until(stored)

    def set_clock(self, moment: datetime) -> None:
        self.state.clock.set(moment)

    async def say(
        self, user: int, text: str, *, timeout: float = 5.0, **kwargs: Any
    ) -> SentMessage:
        """A user sends text; return the bot's first new message to that chat afterwards.

        `timeout` is how long to wait for it: a deadline for a hung bot, not a speed check
        (work that starts a child process, like /reload, wants a longer one on a busy machine).
        """
        chat = kwargs.get("chat_id", user)
        after = self.fake.mark()
        self.fake.user_sends(user, text, **kwargs)
        return await self.fake.wait_for_message(
            chat, after=after, method="sendMessage", timeout=timeout
        )

    async def press(
        self,
        user: int,
        message: SentMessage,
        *,
        button_text: str | None = None,
        data: str | None = None,
        forged: bool = False,
    ) -> dict[str, Any]:
        """Press a button and wait until the bot has answered the callback query."""
        marker = self.fake.request_mark()
        update = self.fake.user_presses(user, message, data, button_text=button_text, forged=forged)
        query_id = update["callback_query"]["id"]
        await self.fake.wait_for_request(
            "answerCallbackQuery",
            lambda r: r.params.get("callback_query_id") == query_id,
            after=marker,
        )
        return next(a for a in self.fake.callback_answers if a["callback_query_id"] == query_id)


def quick_pacer(settings: Settings) -> Pacer:
    """The production pacer without the per-chat and per-group spacing.

    Tests talk to one attendee many times a second, which a person does not; keeping one
    message per chat a second and 20 a minute per group in every test would make the
    suite minutes slower without testing anything more (like the short retry backoff).
    The global limit and the priorities stay. Tests of those two rules ask for
    `real_pacing` and check them against a fake server that enforces them.
    """
    pacer = build_pacer(settings)
    pacer.per_chat_interval = 0.0
    pacer.group_limit = 10_000
    return pacer


# The feedback service looks at the programme every 30 s and prompts attendees for the
# sessions that ended. Tests move the conference clock by hand, so a look landing mid-test
# would drop a prompt into a conversation another feature's test is reading. It still looks
# once at the start (restarts are tested that way); feedback tests run its step themselves
# (`announcement_engine.of(app).feedback.run_once()`), as they run the reminders'.
FEEDBACK_LOOK_INTERVAL = 3600.0


def quiet_feedback(app: Application) -> None:
    engine = app.bot_data.get(announcement_engine.KEY)
    if engine is None:  # a start that did not get as far as the engine
        return
    service = engine.feedback
    service.interval = FEEDBACK_LOOK_INTERVAL
    service.wake()  # the wait in progress ends; the next one uses the new interval


@asynccontextmanager
async def bot_running(
    fake: FakeTelegram,
    tmp_path: Path,
    answerer: Answerer,
    *,
    retry: RetryPolicy | None = None,
    request_timeout: float | None = None,
    real_pacing: bool = False,
    pacer: Pacer | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    """A started bot for this fake and answerer; afterwards, no unexpected Telegram errors.

    `overrides` are settings; `retry` and `request_timeout` go to build_application, and
    `real_pacing` keeps one message a second per chat and 20 a minute per group (`quick_pacer`);
    `pacer` is one the test controls.
    """
    settings = make_settings(fake, tmp_path, **overrides)
    answerer.clock.set(settings.bot_now or NOW)
    store = await SignallingStore.open(settings.database_path)
    if pacer is None and not real_pacing:
        pacer = quick_pacer(settings)
    options: dict[str, Any] = {"retry": retry or RetryPolicy(backoff=0.01), "pacer": pacer}
    if request_timeout is not None:
        options["request_timeout"] = request_timeout
    app = build_application(settings, answerer.content, store, answerer=answerer, **options)
    h = Harness(fake, app, settings)
    try:
        async with running(app):
            quiet_feedback(app)
            yield h
    finally:
        await store.close()
    unexpected = [
        (e.method, e.status, e.description)
        for e in fake.errors
        if (e.method, e.status) not in h.allowed_errors
    ]
    assert unexpected == [], fake.describe()


def small_answerer(
    tmp_path: Path, agenda: str | None = None, faq: dict[str, str] | None = None
) -> Answerer:
    """An answerer over tests/content_builder's small conference (or variations of it)."""
    from tests.content_builder import AGENDA, write_content

    root = tmp_path / "content"
    root.mkdir(exist_ok=True)
    agenda_path, faq_dir = write_content(root, agenda or AGENDA, faq)
    content = load_content(agenda_path, faq_dir)
    return Answerer(content, Clock(content.conference.timezone, NOW))


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh database file for tests of the engine without the bot."""
    opened = await Store.open(tmp_path / "bot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest_asyncio.fixture
async def harness(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> AsyncIterator[Harness]:
    """The bot on the bundled sample conference at 11:30 on day 1; no Telegram errors."""
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        yield h
