"""bot.transport: PTB's requests over aiohttp behave as over PTB's own httpx client.

Parity with `HTTPXRequest` is what matters: PTB's error mapping, our RetryingLimiter and the
broadcast engine's classification all rely on the same statuses and exceptions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
import telegram
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.answering import Answerer
from bot.app import build_application
from bot.transport import AiohttpRequest
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.harness import make_settings
from tests.ports import free_port


@asynccontextmanager
async def serving(
    handle: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> AsyncIterator[str]:
    """A local HTTP server answering every path with `handle`; yields its base URL."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest_asyncio.fixture
async def slow_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A server whose /slow answers after 0.5 s; the list records each request's path."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.path)
        if request.path.endswith("/slow"):
            await asyncio.sleep(0.5)
        return web.json_response({"ok": True, "result": True})

    async with serving(handle) as url:
        yield f"{url}/bot{DEFAULT_TOKEN}", seen


async def test_a_bot_on_the_aiohttp_client_works_against_the_fake(fake: FakeTelegram):
    request = AiohttpRequest()
    async with telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=request) as bot:
        me = await bot.get_me()
        keyboard = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("👍", callback_data="vote:1:up")]]
        )
        sent = await bot.send_message(
            1001, "<b>Hall A</b> &amp; Urdu: ہال", parse_mode="HTML", reply_markup=keyboard
        )
        document = await bot.send_document(
            1001, b"id,question\n1,wifi?\n", filename="open.csv", caption="open questions"
        )
    assert me.is_bot
    assert sent.text == "Hall A & Urdu: ہال"
    assert sent.reply_markup == keyboard
    assert document.document is not None and document.document.file_name == "open.csv"
    upload = fake.requests_for("sendDocument")[-1].files["document"]
    assert upload.filename == "open.csv"
    assert upload.content == b"id,question\n1,wifi?\n"


async def test_the_same_call_reaches_the_server_as_it_does_over_httpx(fake: FakeTelegram):
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("None of these", callback_data="none:17")]]
    )
    for request in (HTTPXRequest(), AiohttpRequest()):
        async with telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=request) as bot:
            await bot.send_message(
                1001,
                "a &amp; b <i>c</i>",
                parse_mode="HTML",
                reply_markup=keyboard,
                disable_notification=True,
            )
    over_httpx, over_aiohttp = fake.requests_for("sendMessage")[-2:]
    assert over_aiohttp.params == over_httpx.params
    assert over_aiohttp.response == {
        **over_httpx.response,
        "result": {
            **over_httpx.response["result"],
            "message_id": over_aiohttp.response["result"]["message_id"],
            "date": over_aiohttp.response["result"]["date"],
        },
    }


async def test_telegram_errors_keep_their_status(fake: FakeTelegram):
    fake.block(1001)
    async with telegram.Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=AiohttpRequest()) as bot:
        with pytest.raises(telegram.error.Forbidden):
            await bot.send_message(1001, "hello")
        with pytest.raises(telegram.error.BadRequest):
            await bot.send_message(1002, "<b>unclosed", parse_mode="HTML")


async def test_a_slow_answer_is_a_timeout(slow_server: tuple[str, list[str]]):
    base_url, _ = slow_server
    request = AiohttpRequest(read_timeout=0.1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{base_url}/slow")
        # A per-call timeout overrides the default, as PTB passes them.
        assert await request.post(f"{base_url}/slow", read_timeout=2.0) is True
    finally:
        await request.shutdown()


async def test_a_full_pool_times_out_without_sending(slow_server: tuple[str, list[str]]):
    base_url, seen = slow_server
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.05)
    await request.initialize()
    try:
        first = asyncio.create_task(request.post(f"{base_url}/slow"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.post(f"{base_url}/second")
        assert await first is True
        assert seen == [f"/bot{DEFAULT_TOKEN}/slow"]  # the second was never sent
        assert await request.post(f"{base_url}/third") is True  # the slot was given back
    finally:
        await request.shutdown()


async def test_an_unreachable_server_is_a_network_error_without_the_token(
    caplog: pytest.LogCaptureFixture,
):
    request = AiohttpRequest(connect_timeout=1.0)
    await request.initialize()
    url = f"http://127.0.0.1:{free_port()}/bot{DEFAULT_TOKEN}/getMe"
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(NetworkError) as caught:
            await request.post(url)
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert DEFAULT_TOKEN not in str(caught.value)
    assert caught.value.__cause__ is None  # aiohttp's own text (with the URL) is not chained
    assert DEFAULT_TOKEN not in caplog.text


async def test_requests_need_initialize_and_shutdown_can_repeat():
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()
    with pytest.raises(ValueError, match="pool"):
        AiohttpRequest(connection_pool_size=0)


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest_asyncio.fixture
async def proxy_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A stand-in HTTP proxy: records the absolute URL each request asked for."""
    asked: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        asked.append(str(request.url))
        return web.json_response({"ok": True, "result": "via proxy"})

    async with serving(handle) as url:
        yield url, asked


@pytest.mark.parametrize("bypass", [False, True])
async def test_proxy_variables_are_honoured(
    monkeypatch: pytest.MonkeyPatch,
    slow_server: tuple[str, list[str]],
    proxy_server: tuple[str, list[str]],
    bypass: bool,
):
    base_url, direct = slow_server
    proxy_url, via_proxy = proxy_server
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    if bypass:
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    request = AiohttpRequest()
    await request.initialize()
    try:
        result = await request.post(f"{base_url}/getMe")
        await request.post(f"{base_url}/getMe")
    finally:
        await request.shutdown()
    if bypass:
        assert result is True
        assert len(direct) == 2 and via_proxy == []
    else:
        assert result == "via proxy"
        assert direct == [] and len(via_proxy) == 2
        assert via_proxy[0].endswith(f"/bot{DEFAULT_TOKEN}/getMe")


def test_the_bot_and_its_polling_use_the_aiohttp_client(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
):
    app = build_application(
        make_settings(fake, tmp_path), sample_answerer.content, answerer=sample_answerer
    )
    assert isinstance(app.bot.request, AiohttpRequest)
    # PTB keeps the getUpdates client apart (index 0) so a long poll never blocks a reply.
    assert isinstance(app.bot._request[0], AiohttpRequest)
