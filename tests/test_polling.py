"""A Bot API answering nonsense to getUpdates must not flood the log (issue 15 §3).

Before: `{"ok": true, "result": "surprise"}` for 10 s wrote about 12,700 CRITICAL
tracebacks, with no backoff. Now failures back off exponentially (to 60 s) and repeats
are logged once a minute with a count; the backoff is checked as lower bounds on the
gaps between requests (noise only lengthens them), never as a wall-clock figure.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import pytest

from bot import failure_streak
from bot.answering import Answerer
from bot.failure_streak import FailureStreak
from bot.polling import malformed
from tests.fake_telegram import FakeTelegram
from tests.harness import ATTENDEE, bot_running


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_up_to_a_minute() -> None:
    streak = FailureStreak(logging.getLogger("test"), "polling")
    delays = [streak.failed("surprise") for _ in range(10)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    streak.succeeded()
    assert streak.failed("again") == 1


def test_repeats_are_logged_once_a_minute_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    streak = FailureStreak(logging.getLogger("test.streak"), "polling", clock=clock)
    with caplog.at_level(logging.WARNING, logger="test.streak"):
        for _ in range(600):  # ten minutes of a failure every second
            streak.failed("Telegram sent str where a list of updates belongs")
            clock.now += 1
        streak.succeeded()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 + 9 + 1  # the first, one a minute, the recovery
    assert "polling failed: Telegram sent str" in lines[0]
    assert "60 more failures in the last 60 s" in lines[1]
    assert "works again after 600 failures over 600 s" in lines[-1]


@pytest.mark.parametrize(
    ("result", "ok"),
    [
        ("surprise", False),
        ({"update_id": 1}, False),
        ([{"update_id": "1"}], False),
        ([{"update_id": True}], False),
        (["x"], False),
        ([], True),
        ([{"update_id": 7, "message": "odd"}], True),  # readable id: skipped, not refetched
    ],
)
def test_malformed_results(result: object, ok: bool) -> None:
    assert (malformed(result) is None) is ok


async def test_surprise_reply_backs_off_logs_quietly_and_loses_nothing(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(failure_streak, "FIRST_DELAY", 0.05)  # the shape, not the minutes
    monkeypatch.setattr(failure_streak, "MAX_DELAY", 0.4)
    async with bot_running(fake, tmp_path, sample_answerer):
        caplog.clear()
        marker = fake.request_mark()
        fake.garble("getUpdates", "surprise")
        fake.user_sends(ATTENDEE, "wifi password")  # asked during the outage
        for _ in range(7):
            await fake.wait_for_request("getUpdates", after=fake.request_mark())
        fake.ungarble("getUpdates")
        reply = await fake.wait_for_message(ATTENDEE, method="sendMessage")
        assert "Wi-Fi" in reply["text"] or "wifi" in reply["text"].lower()
        polls = [r for r in fake.requests[marker:] if r.method == "getUpdates"]
    times = [r.time for r in polls[:8]]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    expected = [0.05, 0.1, 0.2, 0.4, 0.4, 0.4]
    for gap, delay in zip(gaps, expected, strict=False):
        assert gap >= 0.9 * delay, (gaps, expected)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not any(r.levelno >= logging.CRITICAL or r.exc_info for r in records), records
    polling_lines = [r.getMessage() for r in records if r.name == "bot.polling"]
    assert len(polling_lines) == 2, polling_lines  # the failure once, the recovery once
    assert "Telegram sent str where a list of updates belongs" in polling_lines[0]
    assert "works again" in polling_lines[1]


async def test_a_poison_update_is_skipped_not_refetched_forever(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with bot_running(fake, tmp_path, sample_answerer):
        first = fake.queue_raw_update("message", "surprise")  # PTB cannot read this one
        fake.user_sends(ATTENDEE, "wifi password")
        reply = await fake.wait_for_message(ATTENDEE, method="sendMessage")
        assert "wi-fi" in reply["text"].lower()
    skipped = [
        r for r in caplog.records if f"skipped update {first['update_id']}" in r.getMessage()
    ]
    assert len(skipped) == 1
    assert not any(r.levelno >= logging.CRITICAL for r in caplog.records)


async def test_server_errors_back_off_quietly_and_recover(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """502 pages and JSON 500s while polling: one line, no tracebacks, nothing lost."""
    monkeypatch.setattr(failure_streak, "FIRST_DELAY", 0.02)
    monkeypatch.setattr(failure_streak, "MAX_DELAY", 0.05)
    async with bot_running(fake, tmp_path, sample_answerer):
        caplog.clear()
        fake.fail_next("getUpdates", 502, times=3)
        fake.fail_next("getUpdates", 500, times=3)
        fake.user_sends(ATTENDEE, "wifi password")
        reply = await fake.wait_for_message(ATTENDEE, method="sendMessage")
        assert "wi-fi" in reply["text"].lower()
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not any(r.exc_info for r in records), records
    # The outage is the Bot API's, so bot.health's LinkWatch says it, once each way; the
    # polling backoff stays quiet about it (no second account of the same outage).
    lines = [r.getMessage() for r in records]
    assert len(lines) == 2, lines
    assert "HTTP 502" in lines[0] and "answering again" in lines[1] and "6 failed" in lines[1]
