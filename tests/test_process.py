"""The real `python -m bot` process: signals, webhook mode and structured logs.

These run the bot as production does (a subprocess, the fake Bot API over HTTP, a real
SQLite file) because signal handling and shutdown order only exist in a real process.
Every wait is for an observable event (a log line, a request reaching the fake, a reply),
never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.storage import Store
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER, ROOT
from tests.ports import free_port

TIMEOUT = 60.0


class Process:
    """A bot subprocess whose stderr is read continuously (so the pipe never fills)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path) -> Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode("utf-8", "replace").rstrip("\n"))
            self._changed.set()
        self._changed.set()

    async def wait_for_line(self, predicate: Callable[[str], bool], after: int = 0) -> int:
        """The index of the first line from `after` on that matches; fails on exit."""

        async def scan() -> int:
            index = after
            while True:
                while index < len(self.lines):
                    if predicate(self.lines[index]):
                        return index
                    index += 1
                if self._reader.done():
                    raise AssertionError("bot exited:\n" + "\n".join(self.lines[-30:]))
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), TIMEOUT)

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal a running bot and return its exit code."""
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await self.exit_code()

    async def exit_code(self) -> int:
        """Wait, without signalling, for a bot that exits by itself.

        Never signal a bot that may already have exited: Popen.send_signal polls first
        (bpo-38630), and that poll can reap the child before asyncio's child-watcher thread
        does, which then reports the exit status as lost (returncode 255). Under load the
        watcher is slow enough for this to happen, which made the hostile-files test flaky.
        """
        code = await asyncio.wait_for(self.process.wait(), TIMEOUT)
        await asyncio.wait_for(self._reader, TIMEOUT)
        return code

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def process_env(fake: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "ORGANISER_", "WEBHOOK_", "LOG_", "PORT"))
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": fake.token,
            "BOT_API_URL": fake.base_url,
            "AGENDA_PATH": str(ROOT / "agenda.yaml"),
            "FAQ_DIR": str(ROOT / "faq"),
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            "BOT_NOW": "2027-02-16T11:30",
            "ORGANISER_IDS": str(ORGANISER),
            "LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


NEW_FAQ = """\
entries:
  - id: zorbing
    question: Is there a zorbing arena?
    variants: [where can I go zorbing]
    answer: Yes, the zorbing arena is on the lawn behind Hall C.
"""


async def test_sighup_reloads_and_sigterm_finishes_the_reply_in_flight(
    fake: FakeTelegram, tmp_path: Path
):
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    env = process_env(fake, tmp_path, FAQ_DIR=str(faq), LOG_FORMAT="json")
    bot = await Process.start(env, tmp_path)
    try:
        await bot.wait_for_line(lambda line: "serving" in line)

        # A broken file: every problem is logged, the running content stays.
        (faq / "zorbing.yaml").write_text("entries:\n  - id: zorbing\n    question: [\n")
        mark = len(bot.lines)
        bot.process.send_signal(signal.SIGHUP)
        refused = await bot.wait_for_line(lambda line: "reload on SIGHUP refused" in line, mark)
        await bot.wait_for_line(
            lambda line: "content problem" in line and "zorbing.yaml" in line, refused
        )
        fake.user_sends(ATTENDEE, "/start")
        await fake.wait_for_message(ATTENDEE, timeout=TIMEOUT)

        # Fixed: the next SIGHUP swaps the new content in.
        (faq / "zorbing.yaml").write_text(NEW_FAQ)
        mark = len(bot.lines)
        bot.process.send_signal(signal.SIGHUP)
        await bot.wait_for_line(lambda line: "content reloaded" in line, mark)
        fake.user_sends(ATTENDEE, "where can I go zorbing?")
        reply = await fake.wait_for_message(ATTENDEE, contains="zorbing arena", timeout=TIMEOUT)
        assert "behind Hall C" in reply["text"]

        # SIGTERM while the reply to a question is on its way: it still arrives.
        arrived = asyncio.Event()
        original = fake._apply_delay

        async def apply_delay(method: str) -> None:
            if method.lower() == "sendmessage":
                arrived.set()
            await original(method)

        fake._apply_delay = apply_delay  # type: ignore[method-assign]
        fake.delay("sendMessage", 1.0, times=1)
        fake.user_sends(ATTENDEE, "wifi password?")
        await asyncio.wait_for(arrived.wait(), TIMEOUT)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.output
    assert any("NCSC2027-Guest" in m["text"] for m in fake.messages_to(ATTENDEE))
    assert fake.errors == []

    # The database was closed cleanly: WAL checkpointed, and it opens again.
    database = tmp_path / "bot.sqlite3"
    assert not Path(f"{database}-wal").exists()
    store = await Store.open(database)
    try:
        assert (await store.stats()).questions == 2
    finally:
        await store.close()

    # Structured logs: one JSON object per line, the token nowhere, no attendee text.
    records = [json.loads(line) for line in bot.lines]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert fake.token not in bot.output and fake.token.split(":")[1] not in bot.output
    assert "zorbing?" not in bot.output and "wifi password" not in bot.output


async def post_until_listening(
    session: aiohttp.ClientSession, url: str, **kwargs: object
) -> aiohttp.ClientResponse:
    """POST, retrying only while nothing listens yet (the server starts after setWebhook)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    delay = 0.05
    while True:
        try:
            return await session.post(url, **kwargs)  # type: ignore[arg-type]
        except aiohttp.ClientConnectorError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)


