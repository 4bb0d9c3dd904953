"""Shared by the Mini App tests: signed initData, and the bot with its web server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.answering import Answerer
from bot.web.initdata import sign
from tests.fake_telegram import FakeTelegram
from tests.harness import Harness, bot_running
from tests.ports import free_port

WEB_URL = "https://bot.example.org"


def init_data(
    token: str,
    user_id: int,
    *,
    language: str = "en",
    age: float = 0,
    name: str = "Ayesha",
    username: str | None = None,
    **extra: str,
) -> str:
    """initData as Telegram would sign it for this bot, `age` seconds old."""
    user: dict[str, object] = {"id": user_id, "first_name": name, "language_code": language}
    if username is not None:
        user["username"] = username
    fields = {
        "auth_date": str(int(time.time() - age)),
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        **extra,
    }
    return sign(fields, token)


@asynccontextmanager
async def web_bot(
    fake: FakeTelegram, tmp_path: Path, answerer: Answerer, **overrides: Any
) -> AsyncIterator[tuple[Harness, str]]:
    """The bot in polling mode with WEB_URL set: its Mini App on a free WEB_PORT."""
    port = free_port()
    async with bot_running(
        fake, tmp_path, answerer, web_url=WEB_URL, web_port=port, **overrides
    ) as h:
        yield h, f"http://127.0.0.1:{port}/app/"
