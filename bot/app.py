"""The Telegram application: wiring, start-up, retries, logging and the polling loop.

`build_application` returns a python-telegram-bot `Application` with every handler
registered (bot.handlers.register); `run` is what `python -m bot` runs. Tests build the
same application against the fake Bot API server, so what they exercise is what runs in
production.

Robustness choices, and why:
- Every request to Telegram goes through `RetryingLimiter`. Each attempt of a request that
  sends or edits a message first passes its `on_send` hook, which is the bot's one pacer
  (bot.pacing): replies wait there for room under Telegram's limits, ahead of
  announcements. Flood control (`RetryAfter`) pauses requests to that chat and tells the
  pacer (`on_flood`) for the time Telegram asks, 5xx and connection errors are retried
  with backoff, and a timeout is retried only where a duplicate is harmless or better than
  silence (a reply), never for edits or query answers, which Telegram may have applied.
- A 403 from a private chat means the attendee blocked the bot (or deleted their account):
  the limiter marks them unsubscribed wherever the send happened.
- Updates are processed concurrently (bounded), so one slow answer does not hold up the
  queue; the store serialises its own access.
- The token is in every request URL, and httpx logs URLs: its loggers are kept at WARNING
  and every log record passes a redaction step, so the token never reaches a log.
- Outages are survived, not logged per request (bot.health): while the Bot API is down,
  requests that must reach Telegram wait for it (up to `RetryPolicy.outage_patience`)
  instead of giving up after a few tries, and questions asked meanwhile wait at Telegram
  and are fetched when it is back. A database that cannot store turns into a kind "try
  again" for the attendee and one alert for the organisers, never a crash or a false
  promise; a database found damaged at start-up ends the process with EXIT_DATABASE, which
  the systemd unit does not restart (deploy/conference-bot.service).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from telegram import BotCommand, BotCommandScopeChat, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
)

from bot import announcement_engine, messages
from bot.answering import Answerer
from bot.clock import Clock
from bot.config import Settings
from bot.content import Content, Problem
from bot.handlers import (
    ATTENDEE_COMMANDS,
    ORGANISER_COMMANDS,
    programme_changes,
    register,
    unanswered,
)
from bot.handlers.context import STATE_KEY, BotApplication, BotContext, is_private, state_of
from bot.health import LinkWatch, StorageWatch
from bot.logs import formatter_for
from bot.matching.choice import active_matcher
from bot.organiser_alerts import OrganiserAlerts
from bot.organiser_poster import Batch, OrganiserPoster, Post
from bot.pacing import PAID_LIMIT, TELEGRAM_LIMIT, Pacer, Priority, send_priority
from bot.polling import PollingRequest
from bot.schedule_sync import ScheduleSync, shown_url
from bot.state import BotState
from bot.storage import Store
from bot.storage.errors import StorageUnavailable
from bot.telegram_sender import NO_PREVIEW, retry_seconds
from bot.transport import DEFAULT_TIMEOUT, POOL_SIZE, AiohttpRequest, GarbledAnswer
from bot.update_slots import UpdateSlots
from bot.web import telegram_side

if TYPE_CHECKING:
    from bot.matching.semantic import VectorCache

logger = logging.getLogger(__name__)

# Updates worked on at once. Measured with bench/throughput.py: 16 beat 8 and 32 (larger
# group commits than at 8, less task juggling than at 32). A handler waiting to send lends
# its slot out (bot.update_slots), so this bounds work, not sends waiting for the pacer.
DEFAULT_CONCURRENCY = 16
# Updates started at all (working or waiting to send): PTB's own bound, against memory
# running away under a flood; the pacer drains them at Telegram's pace.
MAX_UPDATES_IN_PROGRESS = 4096
# Edited messages are not asked for: an edit is never re-answered (the handlers ignore them
# too, for tests and for Telegram's default update set).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
REDACTED = "[REDACTED]"
HEALTH_KEY = "health"
SYNC_KEY = "schedule_sync"
# The exit code for a database that needs a person (damaged, unwritable, deleted): systemd
# must not restart into the same fault every few seconds (RestartPreventExitStatus).
EXIT_DATABASE = 3
# How often the database file is checked in a quiet hour (writes check it themselves).
FILE_CHECK_INTERVAL = 60.0
# Requests that are worth waiting through an outage for: not the answers to a button press
# or an inline query, which Telegram refuses once they are a few seconds old.
SHORT_LIVED = frozenset({"answerCallbackQuery", "answerInlineQuery"})

# Methods whose timeout is retried: a duplicate is harmless (or better than nothing).
RETRY_ON_TIMEOUT = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendChatAction",
        "setMyCommands",
        "getMe",
        "deleteWebhook",
        "getMyCommands",
        "deleteMyCommands",
    }
)

# Methods that deliver or change a message: Telegram counts them against its limits, so each
# attempt passes the pacer (answering callback and inline queries is not rate limited).
PACED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)

# The hook a send passes: given the method and the chat, a context held around the request.
SendGate = Callable[[str, int | None], AbstractAsyncContextManager[object]]


# --- logging ------------------------------------------------------------------------------


class TokenRedactor(logging.Filter):
    """Replace known secrets in a log record's message, traceback and stack text."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, token: str) -> None:
        self.secrets.add(token)
        _, _, secret = token.partition(":")
        if len(secret) >= 6:  # the part after the bot id, in case it is logged alone
            self.secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error path
            return True
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_REDACTOR = TokenRedactor()
_factory_installed = False


