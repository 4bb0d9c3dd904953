"""Live schedule sync against a real HTTP server on 127.0.0.1 serving a changing export.

The server plays a programme's export endpoint: 200 with an ETag, 304 for a matching
If-None-Match, 500, a stall (time-out), invalid JSON, and a 50 MB body streamed in
chunks, with and without Content-Length. The sync must keep the running programme on
every failure, tell the organisers once per distinct problem, and stop reading a huge
body as soon as it passes the limit.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.answering import Answerer
from bot.cli import main
from bot.clock import Clock
from bot.config import ScheduleSettings, Settings
from bot.content import load_content
from bot.content.imports import import_programme, write_agenda
from bot.schedule_sync import ScheduleSync, fetch_export
from bot.state import BotState
from tests.content_builder import write_content

FRAB = Path(__file__).resolve().parent / "data" / "imports" / "frab_schedule.json"
MB = 1024 * 1024
HUGE = 50 * MB
DNS_GUID = "a1b2c3d4-0000-4000-8000-000000011583"


def frab() -> dict[str, Any]:
    return json.loads(FRAB.read_text(encoding="utf-8"))


def events(schedule: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        event
        for day in schedule["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]


def moved(schedule: dict[str, Any]) -> dict[str, Any]:
    """The DNS talk an hour later (same room)."""
    changed = copy.deepcopy(schedule)
    dns = next(e for e in events(changed) if e["guid"] == DNS_GUID)
    dns["date"] = dns["date"].replace("T11:30", "T12:30")
    dns["start"] = "12:30"
    return changed


@dataclass
class ExportServer:
    """What the fake export endpoint serves next, and what it saw."""

    body: bytes = b""
    mode: str = "ok"  # ok, 500, stall, invalid, huge, huge-declared
    requests: list[dict[str, str]] = field(default_factory=list)
    streamed: int = 0  # bytes of a huge body the server managed to write
    url: str = ""
    released: asyncio.Event = field(default_factory=asyncio.Event)  # ends stalls at teardown

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(dict(request.headers))
        if self.mode == "500":
            return web.Response(status=500, text="Internal Server Error")
        if self.mode == "stall":
            await self.released.wait()
        if self.mode == "invalid":
            return web.Response(
                body=b'{"schedule": {"conference": ', content_type="application/json"
            )
        if self.mode.startswith("huge"):
            return await self._huge(request)
        etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.body, headers={"ETag": etag}, content_type="application/json")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        if self.mode == "huge-declared":
            response.content_length = HUGE
        await response.prepare(request)
        chunk = b" " * MB
        try:
            for _ in range(HUGE // MB):
                await response.write(chunk)
                self.streamed += len(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: what we wanted
        return response


@pytest_asyncio.fixture
async def server() -> AsyncIterator[ExportServer]:
    export = ExportServer(body=json.dumps(frab()).encode())
    app = web.Application()
    app.router.add_get("/schedule.json", export.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    export.url = f"http://127.0.0.1:{port}/schedule.json"
    try:
        yield export
    finally:
        export.released.set()
        await runner.cleanup()


def bot_state(tmp_path: Path, url: str) -> BotState:
    """A running bot's state over an agenda imported from the export's first version."""
    root = tmp_path / "content"
    root.mkdir()
    _, faq_dir = write_content(root)
    agenda_path = root / "agenda.yaml"
    write_agenda(import_programme(FRAB.read_bytes()), agenda_path)
    agenda_path.chmod(0o640)
    content = load_content(agenda_path, faq_dir)
    schedule = ScheduleSettings(url=url, max_bytes=MB, timeout_seconds=0.5)
    settings = Settings(agenda_path=agenda_path, faq_dir=faq_dir, schedule=schedule)
    clock = Clock(content.conference.timezone)
    return BotState(settings=settings, answerer=Answerer(content, clock), clock=clock)


def start_of(st: BotState, title: str) -> str:
    session = next(s for s in st.content.sessions if s.title == title)
    return f"{session.start:%H:%M}"


async def test_changes_304_and_every_bad_fetch_keep_the_programme_and_tell_once(
    server: ExportServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    st = bot_state(tmp_path, server.url)
    told: list[tuple[str | None, str]] = []
    changed: list[str] = []

    async def tell(kind: str | None, detail: str) -> None:
        told.append((kind, detail))

    async def on_change(source: str) -> None:
        changed.append(source)

    st.on_programme_change = on_change
    sync = ScheduleSync(st, tell)
    try:
        # The export the agenda came from: nothing to do.
        assert await sync.round() is None
        assert changed == [] and told == []

        # The DNS talk moves: imported, checked with the FAQ, swapped in, written.
        server.body = json.dumps(moved(frab())).encode()
        changes = await sync.round()
        assert changes is not None
        assert [(c.title, c.kinds) for c in changes.items] == [
            ("The dilemma of DNS privacy", ("moved",))
        ]
        assert start_of(st, "The dilemma of DNS privacy") == "12:30"
        assert changed == ["sync"]
        on_disk = st.settings.agenda_path.read_text(encoding="utf-8")
        assert "Synced from" in on_disk and "12:30" in on_disk
        assert st.settings.agenda_path.stat().st_mode & 0o777 == 0o640  # mode kept
        assert not any(p.name.startswith(".") for p in st.settings.agenda_path.parent.iterdir())

        # Unchanged since: the conditional request gets a 304.
        assert await sync.round() is None
        assert server.requests[-1].get("If-None-Match")
        running = st.answerer

        # Every bad fetch: the programme stays, organisers hear once per problem.
        for mode in ("500", "500", "stall", "stall", "invalid", "huge", "huge-declared"):
            server.mode = mode
            assert await sync.round() is None
            assert st.answerer is running
        assert [kind for kind, _ in told] == ["http", "timeout", "invalid", "too_big"]
        assert told[0][1] == "500 Internal Server Error"
        assert "not valid JSON" in told[2][1]
        assert told[3][1] == "1 MB"
        assert server.streamed < 10 * MB  # stopped early, far from 50 MB
        failures = [r for r in caplog.records if "schedule sync from" in r.getMessage()]
        assert len(failures) == 7  # every failed poll is logged
        assert start_of(st, "The dilemma of DNS privacy") == "12:30"

        # Working again: said once, and the next change is applied.
        server.mode = "ok"
        server.body = json.dumps(frab()).encode()
        changes = await sync.round()
        assert told[-1] == (None, "")
        assert changes is not None and start_of(st, "The dilemma of DNS privacy") == "11:30"
        assert changed == ["sync", "sync"]
    finally:
        await st.close_reloads()


async def test_a_programme_that_fails_check_with_the_faq_is_refused(
    server: ExportServer, tmp_path: Path
) -> None:
    st = bot_state(tmp_path, server.url)
    told: list[tuple[str | None, str]] = []

    async def tell(kind: str | None, detail: str) -> None:
        told.append((kind, detail))

    broken = frab()
    for event in events(broken):
        event["duration"] = "-01:00"  # ends before it starts
    server.body = json.dumps(broken).encode()
    before = st.settings.agenda_path.read_bytes()
    try:
        sync = ScheduleSync(st, tell)
        assert await sync.round() is None
        assert [kind for kind, _ in told] in (["invalid"], ["rejected"])
        assert st.settings.agenda_path.read_bytes() == before
    finally:
        await st.close_reloads()


async def test_the_loop_polls_and_stops_without_waiting_for_a_stalled_fetch(
    server: ExportServer, tmp_path: Path
) -> None:
    st = bot_state(tmp_path, server.url)
    st = replace_schedule(st, timeout_seconds=30.0)

    async def tell(kind: str | None, detail: str) -> None:
        pass

    server.mode = "stall"
    sync = ScheduleSync(st, tell)
    sync.start()
    while not server.requests:
        await asyncio.sleep(0.01)
    await asyncio.wait_for(sync.stop(timeout=0.2), 5)
    assert sync.rounds == 1


def replace_schedule(st: BotState, **changes: Any) -> BotState:
    settings = replace(st.settings, schedule=replace(st.settings.schedule, **changes))
    return BotState(settings=settings, answerer=st.answerer, clock=st.clock)


async def test_fetch_sends_validators(server: ExportServer) -> None:
    settings = ScheduleSettings(url=server.url)
    first = await fetch_export(settings)
    assert first.body is not None and first.etag
    again = await fetch_export(
        settings, etag=first.etag, last_modified="Mon, 07 Dec 2026 00:00:00 GMT"
    )
    assert again.body is None
    assert server.requests[-1]["If-Modified-Since"] == "Mon, 07 Dec 2026 00:00:00 GMT"


async def run_main(*argv: str) -> tuple[int, str, str]:
    """`python -m bot ...` in a thread: its asyncio.run must not block the server's loop."""
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(main, list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def test_python_m_bot_sync_prints_the_changes(
    server: ExportServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "content"
    root.mkdir()
    _, faq_dir = write_content(root)
    agenda_path = root / "agenda.yaml"
    write_agenda(import_programme(FRAB.read_bytes()), agenda_path)
    server.body = json.dumps(moved(frab())).encode()
    monkeypatch.setenv("AGENDA_PATH", str(agenda_path))
    monkeypatch.setenv("FAQ_DIR", str(faq_dir))
    monkeypatch.setenv("SCHEDULE_URL", server.url)
    monkeypatch.chdir(tmp_path)
    before = agenda_path.read_text(encoding="utf-8")
    code, out, err = await run_main("sync", "--dry-run")
    assert code == 0, err
    assert "moved      the-dilemma-of-dns-privacy" in out and "Dry run" in out
    assert agenda_path.read_text(encoding="utf-8") == before
    code, out, err = await run_main("sync")
    assert code == 0, err
    assert "T12:30" in out and "Wrote" in out
    assert "12:30" in agenda_path.read_text(encoding="utf-8")
    server.mode = "500"
    code, out, err = await run_main("sync")
    assert code == 1 and "Sync failed" in err and "500" in err
    monkeypatch.delenv("SCHEDULE_URL")
    code, out, err = await run_main("sync")
    assert code == 2 and "SCHEDULE_URL" in err


def test_tokens_in_the_url_never_reach_logs_or_files() -> None:
    from bot.schedule_sync import shown_url

    url = "https://user:pw@pretalx.example.org/ev/schedule.json?token=s3cret#x"
    assert shown_url(url) == "https://pretalx.example.org/ev/schedule.json?…"
    assert shown_url("http://127.0.0.1:8080/s.json") == "http://127.0.0.1:8080/s.json"
