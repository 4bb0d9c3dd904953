"""initData is checked exactly as Telegram documents it; anything else is refused."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.web.guard import NonceCache, RateLimiter
from bot.web.initdata import InitDataError, verify
from tests.web.support import init_data

TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"


def test_a_signature_made_the_documented_way_is_accepted():
    # Built here independently from Telegram's description, not with the module's helper.
    fields = {"auth_date": str(int(time.time())), "user": '{"id":42,"first_name":"A"}'}
    check = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    user = verify(urlencode({**fields, "hash": digest}), TOKEN, time.time())
    assert user.id == 42 and user.first_name == "A"


def test_language_and_extra_fields_are_signed_too():
    raw = init_data(TOKEN, 7, language="ur", chat_type="sender", signature="abc")
    user = verify(raw, TOKEN, time.time())
    assert (user.id, user.language_code) == (7, "ur")


def tampered(raw: str, key: str, value: str) -> str:
    fields = dict(parse_qsl(raw))
    fields[key] = value
    return urlencode(fields)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "hash=",
        "user=%7B%22id%22%3A1%7D&auth_date=1",
        "%%%",
        tampered(init_data(TOKEN, 7), "user", '{"id":9001,"first_name":"Ayesha"}'),
        tampered(init_data(TOKEN, 7), "auth_date", str(int(time.time()) + 10)),
        tampered(init_data(TOKEN, 7), "hash", "0" * 64),
        init_data("654321:another-bots-token", 7),
        init_data(TOKEN, 7) + "&user=%7B%22id%22%3A9001%7D",
        init_data(TOKEN, 7, age=24 * 3600 + 60),
        init_data(TOKEN, 7, age=-3600),
    ],
    ids=[
        "none",
        "empty",
        "hash-only",
        "unsigned",
        "garbage",
        "user-swapped",
        "date-moved",
        "hash-zeroed",
        "other-bot",
        "field-twice",
        "older-than-24h",
        "from-the-future",
    ],
)
def test_missing_forged_and_stale_init_data_is_refused(raw):
    with pytest.raises(InitDataError):
        verify(raw, TOKEN, time.time())


def test_a_nonce_is_good_once_per_user():
    nonces = NonceCache(ttl=100)
    assert nonces.use(1, "a" * 32, 0.0)
    assert not nonces.use(1, "a" * 32, 50.0)
    assert nonces.use(2, "a" * 32, 50.0)  # another user's nonce space
    assert not nonces.use(1, "short", 50.0)
    assert not nonces.use(1, "<script>" * 4, 50.0)
    assert not nonces.use(1, None, 50.0)


def test_rate_limit_is_per_key_and_frees_up():
    limiter = RateLimiter(3, 10.0)
    assert all(limiter.allow("a", t) for t in (0.0, 1.0, 2.0))
    assert not limiter.allow("a", 3.0)
    assert limiter.allow("b", 3.0)
    assert limiter.allow("a", 10.5)
