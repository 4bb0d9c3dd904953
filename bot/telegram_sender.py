"""The Telegram side of announcements and reminders: send one message, classify the outcome.

Why a Bot of its own: the application's bot retries and pauses inside its rate limiter
(bot.app.RetryingLimiter), which is right for a reply to one attendee but hides from the
broadcast engine exactly what it must see: a 429 has to pause *all* paced sending, a 403
has to unsubscribe, a timeout has to count as an attempt. This Bot has no rate limiter, so
every error reaches `send`, which maps it onto bot.broadcast.SendResult. It shares the token
and API URL with the application (the same bot to Telegram), not its connection pool.
"""

from __future__ import annotations

import datetime as dtm
import json
import logging
import warnings

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.broadcast import SendResult
from bot.transport import AiohttpRequest

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
POOL_SIZE = 32  # at least the broadcaster's sends in flight plus progress edits


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# The start of Telegram's description for an edit that would change nothing; PTB strips the
# "Bad Request: " prefix and capitalises the first letter, so compare case-insensitively.
NOT_MODIFIED = "message is not modified"


def is_not_modified(exc: BadRequest) -> bool:
    """Telegram's 400 for an edit identical to the message: nothing to do, not a failure.

    The one place that recognises this error (handlers' edits and progress reports alike).
    """
    return exc.message.lower().startswith(NOT_MODIFIED)


def classify(exc: Exception) -> SendResult:
    """The engine's view of a Telegram error (order matters: BadRequest is a NetworkError)."""
    if isinstance(exc, RetryAfter):
        return SendResult.flood(retry_seconds(exc), f"429: {exc}")
    if isinstance(exc, Forbidden):
        return SendResult.blocked(f"403: {exc}")
    if isinstance(exc, BadRequest | ChatMigrated):
        return SendResult.failed(f"400: {exc}")
    if isinstance(exc, TimedOut):
        return SendResult.transient(f"timeout: {exc}")
    if isinstance(exc, NetworkError):
        return SendResult.transient(f"network: {exc}")
    if isinstance(exc, TelegramError):
        return SendResult.failed(f"telegram: {exc}")
    return SendResult.transient(f"{type(exc).__name__}: {exc}")


class TelegramSender:
    """Sends with a dedicated Bot and reports outcomes instead of raising."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    @classmethod
    def create(
        cls, token: str, base_url: str, *, pool_size: int = POOL_SIZE, timeout: float = 10.0
    ) -> TelegramSender:
        request = AiohttpRequest(
            connection_pool_size=pool_size,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        return cls(Bot(token, base_url=base_url, request=request))

    async def initialize(self) -> None:
        await self.bot.initialize()

    async def shutdown(self) -> None:
        await self.bot.shutdown()

    async def send(
        self, chat_id: int, text: str, parse_mode: str | None, markup: str | None = None
    ) -> SendResult:
        """One message; the outcome, never an exception (bot.broadcast.SendFn).

        `markup` is the Bot API's reply_markup as JSON (bot.broadcast.MarkupSendFn).
        """
        return await self._send(chat_id, text, parse_mode, markup, paid=False)

    async def send_paid(
        self, chat_id: int, text: str, parse_mode: str | None, markup: str | None = None
    ) -> SendResult:
        """One message as a paid broadcast (allow_paid_broadcast): past the free limit of
        30 a second, up to 1,000, for 0.1 Star each from the bot's balance."""
        return await self._send(chat_id, text, parse_mode, markup, paid=True)

    async def _send(
        self, chat_id: int, text: str, parse_mode: str | None, markup: str | None, *, paid: bool
    ) -> SendResult:
        try:
            keyboard = (
                None
                if markup is None
                else InlineKeyboardMarkup.de_json(json.loads(markup), self.bot)
            )
            message = await self.bot.send_message(
                chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=keyboard,
                link_preview_options=NO_PREVIEW,
                allow_paid_broadcast=True if paid else None,
            )
        except Exception as exc:
            return classify(exc)
        return SendResult.sent(message.message_id)

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        parse_mode: str | None = "HTML",
    ) -> SendResult:
        """Replace a message's text (progress reports); "not modified" counts as done."""
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=parse_mode,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if is_not_modified(exc):
                return SendResult.sent(message_id)
            return classify(exc)
        except Exception as exc:
            return classify(exc)
        return SendResult.sent(message_id)