async def test_webhook_mode_checks_the_secret_and_answers(fake: FakeTelegram, tmp_path: Path):
    port = free_port()
    env = process_env(fake, tmp_path, WEBHOOK_URL="https://bot.example.org/", PORT=str(port))
    bot = await Process.start(env, tmp_path)
    try:
        registered = await fake.wait_for_request("setWebhook", timeout=TIMEOUT)
        url = registered.params["url"]
        secret = registered.params["secret_token"]
        assert url.startswith("https://bot.example.org/")
        path = url.removeprefix("https://bot.example.org/")
        assert len(path) >= 32 and fake.token not in url
        assert fake.token.split(":")[1] not in url and secret not in url
        update = fake.user_sends(ATTENDEE, "/start")
        local = f"http://127.0.0.1:{port}/{path}"
        async with aiohttp.ClientSession() as session:
            refused = await post_until_listening(session, local, json=update)
            assert refused.status == 403
            wrong = await session.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}
            )
            assert wrong.status == 403
            elsewhere = await session.post(
                f"http://127.0.0.1:{port}/",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            )
            assert elsewhere.status == 404
            accepted = await session.post(
                local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
            )
            assert accepted.status == 200
        welcome = await fake.wait_for_message(ATTENDEE, timeout=TIMEOUT)
        assert "NCSC 2027" in welcome["text"]
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.output
    assert secret not in bot.output and fake.token not in bot.output
    # The generated secret is kept, so a restart registers the same URL.
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        assert await store.get_setting("webhook_secret") == secret
    finally:
        await store.close()


async def test_sigterm_mid_broadcast_leaves_it_resumable(fake: FakeTelegram, tmp_path: Path):
    """Stopped between sends: what was sent is recorded sent, the rest stays pending, and
    the next start delivers exactly the rest."""
    database = tmp_path / "bot.sqlite3"
    users = list(range(500_000, 500_040))
    store = await Store.open(database)
    try:
        for user_id in users:
            await store.upsert_user(
                user_id, f"Attendee {user_id}", None, "en", datetime(2027, 2, 16, 6, 0, tzinfo=UTC)
            )
    finally:
        await store.close()
    env = process_env(fake, tmp_path, BROADCAST_RATE="10")
    bot = await Process.start(env, tmp_path)
    try:
        await bot.wait_for_line(lambda line: "serving" in line)
        after = fake.mark()
        fake.user_sends(ORGANISER, "/announce Shuttle leaves at 18:00")
        preview = await fake.wait_for_message(ORGANISER, after=after, timeout=TIMEOUT)
        fake.user_presses(ORGANISER, preview, button_text="📣 Send to 40 attendees")
        await fake.wait_for_message(users[9], timeout=TIMEOUT)
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.output

    def delivered() -> Counter[int]:
        return Counter(
            r["chat_id"]
            for r in fake.sent
            if r["chat_id"] in users and r["method"] == "sendMessage"
        )

    got = delivered()
    assert 10 <= len(got) < 40
    store = await Store.open(database)
    try:
        counts = await store.delivery_counts(1)
        assert counts.sent == len(got) and counts.pending == 40 - len(got)
        assert counts.failed == counts.blocked == 0
        assert (await store.get_broadcast(1)).status == "sending"
    finally:
        await store.close()

    bot = await Process.start(env, tmp_path)
    try:
        await fake.wait_for_message(
            ORGANISER,
            predicate=lambda r: r["text"].startswith("✅ Announcement #1"),
            timeout=TIMEOUT,
        )
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.output
    assert delivered() == Counter(dict.fromkeys(users, 1))  # everyone once, nobody twice


async def test_sighup_with_hostile_files_tells_the_organisers_and_sigterm_still_stops(
    fake: FakeTelegram, tmp_path: Path
):
    """Issue 15 §1: a FIFO, an alias bomb, a link to /dev/zero… reloaded by SIGHUP."""
    from tests.content.test_hostile_files import HOSTILE

    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    names = ["fifo.yaml", "laughs.yaml", "recursive.yaml", "zero.yaml", "folder.yaml"]
    for name in names:
        HOSTILE[name][0](faq / name)
    env = process_env(fake, tmp_path, FAQ_DIR=str(faq))
    bot = await Process.start(env, tmp_path)
    with pytest.raises(AssertionError, match="bot exited"):  # start-up refuses them
        await bot.wait_for_line(lambda line: "serving" in line)
    assert await bot.exit_code() == 1
    for name in names:
        assert name in bot.output, bot.output
    assert "Traceback" not in bot.output

    # Started on good content, then the hostile files arrive and SIGHUP reloads.
    for name in names:
        path = faq / name
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    bot = await Process.start(env, tmp_path)
    try:
        await bot.wait_for_line(lambda line: "serving" in line)
        for name in names:
            HOSTILE[name][0](faq / name)
        mark = len(bot.lines)
        after = fake.mark()
        bot.process.send_signal(signal.SIGHUP)
        await bot.wait_for_line(lambda line: "reload on SIGHUP refused" in line, mark)
        told = await fake.wait_for_message(ORGANISER, after=after, timeout=TIMEOUT)
        assert told["text"].startswith("⚠️ The new content has problems")
        for name in names:
            assert name in told["text"], told["text"]
        fake.user_sends(ATTENDEE, "wifi password")
        reply = await fake.wait_for_message(ATTENDEE, contains="NCSC2027-Guest", timeout=TIMEOUT)
        assert reply
    finally:
        code = await bot.stop(signal.SIGTERM)
    assert code == 0, bot.output
    assert "Traceback" not in bot.output
