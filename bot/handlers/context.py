"""The typed context every handler receives, and the small readings of an update they share.

PTB builds one `BotContext` per update (registered with `ContextTypes`, as in PTB's
`contexttypesbot` example), so handlers write `context.state` and `context.lang` instead
of casting `bot_data` entries and looking the caller's language up by hand.

This is a shared module, not a feature: feature modules may import it, never each other.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from telegram import CallbackQuery, Chat, Update, User
from telegram.constants import ChatType
from telegram.ext import Application, CallbackContext, ExtBot

from bot import messages
from bot.state import BotState

STATE_KEY = "state"
MAX_QUESTION_CHARS = 4096  # Telegram's own limit for a message; longer input is cut


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """CallbackContext with the bot's state and the language of the update it serves."""

    __slots__ = ("_update",)

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._update: Update | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update = update
        return context

    @property
    def state(self) -> BotState:
        return state_of(self.application)

    @property
    def user(self) -> User | None:
        """Who sent this update (pressed the button, asked the inline query...)."""
        return self._update.effective_user if self._update is not None else None

    @property
    def in_private_chat(self) -> bool:
        """Whether this update comes from a private chat with the bot."""
        return self._update is not None and is_private(self._update.effective_chat)

    @property
    def lang(self) -> str:
        """The language to answer this update in (the /lang choice wins over the client's)."""
        user = self.user
        if user is None:
            return messages.DEFAULT_LANGUAGE
        return self.state.language_of(user.id, user.language_code)


BotApplication: TypeAlias = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def state_of(application: Application[Any, Any, Any, Any, Any, Any]) -> BotState:
    """The one place the untyped `bot_data` entry becomes a `BotState`."""
    return cast(BotState, application.bot_data[STATE_KEY])


def is_private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == ChatType.PRIVATE


def command_argument(text: str | None) -> str:
    """What follows the command word, inner whitespace and newlines kept.

    "/answer 12 the answer" → "12 the answer"; "/lang" → "". The one parser for every
    command: callers split further or strip as their command needs.
    """
    parts = (text or "").split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def pressed(update: Update) -> tuple[CallbackQuery, list[str]]:
    """The pressed button and its callback data split at ':' ("vote:12:1" → vote, 12, 1).

    Button handlers are registered by pattern (bot.handlers.register), so the data is there
    and has the shape the pattern allows.
    """
    query = update.callback_query
    assert query is not None and query.data is not None
    return query, query.data.split(":")
