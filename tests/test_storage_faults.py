"""The running bot when its database fails (issue 15 §4), through the fake Bot API.

- A full disk (a real, full tmpfs) or a disk the kernel turned read-only after an error (a
  real ext4): the attendee gets a kind "try again" in their language, never "passed to the
  organisers"; the organisers are told once; when space returns the bot carries on.
- The file deleted or overwritten while the bot runs: one clear ERROR line, the organisers
  told once, what was stored rescued, and no crash (so no restart loop under systemd).
- A database already damaged at start: the process exits with EXIT_DATABASE, which the
  systemd unit is told not to restart.
"""

from __future__ import annotations

import asyncio
import configparser
import logging
import os
import sys
from pathlib import Path

import pytest

from bot import messages
from bot.answering import Answerer
from bot.app import EXIT_DATABASE, health_of
from tests.disks import failing_ext4, fill, small_tmpfs
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, ORGANISER_CHAT, Harness, bot_running
from tests.test_app import bot_env

ROOT = Path(__file__).resolve().parents[1]
URDU_ATTENDEE = ATTENDEE + 1
# Asks before the fault: another attendee, so that ATTENDEE's asks during the fault are not
# repeats of an open question (those get "still waiting", see bot.etiquette).
EARLIER = ATTENDEE + 2
UNANSWERABLE = "is there a bowling alley"
ANSWERABLE = "what is the wifi password"


def text_of(key: str, language: str = "en") -> str:
    return messages.html_text(key, language)


def alerts_in_organisers_chat(fake: FakeTelegram, key: str) -> int:
    """How many alerts of this kind were posted (recognised by their first sentence)."""
    template = messages.CATALOGUES["en"][key]
    opening = template.split(".")[0].replace("<b>", "").replace("</b>", "")
    return sum(m["text"].startswith(opening) for m in fake.messages_to(ORGANISER_CHAT))


async def ask(h: Harness, user: int, text: str, language: str = "en") -> str:
    reply = await h.say(user, text, language_code=language)
    return reply["text"]


async def settle_alerts(h: Harness) -> None:
    alerts = health_of(h.app).alerts
    assert alerts is not None
    await alerts.settle()


async def test_a_full_disk_asks_attendees_to_try_again_tells_organisers_once_and_recovers(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    with small_tmpfs(tmp_path / "disk") as disk:
        database = disk / "bot.sqlite3"
        async with bot_running(fake, tmp_path, sample_answerer, database_path=database) as h:
            assert await ask(h, EARLIER, UNANSWERABLE) == text_of("no_answer")
            await h.until_post_stored(await fake.wait_for_message(ORGANISER_CHAT))
            posts_before = len(fake.messages_to(ORGANISER_CHAT))

            filler = fill(disk)
            assert await ask(h, ATTENDEE, UNANSWERABLE) == text_of("storage_unavailable")
            assert await ask(h, URDU_ATTENDEE, UNANSWERABLE, "ur") == text_of(
                "storage_unavailable", "ur"
            )
            assert await ask(h, ATTENDEE, ANSWERABLE) == text_of("storage_unavailable")
            await settle_alerts(h)
            assert alerts_in_organisers_chat(fake, "alert.storage_full") == 1
            # No question reached the organisers that the bot could not keep.
            assert len(fake.messages_to(ORGANISER_CHAT)) == posts_before + 1

            filler.release()
            assert await ask(h, ATTENDEE, UNANSWERABLE) == text_of("no_answer")
            await settle_alerts(h)
            assert alerts_in_organisers_chat(fake, "alert.storage_recovered") == 1
            stored = [q.text for q in await h.store.export_questions()]
            assert stored == [UNANSWERABLE, UNANSWERABLE]
            assert alerts_in_organisers_chat(fake, "alert.storage_full") == 1


async def test_a_disk_turned_read_only_asks_attendees_to_try_again_and_tells_organisers_once(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    with failing_ext4(tmp_path / "ext4", tmp_path / "disk.img") as disk:
        database = disk.path / "bot.sqlite3"
        async with bot_running(fake, tmp_path, sample_answerer, database_path=database) as h:
            assert await ask(h, ATTENDEE, ANSWERABLE) != text_of("storage_unavailable")
            disk.fail()
            for _ in range(3):
                assert await ask(h, ATTENDEE, UNANSWERABLE) == text_of("storage_unavailable")
            assert await ask(h, URDU_ATTENDEE, UNANSWERABLE, "ur") == text_of(
                "storage_unavailable", "ur"
            )
            await settle_alerts(h)
            assert alerts_in_organisers_chat(fake, "alert.storage_unwritable") == 1
            assert not any(UNANSWERABLE in m["text"] for m in fake.messages_to(ORGANISER_CHAT))


async def test_a_button_pressed_while_the_disk_is_full_gets_a_try_again_on_the_button(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    with small_tmpfs(tmp_path / "disk") as disk:
        database = disk / "bot.sqlite3"
        async with bot_running(fake, tmp_path, sample_answerer, database_path=database) as h:
            answer = await h.say(ATTENDEE, ANSWERABLE)
            filler = fill(disk)
            pressed = await h.press(ATTENDEE, answer, button_text="👎")
            assert pressed["text"] == messages.plain("cb.storage_unavailable", "en")
            assert pressed["show_alert"] is True
            filler.release()
            pressed = await h.press(ATTENDEE, answer, button_text="👎")
            assert pressed["text"] == messages.plain("cb.thanks_vote", "en")


@pytest.mark.parametrize("fault", ["deleted", "overwritten"])
async def test_a_database_file_deleted_or_overwritten_while_running(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    fault: str,
):
    caplog.set_level(logging.INFO)
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        database = h.settings.database_path
        assert await ask(h, EARLIER, UNANSWERABLE) == text_of("no_answer")
        if fault == "deleted":
            database.unlink()
        else:
            with open(database, "r+b") as file:
                file.write(os.urandom(4096))
        for _ in range(3):
            assert await ask(h, ATTENDEE, UNANSWERABLE) == text_of("storage_unavailable")
        await settle_alerts(h)
        key = "alert.storage_gone" if fault == "deleted" else "alert.storage_damaged"
        assert alerts_in_organisers_chat(fake, key) == 1
        # Still serving what needs no database.
        venue = await h.say(ATTENDEE, "/venue")
        assert venue["text"]

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert str(database) in errors[0].getMessage() and not errors[0].exc_info
    if fault == "deleted":
        [rescued] = database.parent.glob("bot.sqlite3.rescued-*")
        assert str(rescued) in errors[0].getMessage()


async def test_a_damaged_database_at_start_exits_with_a_code_systemd_does_not_restart(
    fake: FakeTelegram, tmp_path: Path
):
    env = bot_env(fake, tmp_path, fake.token)
    database = Path(env["DATABASE_PATH"])
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    output = (out + err).decode()
    assert process.returncode == EXIT_DATABASE, output
    assert str(database) in output and "backup" in output
    assert "Traceback" not in output

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy" / "conference-bot.service")
    service = unit["Service"]
    assert str(EXIT_DATABASE) in service["RestartPreventExitStatus"].split()
    assert service["Restart"] == "on-failure"
