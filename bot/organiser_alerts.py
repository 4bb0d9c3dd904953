"""The bot's own alarms to the organisers: their chat if there is one, else each organiser
privately, in the order they were raised.

Why here and not through the unanswered-question poster: an alert is about the bot, not an
attendee, it must not wait behind a queue of questions, and it must go out even when the
database (which the poster writes to) is the thing that failed. Given a send callable, like
the broadcaster, so this module knows nothing of Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence

from bot import messages

logger = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[object]]  # (chat id, catalogue HTML)
Recipients = Callable[[], Sequence[tuple[int, str]]]  # (chat id, language) pairs


class OrganiserAlerts:
    """Callable as a `bot.health.Alert`: `alerts("alert.storage_full", {"detail": ...})`."""

    def __init__(self, send: Send, recipients: Recipients) -> None:
        self._send = send
        self._recipients = recipients
        self._tail: asyncio.Task[None] | None = None
        self.sent: list[str] = []  # keys, in order (what was said, for tests and reports)

    def __call__(self, key: str, values: Mapping[str, str]) -> None:
        previous = self._tail

        async def in_turn() -> None:
            if previous is not None:
                await asyncio.wait([previous])  # its outcome is its own; only the order matters
            await self._send_all(key, values)

        self._tail = asyncio.get_running_loop().create_task(in_turn(), name=f"alert {key}")

    async def _send_all(self, key: str, values: Mapping[str, str]) -> None:
        recipients = self._recipients()
        if not recipients:
            logger.warning("no organiser to tell (%s): set ORGANISER_CHAT_ID or ORGANISER_IDS", key)
        for chat_id, language in recipients:
            try:
                await self._send(chat_id, messages.html_text(key, language, **values))
            except Exception as exc:  # an unreachable organiser must not stop the others
                logger.warning("could not alert the organisers in chat %s: %s", chat_id, exc)
        self.sent.append(key)

    async def settle(self, timeout: float = 5.0) -> None:
        """Let the alerts already raised go out (shutdown); give up after `timeout`."""
        if self._tail is None:
            return
        await asyncio.wait([self._tail], timeout=timeout)
        if not self._tail.done():
            self._tail.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tail
