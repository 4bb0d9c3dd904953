"""Checking Telegram's `initData`: who opened the Mini App, signed by Telegram.

Telegram hands the page a query string (user, auth_date, hash, ...) signed with a key
derived from the bot's token: secret = HMAC-SHA256(key="WebAppData", msg=token), and
hash = hex(HMAC-SHA256(key=secret, msg=data-check-string)), where the data-check-string is
every received field except `hash`, as `key=value`, sorted by key, joined with newlines.
Only data that passes this check is trusted; the user id comes from nowhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

MAX_AGE_SECONDS = 24 * 60 * 60  # older initData is refused, even with a valid signature
MAX_FUTURE_SKEW = 5 * 60  # a client clock a little ahead is tolerated, a forged date is not
MAX_INIT_DATA = 8192  # bytes; Telegram's are far smaller


class InitDataError(Exception):
    """initData is missing, malformed, forged or too old; the message says which."""


@dataclass(frozen=True, slots=True)
class WebUser:
    """The Telegram user who opened the Mini App, as Telegram vouched for them."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: int
    hash: str
    last_name: str = ""
    username: str | None = None


def secret_key(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: Mapping[str, str], token: str) -> str:
    """initData for these fields, signed like Telegram does (tests and the preview use it)."""
    digest = hmac.new(
        secret_key(token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    return urlencode({**fields, "hash": digest})


def verify(raw: str | None, token: str, now: float) -> WebUser:
    """The verified user, or InitDataError. `now` is Unix time (the real clock, not BOT_NOW)."""
    if not raw:
        raise InitDataError("missing initData")
    if len(raw) > MAX_INIT_DATA:
        raise InitDataError("initData too long")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("malformed initData") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("a field appears twice")
    received = fields.get("hash", "")
    expected = hmac.new(
        secret_key(token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(received.encode(), expected.encode()):
        raise InitDataError("bad signature")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        raise InitDataError("no auth_date") from None
    if now - auth_date > MAX_AGE_SECONDS:
        raise InitDataError("initData older than 24 hours")
    if auth_date - now > MAX_FUTURE_SKEW:
        raise InitDataError("auth_date in the future")
    try:
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, TypeError, ValueError):
        raise InitDataError("no user in initData") from None
    code, username = user.get("language_code"), user.get("username")
    return WebUser(
        id=user_id,
        first_name=str(user.get("first_name") or ""),
        language_code=code if isinstance(code, str) else None,
        auth_date=auth_date,
        hash=received,
        last_name=str(user.get("last_name") or ""),
        username=username if isinstance(username, str) and username else None,
    )
