"""Stopping the bot while a moderators' live list edit is still on its way to Telegram:
the edit ends with the application's stop, while the HTTP client is still open, so
nothing reaches the closed client, nothing is retried or logged, and nothing is sent once
the bot has shut down.

Order of events, not timings: the fake Bot API holds the edit until the server closes, so
it is certainly in flight when the bot stops.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram
from tests.handlers.test_live_qa import MODERATOR, SESSION, ask_by_button, moderated_answerer
from tests.harness import ATTENDEE, bot_running


async def test_a_pending_live_list_edit_ends_before_the_client_closes(
    fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    answerer = moderated_answerer(tmp_path)
    async with bot_running(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as h:
        panel = await h.say(MODERATOR, f"/moderate {SESSION}")
        assert "Moderating" in panel["text"]
        sender = h.state.pacer
        assert sender is not None
        fake.delay("editMessageText", 3600, times=1)  # held until the fake server closes
        await ask_by_button(h, ATTENDEE, "How many analysts per shift?")
        pacer = h.state.live_pacer
        assert pacer is not None
        async with asyncio.timeout(30):  # a deadline for a hung bot, not a speed check
            while not (pacer.edits and sender.in_flight):
                await asyncio.sleep(0.01)  # until the list's edit is on its way
        assert pacer.pending
        first_log = len(caplog.records)
    stopped = fake.request_mark()
    assert not pacer.pending  # nothing left that could still send
    pacer.request(SESSION)  # a late change (the Mini App's) is refused, not sent
    assert not pacer.pending
    await asyncio.sleep(0)
    after = [r for r in caplog.records[first_log:] if r.levelno >= logging.WARNING]
    assert after == [], [r.getMessage() for r in after]
    assert not any("not initialized" in r.getMessage() for r in caplog.records)
    assert not any("retrying" in r.getMessage() for r in caplog.records[first_log:])
    assert fake.requests[stopped:] == []
