"""getUpdates that survives a Bot API answering nonsense, without flooding the log.

PTB's polling loop logs a CRITICAL traceback and asks again at once whenever a reply cannot
be turned into updates (`{"ok": true, "result": "surprise"}`): 12,700 tracebacks in 10 s.
Here every getUpdates goes through `PollingRequest`, PTB's HTTP client for getUpdates only
(the rate limiter never sees getUpdates), at `do_request`, PTB's extension point: a reply
that is not a list of updates, a server error or a connection failure counts on a
`FailureStreak` (waits of 1, 2, 4 … up to 60 s, one log line a minute with a count) and is
handed to PTB as an empty list of updates, so its loop carries on quietly. What PTB must
act on itself passes through untouched: a rejected token (it stops) and flood control (it
waits). The wait happens inside the polling task, which PTB cancels when it stops, so
shutdown is not held up by it.

A single update that cannot be read (a poison update) would be fetched again forever,
because PTB only moves past updates it could parse; it is replaced by a bare update with
its id, which no handler acts on, and logged once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import RequestData

from bot import failure_streak
from bot.failure_streak import FailureStreak
from bot.transport import AiohttpRequest, is_json

logger = logging.getLogger(__name__)

NO_UPDATES = b'{"ok":true,"result":[]}'
# Statuses PTB must see: 401/404 mean a revoked or wrong token (PTB stops polling),
# 429 is flood control (PTB waits the time Telegram asks).
PASS_THROUGH = frozenset({401, 403, 404, 429})


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


def without_poison(result: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The updates with each one PTB cannot read replaced by its bare id (and logged);
    None if all of them are readable."""
    cleaned = None
    for index, item in enumerate(result):
        try:
            Update.de_json(item, None)
        except Exception as exc:
            cleaned = cleaned or list(result)
            cleaned[index] = {"update_id": item["update_id"]}
            logger.error(
                "skipped update %s: Telegram sent it in a form that cannot be read (%s: %s)",
                item["update_id"],
                type(exc).__name__,
                exc,
            )
    return cleaned


def _reply_problem(body: bytes) -> tuple[str | None, bytes]:
    """Why a 200 reply to getUpdates cannot be used (None if it can), and the body to use."""
    try:
        reply = json.loads(body)
    except ValueError:
        return "Telegram's reply is not JSON", body
    if not isinstance(reply, dict):
        return f"Telegram sent a bare {type(reply).__name__} instead of a reply object", body
    if reply.get("ok") is not True:
        return None, body  # an error reply: PTB raises the error it describes
    result = reply.get("result")
    problem = malformed(result)
    if problem is not None or not isinstance(result, list):
        return problem, body
    cleaned = without_poison(result)
    if cleaned is None:
        return None, body
    return None, json.dumps({**reply, "result": cleaned}).encode()


def _error_status(status: int, body: bytes) -> str:
    """An error reply in a few words: its status and Telegram's description, if any."""
    try:
        description = json.loads(body).get("description")
    except (ValueError, AttributeError):
        description = None
    return f"HTTP {status}" + (f" ({description})" if isinstance(description, str) else "")


class PollingRequest(AiohttpRequest):
    """The HTTP client for getUpdates; see the module docstring."""

    __slots__ = ("streak",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streak = FailureStreak(
            logger,
            "polling Telegram for updates",
            first_delay=failure_streak.FIRST_DELAY,
            max_delay=failure_streak.MAX_DELAY,
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        try:
            status, body = await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        except NetworkError as exc:  # TimedOut included
            return await self._failed(f"{type(exc).__name__}: {exc}", request_data, outage=True)
        if status in PASS_THROUGH:
            return status, body
        problem, body = (
            _reply_problem(body) if status == 200 else (_error_status(status, body), body)
        )
        if problem is not None:
            # A 5xx or a body that is not JSON is the API (or the road to it) down, which the
            # transport's LinkWatch has logged; a reply that is JSON but not updates is not.
            outage = status >= 500 or (status == 200 and not is_json(body))
            return await self._failed(problem, request_data, outage=outage)
        self.streak.succeeded()
        return status, body

    async def _failed(
        self, problem: str, request_data: RequestData | None, *, outage: bool
    ) -> tuple[int, bytes]:
        """Count the failure, wait the backoff, and give PTB no updates to go on with.

        In an outage the LinkWatch logs (once), and the wait ends early as soon as any
        request gets through (a reply waiting out the outage is a probe too), so questions
        asked during the outage are fetched without waiting out a long backoff.
        """
        watch = self._watch if outage else None
        delay = self.streak.failed(problem, quiet=watch is not None)
        parameters = request_data.parameters if request_data is not None else {}
        if parameters.get("timeout") != 0:  # not PTB's last call on the way out: wait here
            if watch is not None:
                await watch.wait_until_up(delay)
            else:
                await asyncio.sleep(delay)
        return 200, NO_UPDATES