def protect_token(token: str) -> None:
    """Keep the token out of every log record, whoever logs it and wherever it goes.

    A logging.Filter on a logger only sees records created by that very logger, so the
    redaction runs in the log-record factory instead: every record, every handler
    (pytest's caplog included) gets the cleaned text.
    """
    global _factory_installed
    _REDACTOR.add(token)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def configure_logging(settings: Settings) -> None:
    """Root logging for the bot process: LOG_LEVEL, LOG_FORMAT (text or json), redaction.

    Like logging.basicConfig, a handler is added only if the root logger has none (tests
    and embedding applications keep their own); every handler gets the redaction filter.
    """
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    logging.captureWarnings(True)  # Python warnings become log lines in the same format
    if settings.token:
        protect_token(settings.token)
    if not root.handlers:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter_for(settings.log_format, _REDACTOR.redact))
        root.addHandler(stream)
    for handler in root.handlers:
        if _REDACTOR not in handler.filters:
            handler.addFilter(_REDACTOR)


# --- requests to Telegram -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # tries per request, the first included
    backoff: float = 0.25  # seconds before the first retry of a network error; doubles
    max_backoff: float = 5.0
    # While the Bot API is down (bot.health.LinkWatch), how long a request waits for it to
    # come back instead of giving up after `attempts`: an attendee's answer ten minutes late
    # still beats silence.
    outage_patience: float = 600.0


