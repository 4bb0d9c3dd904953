"""Live schedule sync: poll the programme's export and swap a changed one in like /reload.

Why it is built this way:
- Conditional requests (`If-None-Match` / `If-Modified-Since`) make a poll every few
  minutes cheap for the programme's server; a body identical to the last one applied is
  not imported again either (servers without validators).
- A bad fetch never touches the running programme: a 5xx, a time-out, a refused
  connection, an export over SCHEDULE_MAX_MB (refused from Content-Length, or stopped
  while streaming as soon as it passes the limit, so a huge body is never held in memory),
  an export that does not import (invalid JSON included), or a programme that does not
  pass check together with the FAQ. Each is a `SyncProblem`, logged on every poll, and
  reported through `on_problem` only when it differs from the last one (and once more when
  the sync works again), so organisers hear of a problem once, not every ten minutes.
- A changed programme goes through the same gate as /reload: it is written to a hidden
  file next to agenda.yaml, loaded with the FAQ in the abandonable child process
  (bot.content.reloader), and only then renamed over agenda.yaml and swapped in; a restart
  or a later /reload therefore serves the synced programme too.

`fetch_export` and `convert` are plain functions shared with `python -m bot sync`.
Nothing here imports telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import stat
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import aiohttp
import yaml
import yarl

from bot.background import BackgroundLoop
from bot.config import ScheduleSettings, Settings
from bot.content import ContentError
from bot.content.imports import Agenda, ProgrammeImportError, import_programme, write_agenda
from bot.content.loader import load_agenda, load_content
from bot.programme_changes import Changes, compare, snapshot
from bot.state import BotState

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CHUNK = 64 * 1024
USER_AGENT = "conference-bot schedule sync"


class SyncProblem(Exception):
    """Why a sync round kept the running programme: `kind` names a catalogue entry
    (sync.http, sync.timeout, sync.too_big, sync.network, sync.invalid, sync.rejected)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.detail


@dataclass(frozen=True, slots=True)
class Fetched:
    """An export's body (None: not modified since the validators given) and validators."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def shown_url(url: str | None) -> str:
    """The URL for logs and file headers, without its query or user info: private exports
    (pretalx, Sessionize) often carry their access token there."""
    if url is None:
        return "-"
    parsed = yarl.URL(url)
    shown = parsed.with_user(None).with_query(None).with_fragment(None)
    return f"{shown}?…" if parsed.query_string else str(shown)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


async def fetch_export(
    settings: ScheduleSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    session: aiohttp.ClientSession | None = None,
) -> Fetched:
    """GET the export, conditionally; raise SyncProblem for anything but 200 or 304."""
    assert settings.url is not None
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
    owned = session is None
    client = session or aiohttp.ClientSession()
    try:
        async with client.get(settings.url, headers=headers, timeout=timeout) as response:
            if response.status == 304:
                return Fetched(None, etag, last_modified)
            if response.status != 200:
                raise SyncProblem("http", f"{response.status} {response.reason or ''}".strip())
            length = response.content_length
            if length is not None and length > settings.max_bytes:
                raise SyncProblem("too_big", _megabytes(settings.max_bytes))
            body = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK):
                body += chunk
                if len(body) > settings.max_bytes:
                    raise SyncProblem("too_big", _megabytes(settings.max_bytes))
            return Fetched(
                bytes(body), response.headers.get("ETag"), response.headers.get("Last-Modified")
            )
    except TimeoutError:
        raise SyncProblem("timeout", f"{settings.timeout_seconds:g}") from None
    except aiohttp.ClientError as exc:
        raise SyncProblem("network", str(exc) or type(exc).__name__) from None
    finally:
        if owned:
            await client.close()


def read_agenda_data(path: Path) -> dict[str, Any] | None:
    """The running agenda.yaml as data (the import keeps its ids, venue and floors)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def convert(body: bytes, settings: ScheduleSettings, existing: Mapping[str, Any] | None) -> Agenda:
    """The export as agenda data; SyncProblem('invalid') when it does not import.

    Formats without a zone (Sessionize, CSV) take SCHEDULE_TIMEZONE, else the running
    agenda's zone, so the importer's checks still refuse offsets that contradict it.
    """
    timezone = settings.timezone
    if timezone is None and existing is not None:
        conference = existing.get("conference")
        if isinstance(conference, dict) and isinstance(conference.get("timezone"), str):
            timezone = conference["timezone"]
    try:
        return import_programme(body, settings.format, timezone, existing)
    except ProgrammeImportError as exc:
        raise SyncProblem("invalid", str(exc)) from None


