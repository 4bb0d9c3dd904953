"""`python -m bot` without a token, as a newcomer runs it: the advice, then the preview."""

from __future__ import annotations

import asyncio
import os
import pty
import signal
import sys
from pathlib import Path

import aiohttp

from tests.harness import ROOT
from tests.ports import free_port

TIMEOUT = 30.0


def env_without_token(port: int, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "WEB", "WEBHOOK"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "AGENDA_PATH": str(ROOT / "agenda.yaml"),
            "FAQ_DIR": str(ROOT / "faq"),
            "DATABASE_PATH": str(tmp_path / "never-used.sqlite3"),
            "WEB_PORT": str(port),
        }
    )
    return env


async def test_no_token_at_a_terminal_gives_the_advice_and_serves_the_preview(tmp_path: Path):
    port = free_port()
    controller, terminal = pty.openpty()  # stdin is a terminal, as for a person typing
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env_without_token(port, tmp_path),
        stdin=terminal,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    os.close(terminal)
    try:
        assert process.stderr is not None and process.stdout is not None
        advice = b""
        while b"Ctrl+C stops it" not in advice:  # the advice, then the preview's banner
            advice += await asyncio.wait_for(process.stderr.readline(), TIMEOUT)
        assert b"@BotFather" in advice and b"python -m bot ask" in advice
        assert b"Preview of" in advice and f"127.0.0.1:{port}".encode() in advice
        async with aiohttp.ClientSession() as http:
            home = await http.get(f"http://127.0.0.1:{port}/")
            assert home.status == 200 and "Preview" in await home.text()
            programme = await http.get(
                f"http://127.0.0.1:{port}/preview/open/programme", allow_redirects=False
            )
            assert programme.status == 302
            assert programme.headers["Location"].startswith("/app/#tgWebAppData=")
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), TIMEOUT)
        os.close(controller)
    assert code == 0
    assert not (tmp_path / "never-used.sqlite3").exists()  # the preview's database is its own


async def test_no_token_without_a_terminal_still_fails_loudly(tmp_path: Path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env_without_token(free_port(), tmp_path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode == 2
    assert b"@BotFather" in err and b"python -m bot preview" in err
