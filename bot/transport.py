"""The HTTP client the bot talks to Telegram with: aiohttp behind PTB's `BaseRequest`.

Why not PTB's default (httpx): profiling the bot under a burst of questions showed its one
busy core spending more time inside httpx/httpcore (connection-pool bookkeeping, a timeout
object per request, and a failed `import sniffio` on every request where sniffio is not
installed) than in matching, SQLite and rendering together. aiohttp does the same job in a
fraction of the time, so answers reach attendees sooner and a burst after a keynote drains
faster (bench/throughput.py measures both clients). PTB supports exactly this swap: a
`BaseRequest` subclass implements `do_request` and keeps PTB's JSON parsing, error mapping
and retries.

Kept from `HTTPXRequest`, so PTB and `RetryingLimiter` see what they expect:
- PTB's default timeouts (5 s; 20 s for writes that upload files) and per-call overrides;
- a bounded connection pool, whose wait is the pool timeout (`TimedOut`, nothing sent);
- `TimedOut` for timeouts, `NetworkError` for connection failures;
- proxies from the standard `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` variables,
  read once at `initialize` (aiohttp's own `trust_env` re-reads them, and ~/.netrc, in a
  worker thread on every request, which cost more than the request itself);
- multipart uploads for files;
- no redirects followed (a 3xx reaches PTB as an error, as with httpx).
The token is part of every request URL; it is cut out of error messages built here.

Outages (issue 15): every answer that is not one (a 5xx, a body that is not JSON, a dropped
or stalled connection) is reported to a `bot.health.LinkWatch`, which logs the outage once
instead of once per request, and every real answer tells it the API is back. PTB's own JSON
parser logs a traceback with the whole body for each garbled answer; ours raises quietly.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.health import LinkWatch

DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_POOL_TIMEOUT: Final = 1.0
MEDIA_WRITE_TIMEOUT: Final = 20.0
POOL_SIZE: Final = 256  # PTB's default for the bot's requests


class GarbledAnswer(NetworkError):
    """An HTTP 200 whose body is not the Bot API's JSON (a broken proxy or front end).

    A NetworkError, so polling backs off and retries as for a 502; but, like a timeout, its
    request may have been carried out, so `RetryingLimiter` repeats only what is harmless.
    """


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one `aiohttp.ClientSession`, opened in `initialize`."""

    __slots__ = (
        "_defaults",
        "_env_proxies",
        "_pool",
        "_pool_size",
        "_proxies",
        "_session",
        "_timeouts",
        "_watch",
    )

    def __init__(
        self,
        connection_pool_size: int = POOL_SIZE,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = DEFAULT_POOL_TIMEOUT,
        watch: LinkWatch | None = None,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._defaults = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None
        self._pool: asyncio.Semaphore | None = None
        # One ClientTimeout per distinct (total, connect, read): PTB passes the same few.
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}
        self._env_proxies: dict[str, str] = {}
        self._proxies: dict[tuple[str, str], str | None] = {}  # by (scheme, host:port)
        self._watch = watch

    @property
    def read_timeout(self) -> float | None:
        return self._defaults[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                headers={"User-Agent": self.USER_AGENT},
            )
            # The connector holds as many connections; the semaphore in front of it is what
            # gives the wait for one its own timeout (aiohttp folds it into the connect one).
            self._pool = asyncio.Semaphore(self._pool_size)
            self._env_proxies = urllib.request.getproxies_environment()
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session, pool = self._session, self._pool
        if session is None or session.closed or pool is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        default_read, default_write, default_connect, default_pool = self._defaults
        read = default_read if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = default_connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        wait = default_pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write = MEDIA_WRITE_TIMEOUT if files else default_write
        else:
            write = write_timeout
        epoch = self._watch.epoch if self._watch is not None else None
        await self._acquire(pool, wait)
        try:
            async with session.request(
                method,
                url,
                data=_body(request_data, files),
                timeout=self._timeout(read, write, connect),
                proxy=self._proxy(url),
                allow_redirects=False,  # as httpx: a redirect is an error, not a new target
            ) as response:
                status, body = response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutError subclasses
            self._report_failure(url, "no answer in time", epoch)
            raise TimedOut(_without(url, f"Timed out: {err}")) from None
        except aiohttp.ClientError as err:
            self._report_failure(url, f"{type(err).__name__}", epoch)
            raise NetworkError(_without(url, f"aiohttp.{type(err).__name__}: {err}")) from None
        finally:
            pool.release()
        if self._watch is not None:
            self._judge(url, status, body, epoch)
        return status, body

    def _judge(self, url: str, status: int, body: bytes, epoch: int | None = None) -> None:
        """Tell the watch whether this was an answer from Telegram or an outage's noise.

        A 4xx is Telegram answering (the request was wrong, not the API down). A 2xx is only
        an answer if its body is JSON: a proxy or a failing front end can say 200 with
        anything. Parsing it here as well costs microseconds for a reply's few hundred bytes.
        """
        assert self._watch is not None
        if status >= 500:
            self._report_failure(url, f"HTTP {status}", epoch)
        elif 200 <= status < 300 and not is_json(body):
            self._report_failure(url, f"HTTP {status} with a body that is not JSON", epoch)
        else:
            self._watch.answered(_method(url))

    def _report_failure(self, url: str, reason: str, epoch: int | None = None) -> None:
        if self._watch is not None:
            self._watch.failed(_method(url), reason, epoch)

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """PTB's parser, without its traceback-and-whole-body log line per garbled answer
        (the outage is logged once by the watch); the error names the first bytes only."""
        try:
            parsed = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise GarbledAnswer(f"Invalid server response: {payload[:80]!r}") from None
        if not isinstance(parsed, dict):
            raise GarbledAnswer(f"Invalid server response: {payload[:80]!r}")
        return parsed

    @staticmethod
    async def _acquire(pool: asyncio.Semaphore, wait: float | None) -> None:
        if not pool.locked():
            await pool.acquire()  # the usual case: a free connection, no timer needed
            return
        try:
            async with asyncio.timeout(wait):
                await pool.acquire()
        except TimeoutError:
            raise TimedOut(
                "Pool timeout: all connections in the connection pool are occupied. "
                "Request was *not* sent to Telegram. Consider adjusting the connection "
                "pool size or the pool timeout."
            ) from None

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for this URL's scheme and host, if any."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxies = self._env_proxies
            proxy = proxies.get(parts.scheme) or proxies.get("all")
            # proxy_bypass_environment is public but missing from typeshed's stubs.
            bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
            if proxy and bypass(parts.hostname or "", proxies):
                proxy = None
            self._proxies[key] = proxy
        return self._proxies[key]

    def _timeout(
        self,
        read: float | None,
        write: float | None,
        connect: float | None,
    ) -> aiohttp.ClientTimeout:
        """aiohttp has no write timeout: the whole exchange may take write + read."""
        total = None if read is None or write is None else read + write
        key = (total, connect, read)
        timeout = self._timeouts.get(key)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
            if len(self._timeouts) < 64:
                self._timeouts[key] = timeout
        return timeout


def is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _body(
    request_data: RequestData | None,
    files: Mapping[str, object] | None,
) -> aiohttp.FormData | dict[str, str] | None:
    """The fields as PTB's httpx client sends them: url-encoded, or multipart with files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, upload in files.items():
        if isinstance(upload, tuple):  # (file name, content, MIME type), as PTB builds them
            filename, content, *mime = upload
            form.add_field(name, content, filename=filename, content_type=mime[0] if mime else None)
        else:
            form.add_field(name, upload)
    return form


def _method(url: str) -> str:
    """The Bot API method a request URL names (its last part; the token is before it)."""
    return url.rsplit("/", 1)[-1]


def _without(url: str, message: str) -> str:
    """The error text with the request URL (which carries the token) reduced to its method."""
    method = url.rsplit("/", 1)[-1]
    return message.replace(url, f".../{method}")
