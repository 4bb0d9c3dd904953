"""getUpdates that survives a Bot API answering nonsense, without flooding the log.

PTB's polling loop logs a CRITICAL traceback and asks again at once whenever a reply cannot
be turned into updates (`{"ok": true, "result": "surprise"}`): 12,700 tracebacks in 10 s.
Here every getUpdates passes through `PollingRequest` (PTB's request object for getUpdates
only; the rate limiter never sees getUpdates) and its `PollingGuard`: a reply
that is not a list of updates, or a request that fails, counts on a `FailureStreak`
(waits of 1, 2, 4 … up to 60 s, one log line a minute with a count) and is answered with
no updates, so PTB's loop carries on quietly. The wait happens inside the polling task,
which PTB cancels when it stops, so shutdown is not held up by it.

A single update that cannot be read (a poison update) would be fetched again forever,
because PTB only moves past updates it could parse; it is replaced by a bare update with
its id, which no handler acts on, and logged once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.request import RequestData

from bot import failure_streak
from bot.failure_streak import FailureStreak
from bot.transport import AiohttpRequest

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]


def _update_id(item: object) -> int | None:
    if isinstance(item, dict):
        value = item.get("update_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def malformed(result: object) -> str | None:
    """Why a getUpdates result is not a list of updates; None if it is one."""
    if not isinstance(result, list):
        return f"Telegram sent {type(result).__name__} where a list of updates belongs"
    for item in result:
        if _update_id(item) is None:
            return "Telegram sent an update without a numeric update_id"
    return None


def without_poison(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The updates, each one PTB cannot read replaced by its bare id (and logged)."""
    cleaned = result
    for index, item in enumerate(result):
        try:
            Update.de_json(item, None)
        except Exception as exc:
            if cleaned is result:
                cleaned = list(result)
            cleaned[index] = {"update_id": item["update_id"]}
            logger.error(
                "skipped update %s: Telegram sent it in a form that cannot be read (%s: %s)",
                item["update_id"],
                type(exc).__name__,
                exc,
            )
    return cleaned


class PollingGuard:
    """Backoff and quiet logging for getUpdates; see the module docstring."""

    def __init__(self, streak: FailureStreak | None = None) -> None:
        self.streak = streak or FailureStreak(
            logger,
            "polling Telegram for updates",
            first_delay=failure_streak.FIRST_DELAY,
            max_delay=failure_streak.MAX_DELAY,
        )

    async def get_updates(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
    ) -> Result:
        try:
            result: Any = await callback(*args, **kwargs)
        except (InvalidToken, RetryAfter) as exc:
            if isinstance(exc, RetryAfter):
                self.streak.failed(f"flood control ({exc})")
            raise  # PTB stops on a bad token and waits out flood control itself
        except TelegramError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = malformed(result)
            if reason is None:
                self.streak.succeeded()
                return without_poison(result)
        delay = self.streak.failed(reason)
        if data.get("timeout") != 0:  # not PTB's last call on the way out: wait here
            await asyncio.sleep(delay)
        return []


class PollingRequest(AiohttpRequest):
    """The HTTP client for getUpdates, with `PollingGuard` around every call."""

    __slots__ = ("guard",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = PollingGuard()

    async def post(
        self,
        url: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> Result:
        timeouts = {
            "read_timeout": read_timeout,
            "write_timeout": write_timeout,
            "connect_timeout": connect_timeout,
            "pool_timeout": pool_timeout,
        }
        parameters = request_data.parameters if request_data is not None else {}
        return await self.guard.get_updates(super().post, (url, request_data), timeouts, parameters)
