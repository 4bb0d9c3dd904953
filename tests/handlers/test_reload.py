"""/reload against hostile content files, and a stop that never waits on a reload (issue 15 §1).

Before: a recursive alias, a folder, deep nesting or a FIFO answered "Sorry, something
went wrong" (only ContentError was caught) or never answered at all, and a reload stuck
in its worker thread kept SIGTERM from stopping the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.content.reloader import ContentReloader
from tests.content.test_hostile_files import HOSTILE
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER, ROOT, bot_running

CASES = [
    "recursive.yaml",
    "folder.yaml",
    "deep.yaml",
    "fifo.yaml",
    "laughs.yaml",
    "zero.yaml",
    "loop.yaml",
    "dangling.yaml",
]


def content_copy(tmp_path: Path) -> Path:
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "faq", content_dir / "faq")
    shutil.copy(ROOT / "agenda.yaml", content_dir / "agenda.yaml")
    return content_dir


@pytest.mark.parametrize("name", CASES)
async def test_reload_names_the_hostile_file_and_keeps_serving(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer, name: str
) -> None:
    content_dir = content_copy(tmp_path)
    make, expected = HOSTILE[name]
    make(content_dir / "faq" / name)
    async with bot_running(
        fake,
        tmp_path,
        sample_answerer,
        agenda_path=content_dir / "agenda.yaml",
        faq_dir=content_dir / "faq",
    ) as h:
        original = h.state.answerer
        after = fake.mark()
        fake.user_sends(ORGANISER, "/reload")
        failed = await fake.wait_for_message(ORGANISER, after=after, timeout=60)
        assert failed["text"].startswith("⚠️ The new content has problems"), failed["text"]
        assert name in failed["text"] and expected in failed["text"]
        assert h.state.answerer is original
        reply = await h.say(ATTENDEE, "wifi password")
        assert "NCSC2027-Guest" in reply["text"]


async def test_stop_abandons_a_reload_in_progress(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    """A load that never ends (its worker sleeps) is killed at shutdown, not waited for."""
    pid_file = tmp_path / "worker.pid"
    sleeper = (
        sys.executable,
        "-c",
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)",
    )
    stack = contextlib.AsyncExitStack()
    h = await stack.enter_async_context(bot_running(fake, tmp_path, sample_answerer))
    try:
        st = h.state
        st.reloader = ContentReloader(
            st.settings.agenda_path,
            st.settings.faq_dir,
            st.settings.content_limits,
            lambda content: Answerer(content, st.clock),
            worker=sleeper,
        )
        fake.user_sends(ORGANISER, "/reload")
        while not pid_file.exists() or not pid_file.read_text():
            await fake.wait_for_request("getUpdates", after=fake.request_mark())
        pid = int(pid_file.read_text())
        reply = await h.say(ATTENDEE, "wifi password")  # the bot answers meanwhile
        assert "NCSC2027-Guest" in reply["text"]
    finally:
        await asyncio.wait_for(stack.aclose(), 60)  # a hang guard: a waiting stop never ends
    # bot_running has stopped the bot: the reload was cancelled and its child is gone.
    assert not any(m["text"].startswith(("✅", "⚠️")) for m in fake.messages_to(ORGANISER))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