def describe(changes: Changes) -> list[str]:
    """One line per changed session, for `python -m bot sync` and the log."""
    lines = []
    for change in changes.items:
        before, after = change.before, change.after
        if before is None and after is not None:
            lines.append(f"added      {change.session_id}: {after.title} ({after.start})")
        elif after is None and before is not None:
            lines.append(f"cancelled  {change.session_id}: {before.title} ({before.start})")
        elif before is not None and after is not None:
            if "moved" in change.kinds:
                lines.append(
                    f"moved      {change.session_id}: {after.title}: {before.start} "
                    f"{before.room or '-'} -> {after.start} {after.room or '-'}"
                )
            if "speakers" in change.kinds:
                lines.append(
                    f"speakers   {change.session_id}: {after.title}: "
                    f"{', '.join(before.speakers) or '-'} -> {', '.join(after.speakers) or '-'}"
                )
    return lines


def _replace_keeping_mode(candidate: Path, target: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(candidate, stat.S_IMODE(target.stat().st_mode))
    os.replace(candidate, target)


def candidate_path(agenda_path: Path) -> Path:
    """Where a fetched programme waits for its check (hidden; the FAQ loader skips dot
    files and it is not in the FAQ folder anyway)."""
    return agenda_path.with_name(f".{agenda_path.stem}.sync{agenda_path.suffix}")


ProblemFn = Callable[[str | None, str], Awaitable[None]]
"""(problem kind, detail) to tell the organisers; kind None: the sync works again."""


class ScheduleSync(BackgroundLoop):
    """Polls SCHEDULE_URL every SCHEDULE_POLL minutes for the running bot."""

    task_name = "schedule-sync"

    def __init__(self, st: BotState, on_problem: ProblemFn) -> None:
        super().__init__()
        self.st = st
        self.settings = st.settings.schedule
        self.on_problem = on_problem
        self.etag: str | None = None
        self.last_modified: str | None = None
        self.applied: str | None = None  # sha256 of the last body imported
        self.problem: tuple[str, str] | None = None  # the last one told
        self.rounds = 0  # rounds finished

    async def round(self) -> Changes | None:
        """One poll: the changes swapped in, None when nothing changed (or it failed)."""
        try:
            return await self._reported_round()
        finally:
            self.rounds += 1  # finished rounds (tests and logs wait on it)

    async def _reported_round(self) -> Changes | None:
        try:
            changes = await self._round()
        except SyncProblem as problem:
            logger.warning(
                "schedule sync from %s failed: %s; keeping the running programme",
                shown_url(self.settings.url),
                problem,
            )
            if problem.key != self.problem:
                self.problem = problem.key
                await self._tell(problem.kind, problem.detail)
            return None
        if self.problem is not None:
            self.problem = None
            logger.info("schedule sync works again")
            await self._tell(None, "")
        return changes

    async def _tell(self, kind: str | None, detail: str) -> None:
        try:
            await self.on_problem(kind, detail)
        except Exception:
            logger.exception("could not tell the organisers about the schedule sync")

    async def _round(self) -> Changes | None:
        fetched = await fetch_export(
            self.settings, etag=self.etag, last_modified=self.last_modified
        )
        if fetched.body is None:
            logger.debug("schedule sync: not modified")
            return None
        digest = hashlib.sha256(fetched.body).hexdigest()
        if digest == self.applied:
            self._remember(fetched)
            return None
        agenda_path = self.st.settings.agenda_path
        existing = read_agenda_data(agenda_path)
        agenda = await asyncio.to_thread(convert, fetched.body, self.settings, existing)
        if existing is not None and agenda.data == existing:
            self.applied = digest
            self._remember(fetched)
            return None
        old = self.st.content
        await self._swap(agenda, agenda_path)
        self.applied = digest
        self._remember(fetched)
        changes = compare(snapshot(old), snapshot(self.st.content))
        logger.info(
            "schedule sync: new programme from %s (%d session change(s))",
            shown_url(self.settings.url),
            len(changes.items),
        )
        await self.st.programme_changed("sync")
        return changes

    def _remember(self, fetched: Fetched) -> None:
        self.etag, self.last_modified = fetched.etag, fetched.last_modified

    async def _swap(self, agenda: Agenda, agenda_path: Path) -> None:
        """Check the new agenda with the FAQ as /reload would; only then put it in place."""
        candidate = candidate_path(agenda_path)
        try:
            try:
                header = (
                    f"# Synced from {shown_url(self.settings.url)}; "
                    "edits are replaced by the next sync.\n"
                )
                await asyncio.to_thread(write_agenda, agenda, candidate, header)
            except ProgrammeImportError as exc:
                raise SyncProblem("rejected", str(exc)) from None
            result = await self.st.content_reloader.reload(agenda_path=candidate)
            if result.value is None:
                listed = "; ".join(
                    str(p).replace(str(candidate), str(agenda_path)) for p in result.problems[:5]
                )
                raise SyncProblem("rejected", listed)
            _replace_keeping_mode(candidate, agenda_path)
            self.st.swap_in(result.value)
        finally:
            candidate.unlink(missing_ok=True)

    async def _run_forever(self) -> None:
        interval = self.settings.poll_minutes * 60
        while not self._stopping:
            self._wake.clear()
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not end the sync for the rest of the day
                logger.exception("schedule sync round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)


async def _sync_once(settings: Settings, dry_run: bool, out: TextIO) -> Changes:
    schedule = settings.schedule
    fetched = await fetch_export(schedule)
    assert fetched.body is not None  # an unconditional GET is never 304
    existing = read_agenda_data(settings.agenda_path)
    agenda = await asyncio.to_thread(convert, fetched.body, schedule, existing)
    for note in agenda.notes:
        print(f"note: {note}", file=out)
    candidate = candidate_path(settings.agenda_path)
    try:
        try:
            header = f"# Synced from {shown_url(schedule.url)} by `python -m bot sync`.\n"
            write_agenda(agenda, candidate, header)
        except ProgrammeImportError as exc:
            raise SyncProblem("rejected", str(exc)) from None
        try:
            new = load_content(candidate, settings.faq_dir, settings.content_limits)
        except ContentError as exc:
            listed = "; ".join(
                str(p).replace(str(candidate), str(settings.agenda_path)) for p in exc.problems
            )
            raise SyncProblem("rejected", listed) from None
        try:
            old = snapshot(load_agenda(settings.agenda_path, settings.content_limits))
        except ContentError:
            old = {}  # no usable agenda yet: every session is new
        changes = compare(old, snapshot(new))
        if not dry_run and (changes or existing is None or agenda.data != existing):
            _replace_keeping_mode(candidate, settings.agenda_path)
        return changes
    finally:
        candidate.unlink(missing_ok=True)


def sync_once(settings: Settings, out: TextIO, err: TextIO, *, dry_run: bool = False) -> int:
    """`python -m bot sync`: fetch, import and check once; print the changes; write
    agenda.yaml unless `dry_run`. A running bot picks the file up on /reload or SIGHUP,
    which also previews the change notices for the organisers."""
    if settings.schedule.url is None:
        print("SCHEDULE_URL is not set: nothing to sync from.", file=err)
        return EXIT_USAGE
    try:
        changes = asyncio.run(_sync_once(settings, dry_run, out))
    except SyncProblem as problem:
        print(f"Sync failed, {settings.agenda_path} was not changed: {problem}", file=err)
        return EXIT_FAILED
    lines = describe(changes)
    for line in lines:
        print(line, file=out)
    if not lines:
        print("No session moved, was cancelled, changed speakers or was added.", file=out)
    if dry_run:
        print(f"Dry run: {settings.agenda_path} was not changed.", file=out)
    else:
        print(
            f"Wrote {settings.agenda_path}. A running bot serves it after /reload or SIGHUP "
            "(systemctl reload), which also previews the change notices.",
            file=out,
        )
    return EXIT_OK