def _chat_id(data: dict[str, Any]) -> int | None:
    raw = data.get("chat_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


class RetryingLimiter(BaseRateLimiter[None]):
    """Retries and flood-control pauses for every Bot API request (see the module doc)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        on_send: SendGate | None = None,
        on_flood: Callable[[float], None] | None = None,
    ) -> None:
        """`on_send` is entered around every attempt of a PACED_METHODS request (the pacer
        waits there, and learns when the answer came back); `on_flood` hears every 429."""
        self.policy = policy or RetryPolicy()
        self.on_send = on_send
        self.on_flood = on_flood
        self.on_forbidden: Callable[[int], Awaitable[None]] | None = None
        self.watch: LinkWatch | None = None
        # Flood-control pauses by chat (None: requests without a chat). A 429 is about the
        # chat it was sent to (a busy group, one attendee); other chats carry on, and if the
        # limit was the bot's global one, they get their own 429 and pause too.
        self._paused_until: dict[int | None, float] = {}

    async def initialize(self) -> None:
        self._paused_until.clear()

    async def shutdown(self) -> None:
        return None

    async def _respect_pause(self, chat_id: int | None) -> None:
        loop = asyncio.get_running_loop()
        while True:
            until = max(self._paused_until.get(chat_id, 0.0), self._paused_until.get(None, 0.0))
            wait = until - loop.time()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _pause(self, chat_id: int | None, seconds: float) -> None:
        until = asyncio.get_running_loop().time() + seconds
        self._paused_until[chat_id] = max(self._paused_until.get(chat_id, 0.0), until)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.policy.max_backoff, self.policy.backoff * 2 ** (attempt - 1)))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        chat_id = _chat_id(data)
        patience_until = asyncio.get_running_loop().time() + self.policy.outage_patience
        while True:
            attempt += 1
            await self._respect_pause(chat_id)
            started_epoch = self.watch.epoch if self.watch is not None else 0
            try:
                if self.on_send is None or endpoint not in PACED_METHODS:
                    return await callback(*args, **kwargs)
                async with self.on_send(endpoint, chat_id):
                    return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = retry_seconds(exc)
                self._pause(chat_id, delay)
                if self.on_flood is not None:
                    self.on_flood(delay)
                if attempt >= self.policy.attempts:
                    raise
                logger.warning(
                    "%s to %s: flood control, pausing that chat for %.0f s",
                    endpoint,
                    chat_id,
                    delay,
                )
            except Forbidden:
                await self._forbidden(endpoint, chat_id)
                raise
            except BadRequest:
                raise
            except (TimedOut, GarbledAnswer) as exc:
                # Telegram may have acted on it: repeat only what is harmless to repeat.
                if endpoint not in RETRY_ON_TIMEOUT:
                    raise
                if not await self._may_retry(endpoint, attempt, patience_until, exc, started_epoch):
                    raise
            except NetworkError as exc:
                if not await self._may_retry(endpoint, attempt, patience_until, exc, started_epoch):
                    raise

    async def _may_retry(
        self,
        endpoint: str,
        attempt: int,
        patience_until: float,
        exc: Exception,
        started_epoch: int,
    ) -> bool:
        """Whether to try once more, after waiting; a retry's log line is DEBUG in an
        outage (bot.health.LinkWatch logged it once), a WARNING otherwise.

        An attempt that began before an outage was seen to end (`started_epoch` below the
        watch's epoch) failed with that outage, even though the API is up again by the time
        its failure arrives: a stalled connection is dropped as the API comes back. It is
        the outage's, so it gets the outage's patience; judged as a fresh failure after
        the attempts ran out, an attendee's answer was dropped just as it could be sent.
        """
        watch = self.watch
        outage = watch is not None and (watch.down or watch.epoch > started_epoch)
        if attempt >= self.policy.attempts:
            if not outage or endpoint in SHORT_LIVED:
                return False
            remaining = patience_until - asyncio.get_running_loop().time()
            if remaining <= 0:
                logger.warning("%s gave up after the outage outlasted its patience", endpoint)
                return False
            assert watch is not None
            # Back as soon as the API answers anyone (a poll, another reply), or try again
            # after the longest backoff: this request is a probe too.
            await watch.wait_until_up(min(remaining, self.policy.max_backoff))
            return True
        level = logging.DEBUG if outage else logging.WARNING
        logger.log(level, "%s failed (%s); retrying (attempt %d)", endpoint, exc, attempt + 1)
        await asyncio.sleep(self._backoff(attempt))
        return True

    async def _forbidden(self, endpoint: str, chat_id: int | None) -> None:
        if chat_id is None or chat_id <= 0 or self.on_forbidden is None:
            return
        logger.info(
            "%s to %s refused with 403: marking the attendee unsubscribed", endpoint, chat_id
        )
        try:
            await self.on_forbidden(chat_id)
        except Exception:
            logger.exception("could not mark attendee %s as blocked", chat_id)


# --- the application ----------------------------------------------------------------------


def build_application(
    settings: Settings,
    content: Content,
    store: Store | None = None,
    *,
    answerer: Answerer | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy | None = None,
    request_timeout: float = DEFAULT_TIMEOUT,
    pacer: Pacer | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for `run` (or, in tests, `initialize`/`post_init`/`start`).

    Without a store, post_init opens DATABASE_PATH (creating folders) and post_shutdown
    closes it. `answerer` lets tests and benchmarks reuse an index that is slow to build;
    `request_timeout` lets them make a stalled Bot API time out quickly; `pacer` replaces
    the one built from the settings (`build_pacer`).
    """
    if not settings.token:
        raise ValueError("BOT_TOKEN is required to build the Telegram application")
    protect_token(settings.token)
    if answerer is None:
        clock = Clock(content.conference.timezone, settings.bot_now)
        answerer = Answerer(content, clock, settings.match)
    paced = pacer if pacer is not None else build_pacer(settings)
    slots = UpdateSlots(concurrency)

    @contextlib.asynccontextmanager
    async def gate(endpoint: str, chat_id: int | None) -> AsyncIterator[object]:
        # While a handler waits for its turn and for Telegram's answer, another update
        # (an upvote, whose button answer is no message) works in its slot.
        priority = send_priority(Priority.REPLY)
        async with slots.lent(), paced.sending(chat_id, priority=priority) as ticket:
            yield ticket

    limiter = RetryingLimiter(retry, on_send=gate, on_flood=paced.pause)
    link = LinkWatch()
    limiter.watch = link

    def request(pool_size: int, kind: type[AiohttpRequest] = AiohttpRequest) -> AiohttpRequest:
        return kind(
            connection_pool_size=pool_size,
            read_timeout=request_timeout,
            write_timeout=request_timeout,
            connect_timeout=request_timeout,
            watch=link,
        )

    application: BotApplication = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .base_url(settings.api_url)
        .rate_limiter(limiter)
        .request(request(POOL_SIZE))
        .get_updates_request(request(1, PollingRequest))
        .concurrent_updates(SlotUpdateProcessor(slots))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    st = BotState(
        settings=settings,
        answerer=answerer,
        clock=answerer.clock,
        store_=store,
        owns_store=store is None,
        pacer=paced,
        update_slots=slots,
    )
    application.bot_data[STATE_KEY] = st
    application.bot_data[HEALTH_KEY] = Health(link=link, storage=StorageWatch())

    async def mark_blocked(chat_id: int) -> None:
        if st.store_ is not None:
            await st.store_.mark_blocked(chat_id, st.now())

    limiter.on_forbidden = mark_blocked
    register(application, settings.organiser_chat_id)
    application.add_error_handler(on_error)
    return application


class SlotUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent update processing, bounded by `UpdateSlots` (bot.update_slots):
    a handler waiting to send lends its slot out instead of holding it."""

    def __init__(self, slots: UpdateSlots, most: int = MAX_UPDATES_IN_PROGRESS) -> None:
        super().__init__(max(most, slots.size))
        self.slots = slots

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await self.slots.hold(coroutine)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


@dataclass(slots=True)
class Health:
    """The outage watches (bot.health) and what they need at run time, in bot_data."""

    link: LinkWatch
    storage: StorageWatch
    alerts: OrganiserAlerts | None = None
    file_checks: asyncio.Task[None] | None = None


def health_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Health:
    health = application.bot_data[HEALTH_KEY]
    assert isinstance(health, Health)
    return health


def _polling_failed(error: TelegramError) -> None:
    """getUpdates failed (PTB retries with a growing pause). An outage is logged once by the
    LinkWatch; anything else (a second instance polling: 409) gets one line, no traceback."""
    if isinstance(error, NetworkError):
        logger.debug("polling for updates failed: %s", error)
    else:
        logger.warning("polling for updates failed: %s", error)


def _watch_storage(application: Application[Any, Any, Any, Any, Any, Any], store: Store) -> None:
    """Tell the organisers about database faults, once each way; check the file hourly-ish.

    Alerts go to ORGANISER_CHAT_ID, or else to each organiser privately in their language.
    """
    st = state_of(application)
    health = health_of(application)
    bot = application.bot

    def recipients() -> list[tuple[int, str]]:
        if st.settings.organiser_chat_id is not None:
            return [(st.settings.organiser_chat_id, messages.DEFAULT_LANGUAGE)]
        return [(user_id, st.language_of(user_id)) for user_id in sorted(st.settings.organiser_ids)]

    async def send(chat_id: int, html: str) -> None:
        await bot.send_message(chat_id, html)  # HTML: the application's Defaults

    health.alerts = OrganiserAlerts(send, recipients)
    health.storage.alert = health.alerts
    store.observer = health.storage

    async def check_now_and_then() -> None:
        while True:
            await asyncio.sleep(FILE_CHECK_INTERVAL)
            with contextlib.suppress(StorageUnavailable):  # the watch has said so
                await store.check_file()

    health.file_checks = asyncio.get_running_loop().create_task(
        check_now_and_then(), name="database-file-checks"
    )


def build_pacer(settings: Settings) -> Pacer:
    """The one pacer every message of this bot waits in (see bot.pacing).

    Free announcements are spaced at BROADCAST_RATE (at most Telegram's 30 a second); with
    BROADCAST_PAID=on they are paid broadcasts, spaced at BROADCAST_RATE up to 1,000.
    """
    if settings.broadcast_paid:
        return Pacer(TELEGRAM_LIMIT, paid_rate=settings.broadcast_rate)
    return Pacer(min(settings.broadcast_rate, TELEGRAM_LIMIT), paid_rate=PAID_LIMIT)


def bot_commands(names: tuple[tuple[str, object], ...], language: str) -> list[BotCommand]:
    return [BotCommand(name, messages.plain(f"cmd.{name}", language)) for name, _ in names]


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attendee commands for everyone; organiser commands too in the organisers' chats."""
    st = state_of(application)
    bot = application.bot
    organiser_chats = sorted(st.settings.organiser_ids)
    if st.settings.organiser_chat_id is not None:
        organiser_chats.append(st.settings.organiser_chat_id)
    for language in messages.CATALOGUES:
        code = None if language == messages.DEFAULT_LANGUAGE else language
        everyone = bot_commands(ATTENDEE_COMMANDS, language)
        staff = everyone + bot_commands(ORGANISER_COMMANDS, language)
        await bot.set_my_commands(everyone, language_code=code)
        for chat_id in organiser_chats:
            try:
                await bot.set_my_commands(
                    staff, scope=BotCommandScopeChat(chat_id), language_code=code
                )
            except TelegramError as exc:  # e.g. an organiser who never opened the bot
                logger.warning("could not set organiser commands for chat %s: %s", chat_id, exc)


async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After getMe: open the database, learn our username, publish the command lists."""
    st = state_of(application)
    if st.store_ is None:
        st.store_ = await Store.open(st.settings.database_path)
        st.owns_store = True
    _watch_storage(application, st.store_)
    for user_id, chosen, code in await st.store.user_languages():
        if chosen in messages.CATALOGUES:
            st.chosen_languages[user_id] = chosen
        if code is not None:
            st.client_languages[user_id] = messages.language_for(code)
    # Answers passed on after a 👎 before a restart are still not given again.
    st.passed_on.load(await st.store.open_rejections(None, st.now() - st.passed_on.window))
    st.username = application.bot.username or ""
    st.bot_id = application.bot.id
    # What was learned before a restart is in effect before the first question is read.
    await st.start_learning().start()
    if (chat_id := st.settings.organiser_chat_id) is not None:
        bot, store = application.bot, st.store

        async def post(question: Post | Batch) -> int | None:
            return await unanswered.post_question(bot, chat_id, question)

        async def remember(question_id: int, message_id: int) -> None:
            await store.set_organiser_post(question_id, chat_id, message_id)

        st.poster = OrganiserPoster(post, remember)
        st.poster.start()
    if not st.settings.organiser_ids:
        logger.warning("ORGANISER_IDS is empty: organiser commands are refused for everyone")
    await set_commands(application)
    if st.settings.web_url:
        if not st.settings.webhook_url:  # in webhook mode the webhook server serves it
            await telegram_side.start_server(application, "0.0.0.0", st.settings.web_port)
        await telegram_side.set_menu_buttons(application)
    await announcement_engine.start(application, st)  # resumes broadcasts left pending by a restart
    _handle_sighup(application)
    bot = application.bot

    async def show_changes(source: str) -> None:
        await programme_changes.show_changes(bot, st, source)

    st.on_programme_change = show_changes
    # A programme edited while the bot was down is compared too (the first start only
    # records the programme attendees start from).
    await st.programme_changed("start")
    if st.settings.schedule.url is not None:

        async def tell(kind: str | None, detail: str) -> None:
            await programme_changes.tell_sync_problem(bot, st, kind, detail)

        sync = ScheduleSync(st, tell)
        application.bot_data[SYNC_KEY] = sync
        sync.start()
        logger.info(
            "schedule sync: polling %s every %g min",
            shown_url(st.settings.schedule.url),
            st.settings.schedule.poll_minutes,
        )
    logger.info(
        "@%s serving %s: %s", st.username, st.content.conference.display_name, st.content.summary()
    )


def _handle_sighup(application: BotApplication) -> None:
    """SIGHUP (`systemctl reload`) re-reads the content exactly like /reload.

    The signal handler only starts the reload (in the background, so a stop never waits
    on it); problems are logged one per line and sent to the organisers, and the running
    content stays, so a broken or hostile YAML file can never take the bot down.
    """
    if not hasattr(signal, "SIGHUP"):
        return
    st = state_of(application)

    async def report(problems: list[Problem]) -> None:
        if problems:
            logger.warning(
                "reload on SIGHUP refused: %d content problem(s); keeping the running content",
                len(problems),
            )
            for problem in problems:
                logger.warning("content problem: %s", problem)
        await unanswered.tell_organisers_about_reload(application.bot, st, problems)

    def on_signal() -> None:
        logger.info("SIGHUP: reloading content")
        st.reload_in_background(report)

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_signal)


async def post_stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After PTB stopped taking updates, while its Telegram client is still open.

    The live lists' pending edits end here, not in post_shutdown: by then the client is
    closed, and an edit still waiting for its 3 s floor would hit it, be retried and
    logged. Pending votes are written first (the database stays open until post_shutdown).
    """
    await state_of(application).close_live()


async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After PTB stopped taking updates and let the handlers in flight finish.

    Order matters: the announcement sender records the sends in flight (the rest stay
    pending and resume on the next start), queued questions are committed, and only then
    is the database closed (which checkpoints the WAL into the main file).
    """
    st = state_of(application)
    if hasattr(signal, "SIGHUP"):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    sync = application.bot_data.pop(SYNC_KEY, None)
    if isinstance(sync, ScheduleSync):
        await sync.stop(timeout=1.0)  # a fetch in progress is abandoned, never waited for
    await st.close_reloads()  # abandoned, never waited for: their children are killed
    await telegram_side.stop_server(application)
    if st.learner_ is not None:
        await st.learner_.close()  # an index being rebuilt is dropped, not waited for
    await st.close_live()  # done in post_stop already; again for a start that failed
    await announcement_engine.stop(application)
    health = health_of(application)
    if health.file_checks is not None:
        health.file_checks.cancel()
    if health.alerts is not None:
        await health.alerts.settle()
    if st.poster is not None:
        await st.poster.stop()
    if st.pacer is not None:
        await st.pacer.close()
    if st.questions_ is not None:
        await st.questions_.close()
    if st.owns_store and st.store_ is not None:
        await st.store_.close()
    logger.info("stopped cleanly")


async def on_error(update: object, context: BotContext) -> None:
    """Log a failed update with its id and keep serving; apologise for our own bugs."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, Forbidden):
        logger.info("update %s: %s (attendee unreachable)", update_id, error)
        return
    if update is None and isinstance(error, TelegramError):
        _polling_failed(error)  # run_polling hands getUpdates' failures to the error handlers
        return
    if isinstance(error, StorageUnavailable):
        # Logged once, and the organisers told, by the StorageWatch; here only the person.
        logger.debug("update %s: database unavailable: %s", update_id, error)
        if isinstance(update, Update):
            await _storage_apology(update, context)
        return
    logger.error("error while handling update %s", update_id, exc_info=error)
    if (
        isinstance(update, Update)
        and is_private(update.effective_chat)
        and not isinstance(error, TelegramError)
        and update.effective_chat is not None
    ):
        user = update.effective_user
        language = context.state.language_of(
            user.id if user else None, user.language_code if user else None
        )
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id, messages.html_text("something_went_wrong", language)
            )


async def _storage_apology(update: Update, context: BotContext) -> None:
    """A kind "try again" for whoever the database just failed: never silence, and never a
    promise (such as "passed to the organisers") that nothing was stored to keep."""
    language = context.lang
    with contextlib.suppress(TelegramError):
        query = update.callback_query
        if query is not None:
            await query.answer(messages.plain("cb.storage_unavailable", language), show_alert=True)
            return
        chat, message = update.effective_chat, update.effective_message
        if chat is None:
            return
        reply_to = None
        if not is_private(chat) and message is not None:
            reply_to = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        await context.bot.send_message(
            chat.id, messages.html_text("storage_unavailable", language), reply_parameters=reply_to
        )


WEBHOOK_SECRET_SETTING = "webhook_secret"


def webhook_path(secret: str) -> str:
    """The webhook's URL path, derived from the secret (never from the token).

    Telegram puts the secret in a header of every call; the path is a second, independent
    obstacle for anyone probing the public URL, and stays stable across restarts.
    """
    return hashlib.sha256(f"conference-bot webhook path:{secret}".encode()).hexdigest()[:32]


async def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or the one generated on the first start and kept in the database."""
    if settings.webhook_secret:
        return settings.webhook_secret
    store = await Store.open(settings.database_path)
    try:
        secret = await store.get_setting(WEBHOOK_SECRET_SETTING)
        if not secret:
            secret = secrets.token_urlsafe(48)  # A-Z a-z 0-9 _ -: what Telegram accepts
            await store.set_setting(WEBHOOK_SECRET_SETTING, secret)
        return secret
    finally:
        await store.close()


def _run_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> None:
    """Serve Telegram's webhook calls (and the Mini App) on plain HTTP at 0.0.0.0:PORT.

    One aiohttp server behind the TLS proxy: the webhook path answers 403 to any request
    without the right secret header, and with WEB_URL the Mini App lives under /app/.
    """
    assert settings.webhook_url is not None
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        secret = loop.run_until_complete(webhook_secret(settings))
        _REDACTOR.secrets.add(secret)
        path = webhook_path(secret)
        _REDACTOR.secrets.add(path)
        logger.info(
            "webhook mode: listening on 0.0.0.0:%d for %s/…",
            settings.port,
            settings.webhook_url.rstrip("/"),
        )
        loop.run_until_complete(_serve_webhook(application, settings, secret, path))
    finally:
        loop.close()


async def _serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    secret: str,
    path: str,
) -> None:
    """Start the bot, register the webhook, serve until SIGTERM/SIGINT, stop in order."""
    assert settings.webhook_url is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response()

    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(f"/{path}", receive)
    mini_app = telegram_side.add_to(server, application) if settings.web_url else None
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if mini_app is not None:
            await asyncio.to_thread(mini_app.warm)
        await application.bot.set_webhook(
            f"{settings.webhook_url.rstrip('/')}/{path}",
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
        )
        await application.start()
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, "0.0.0.0", settings.port).start()
            await stop.wait()
        finally:
            await runner.cleanup()
    finally:
        if application.running:  # as run_polling: post_stop only after a stop
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)


def run(settings: Settings, content: Content, vectors: VectorCache | None = None) -> int:
    """Long polling, or webhook mode with WEBHOOK_URL, until SIGTERM/SIGINT; the exit code.

    `vectors`: the meaning layer loaded at start-up (None: the lexical matcher alone).
    """
    configure_logging(settings)
    clock = Clock(content.conference.timezone, settings.bot_now)
    answerer = Answerer(content, clock, settings.match, vectors=vectors)
    logger.info("matcher: %s", active_matcher(answerer.vectors))
    try:
        application = build_application(settings, content, answerer=answerer)
        if settings.webhook_url:
            _run_webhook(application, settings)
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        logger.error("Telegram rejected BOT_TOKEN; check it with @BotFather")
        return 2
    except StorageUnavailable as exc:
        return _cannot_start(settings, exc)
    except TelegramError as exc:
        logger.error("could not start the bot: %s", exc)
        return 1
    return 0


def _cannot_start(settings: Settings, exc: StorageUnavailable) -> int:
    """The database cannot be used at start-up: say what to do, and exit with a code that
    tells systemd whether trying again by itself can help (see the unit file)."""
    path = settings.database_path
    if exc.transient:
        logger.error("cannot start: the database %s is unavailable (%s); will retry", path, exc)
        return 1
    advice = {
        "damaged": "restore the latest backup (python -m bot backup makes them) or move the "
        "file aside to start a new database",
        "unwritable": "the file or its disk is read-only; check the disk and the permissions",
        "gone": "the file disappeared while opening it",
    }.get(exc.problem, "check the file")
    logger.error(
        "cannot start: the database %s is unusable (%s): %s, then start the bot again. "
        "Exiting with code %d, which systemd does not restart.",
        path,
        exc,
        advice,
        EXIT_DATABASE,
    )
    return EXIT_DATABASE
