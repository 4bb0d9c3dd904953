"""bot.health.LinkWatch: an outage told once each way, and its stragglers not told again."""

from __future__ import annotations

import logging

import pytest

from bot.health import LinkWatch


def test_an_outage_starts_once_and_ends_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    watch = LinkWatch(clock=lambda: 100.0)
    watch.failed("getUpdates", "HTTP 502", watch.epoch)
    watch.failed("getUpdates", "HTTP 502", watch.epoch)
    assert watch.down and watch.outages == 1
    watch.answered("getUpdates")
    assert not watch.down and watch.epoch == 1
    assert [r.getMessage()[:28] for r in caplog.records] == [
        "Telegram Bot API unreachable",
        "Telegram Bot API answering a",
    ]


def test_a_request_from_the_last_outage_failing_late_is_no_new_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stalled request sent during the outage, dropped as the API comes back."""
    watch = LinkWatch(clock=lambda: 100.0)
    during = watch.epoch
    watch.failed("sendMessage", "no answer in time", during)
    watch.answered("sendMessage")
    caplog.set_level(logging.WARNING)
    caplog.clear()
    watch.failed("sendMessage", "ServerDisconnectedError", during)
    assert not watch.down and watch.outages == 1
    assert not caplog.records
    # A request sent after the recovery that fails is a new outage.
    watch.failed("sendMessage", "HTTP 502", watch.epoch)
    assert watch.down and watch.outages == 2


def test_a_failure_without_an_epoch_counts_as_before() -> None:
    watch = LinkWatch(clock=lambda: 100.0)
    watch.failed("getMe", "HTTP 500")
    watch.answered("getMe")
    watch.failed("getMe", "HTTP 500")
    assert watch.outages == 2
