"""`python -m bot doctor`: is this deployment ready? Each check says ok or how to fix it.

Run it on the server before the event (and after every change): configuration, content,
which matcher is active (and whether its model loads), the database, and whether Telegram
accepts the token. It talks to the Bot API with a plain
HTTPS call, so it works without starting the bot, and never prints the token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import aiohttp

from bot.config import ConfigError, Settings, load_settings
from bot.content import ContentError, load_content
from bot.matching.choice import MeaningLayerError, choose_matcher
from bot.storage import MIGRATIONS, Store

EXIT_OK, EXIT_FAILED = 0, 1
CHECKS = 5  # configuration, content, matcher, database, telegram
API_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


def _configuration(env: dict[str, str] | None) -> tuple[Check, Settings | None]:
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        return Check("configuration", False, str(exc)), None
    notes = []
    if not settings.organiser_ids:
        notes.append("no ORGANISER_IDS: nobody can use /unanswered, /answer or /announce")
    detail = "; ".join(notes) or "all values valid"
    return Check("configuration", True, detail), settings


def _content(settings: Settings) -> Check:
    try:
        content = load_content(settings.agenda_path, settings.faq_dir, settings.content_limits)
    except ContentError as exc:
        return Check(
            "content",
            False,
            f"{len(exc.problems)} problem(s); run `python -m bot check` to list them",
        )
    return Check("content", True, content.summary())


def _matcher(settings: Settings) -> Check:
    """Which matcher the bot will run; with MATCH_SEMANTIC_MODEL, that its model loads."""
    try:
        choice = choose_matcher(settings.semantic_model)
    except MeaningLayerError as exc:
        return Check("matcher", False, str(exc))
    if choice.vectors is None:
        return Check("matcher", True, f"{choice.description}; see docs/matching.md")
    return Check("matcher", True, f"{choice.description}, loaded in {choice.load_seconds:.1f} s")


async def _database(settings: Settings) -> Check:
    path = settings.database_path
    try:
        async with await Store.open(path) as store:
            version = await store.schema_version()
            await store.set_setting("doctor.last_run", "ok")
    except Exception as exc:  # any failure here is the answer to "is the database usable"
        return Check(
            "database",
            False,
            f"{path}: {exc.__class__.__name__}: {exc} (check DATABASE_PATH and that "
            "its folder is writable by this user)",
        )
    if version != len(MIGRATIONS):
        return Check("database", False, f"{path}: schema {version}, expected {len(MIGRATIONS)}")
    return Check("database", True, f"{path} writable, schema version {version}")


async def _telegram(settings: Settings) -> Check:
    if not settings.token:
        return Check(
            "telegram",
            False,
            "BOT_TOKEN is not set: create a bot with @BotFather and set BOT_TOKEN",
        )
    url = f"{settings.api_url}{settings.token}/getMe"
    timeout = aiohttp.ClientTimeout(total=API_TIMEOUT)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url) as response,
        ):
            status = response.status
            body = await response.json(content_type=None)
        if not isinstance(body, dict):
            raise ValueError("not a Bot API response")
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        # The exception text can contain the URL, and so the token: report its kind only.
        return Check(
            "telegram",
            False,
            f"cannot reach the Bot API at {settings.api_url}… ({exc.__class__.__name__})"
            "; check the network or BOT_API_URL",
        )
    if status == 401 or body.get("error_code") == 401:
        return Check(
            "telegram",
            False,
            "Telegram rejected BOT_TOKEN; copy it again from @BotFather (/mybots → API Token)",
        )
    if not body.get("ok"):
        return Check("telegram", False, f"getMe failed: {body.get('description', 'unknown')}")
    me = body.get("result", {})
    inline = (
        ""
        if me.get("supports_inline_queries")
        else ("; inline mode is off (enable it with @BotFather /setinline)")
    )
    return Check("telegram", True, f"token accepted: @{me.get('username')}{inline}")


def run_checks(env: dict[str, str] | None = None) -> list[Check]:
    config, settings = _configuration(env)
    checks = [config]
    if settings is None:
        return checks
    checks.append(_content(settings))
    checks.append(_matcher(settings))
    checks.append(asyncio.run(_database(settings)))
    checks.append(asyncio.run(_telegram(settings)))
    return checks


def doctor(
    out: TextIO,
    env: dict[str, str] | None = None,
    mark: Callable[[bool], str] = lambda ok: "ok  " if ok else "FAIL",
) -> int:
    checks = run_checks(env)
    for check in checks:
        print(f"[{mark(check.ok)}] {check.name}: {check.detail}", file=out)
    healthy = all(c.ok for c in checks) and len(checks) == CHECKS
    print("All checks passed." if healthy else "Some checks failed; see above.", file=out)
    return EXIT_OK if healthy else EXIT_FAILED
