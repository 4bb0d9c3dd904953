"""Reloading content in a child process that can be abandoned (issue 15 §1)."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import pytest

from bot.content import Content
from bot.content.limits import LoadLimits
from bot.content.reloader import ContentReloader, _in_daemon_thread
from tests.content.test_hostile_files import HOSTILE
from tests.content_builder import write_content


def summary(content: Content) -> str:
    return content.summary()


def sleeper(pid_file: Path) -> tuple[str, ...]:
    """A worker that records its pid and never answers (a load that hangs)."""
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    return (sys.executable, "-c", code)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child not yet reaped is a zombie: dead for our purposes.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


async def until_file(path: Path) -> str:
    while not path.exists() or not path.read_text():
        await asyncio.sleep(0.01)
    return path.read_text()


async def test_reload_builds_the_new_content(tmp_path: Path) -> None:
    reloader = ContentReloader(*write_content(tmp_path), LoadLimits(), summary)
    result = await reloader.reload()
    assert result.problems == ()
    assert result.value == "3 FAQ entries, 4 sessions, 2 speakers"


async def test_every_hostile_file_comes_back_as_named_problems(tmp_path: Path) -> None:
    agenda, faq = write_content(tmp_path)
    for name, (make, _) in HOSTILE.items():
        make(faq / name)
    result = await ContentReloader(agenda, faq, LoadLimits(), summary).reload()
    assert result.value is None
    text = "\n".join(str(p) for p in result.problems)
    for name, (_, expected) in HOSTILE.items():
        assert any(name in str(p) and expected in str(p) for p in result.problems), (name, text)


async def test_a_load_that_overruns_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    agenda, faq = write_content(tmp_path)
    limits = LoadLimits(seconds=0.0)  # the grace for start-up still applies, then a kill
    reloader = ContentReloader(agenda, faq, limits, summary, worker=sleeper(pid_file))
    reloader_task = asyncio.create_task(reloader.reload())
    pid = int(await until_file(pid_file))
    result = await reloader_task
    assert result.value is None
    assert "took longer than 0 s" in str(result.problems[0])
    assert not alive(pid)


async def test_close_cancels_a_reload_and_kills_its_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    agenda, faq = write_content(tmp_path)
    reloader = ContentReloader(agenda, faq, LoadLimits(), summary, worker=sleeper(pid_file))
    finished: list[object] = []

    async def reload_and_report() -> None:
        finished.append(await reloader.reload())

    reloader.in_background(reload_and_report())
    pid = int(await until_file(pid_file))
    assert alive(pid)
    await reloader.close()
    assert finished == []  # abandoned, not waited for
    await asyncio.sleep(0)
    assert not alive(pid)
    reloader.in_background(reload_and_report())  # after close: refused quietly
    assert finished == []


async def test_a_crashing_worker_is_a_problem(tmp_path: Path) -> None:
    agenda, faq = write_content(tmp_path)
    worker = (sys.executable, "-c", "import sys; sys.exit('worker exploded')")
    result = await ContentReloader(agenda, faq, LoadLimits(), summary, worker=worker).reload()
    assert result.value is None
    assert "loading failed: worker exploded" in str(result.problems[0])


async def test_a_worker_out_of_memory_is_a_problem(tmp_path: Path) -> None:
    """The child's RLIMIT_AS holds even if the loader's own budgets did not."""
    agenda, faq = write_content(tmp_path)
    code = (
        "import sys; from bot.content.load_worker import main; "
        "main(sys.stdin.buffer, sys.stdout.buffer)"
    )
    reloader = ContentReloader(
        agenda,
        faq,
        LoadLimits(),
        summary,
        worker=(sys.executable, "-c", code),
        memory_bytes=8 * 1024 * 1024,  # far too little for an interpreter
    )
    result = await reloader.reload()
    assert result.value is None
    assert len(result.problems) == 1
    assert str(agenda) in str(result.problems[0])


async def test_an_index_that_fails_is_a_problem(tmp_path: Path) -> None:
    def broken(content: Content) -> str:
        raise ValueError("no index today")

    result = await ContentReloader(*write_content(tmp_path), LoadLimits(), broken).reload()
    assert result.value is None
    assert "could not be indexed: no index today" in str(result.problems[0])


async def test_a_slow_index_build_is_abandoned_not_awaited() -> None:
    release = threading.Event()
    started = threading.Event()

    def slow(content: object) -> str:
        started.set()
        release.wait(30)
        return "late"

    task = asyncio.create_task(_in_daemon_thread(slow, None))  # type: ignore[arg-type]
    while not started.is_set():
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()  # the thread ends on its own; its result goes nowhere
