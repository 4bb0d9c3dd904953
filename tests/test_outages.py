"""The Bot API going away and coming back (issue 15 §4), through the fake server.

Every way it goes away: 500s, nginx's HTML 502 page, a 200 with garbled JSON, connections
closed without an answer, and a stall (30 s at Telegram; a second here, against a bot whose
requests time out after half of one). In each case:
- a question fetched just before the outage (acknowledged to Telegram, so only the bot
  has it) is answered after it;
- a question asked during the outage waits at Telegram and is answered after it;
- an unanswerable one reaches the organisers' chat too;
- the bot recovers by itself, and the log says "unreachable" once and "answering again"
  once, with no tracebacks and no line per failed request.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot import messages
from bot.answering import Answerer
from bot.app import RetryPolicy
from tests.fake_telegram import FakeTelegram, OutageKind, RequestRecord
from tests.harness import ATTENDEE, ORGANISER_CHAT, bot_running

SECOND_ATTENDEE = ATTENDEE + 1
ANSWERABLE = "what is the wifi password"
UNANSWERABLE = "is there a bowling alley"
# Short backoffs and timeouts, so an outage of a second is many failed requests.
RETRY = RetryPolicy(backoff=0.01, max_backoff=0.2, outage_patience=30.0)


def failed(record: RequestRecord) -> bool:
    return record.status != 200 or not isinstance(record.response, dict)


async def outage_failures(fake: FakeTelegram, method: str, count: int, after: int) -> None:
    """Wait until `count` calls of `method` have met the outage (no sleeping)."""
    for _ in range(count):
        record = await fake.wait_for_request(method, failed, after=after, timeout=10.0)
        after = fake.requests.index(record) + 1


@pytest.mark.parametrize("kind", ["500", "502", "garbled", "close", "stall"])
async def test_an_outage_of_the_bot_api_is_survived_and_logged_once(
    fake: FakeTelegram,
    tmp_path: Path,
    sample_answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    kind: OutageKind,
):
    answerer = sample_answerer
    assert answerer.ask(ANSWERABLE).decision == "answer"
    assert answerer.ask(UNANSWERABLE).decision == "none"
    caplog.set_level(logging.INFO)
    async with bot_running(fake, tmp_path, answerer, retry=RETRY, request_timeout=0.5) as h:
        start = len(caplog.records)
        after = fake.mark()
        requests = fake.request_mark()
        # Sending fails first: the question is fetched (and acknowledged), its answer not.
        fake.start_outage(kind, methods=["sendMessage"], stall=1.0)
        fake.user_sends(ATTENDEE, ANSWERABLE)
        await outage_failures(fake, "sendMessage", 2, requests)
        # Then everything: this question stays at Telegram until the API is back.
        fake.start_outage(kind, stall=1.0)
        requests = fake.request_mark()
        fake.user_sends(SECOND_ATTENDEE, UNANSWERABLE)
        await outage_failures(fake, "getUpdates", 2, requests)
        assert not fake.messages_to(ATTENDEE) and not fake.messages_to(SECOND_ATTENDEE)
        fake.end_outage()

        answered = await fake.wait_for_message(ATTENDEE, after=after, timeout=15.0)
        expected = answerer.answer_text(answerer.ask(ANSWERABLE)).strip()
        assert answered["text"] == expected
        handed_off = await fake.wait_for_message(SECOND_ATTENDEE, after=after, timeout=15.0)
        assert handed_off["text"] == messages.html_text("no_answer", "en")
        post = await fake.wait_for_message(ORGANISER_CHAT, after=after, timeout=15.0)
        assert UNANSWERABLE in post["text"]
        await h.until_post_stored(post)
        stored = await h.store.export_questions()
        assert [q.text for q in stored] == [ANSWERABLE, UNANSWERABLE]

    logged = caplog.records[start:]
    loud = [r for r in logged if r.levelno >= logging.WARNING]
    lines = [r.getMessage() for r in loud]
    assert [line for line in lines if "unreachable" in line] == [lines[0]], lines
    assert sum("answering again" in line for line in lines) == 1, lines
    assert all(r.levelno < logging.ERROR and not r.exc_info for r in logged), lines
    assert len(loud) == 2, lines  # nothing per request


async def test_a_short_blip_is_retried_as_before_without_a_traceback(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer, caplog: pytest.LogCaptureFixture
):
    """One 502 on one reply: retried at once, two lines (down, up), the attendee answered."""
    caplog.set_level(logging.INFO)
    async with bot_running(fake, tmp_path, sample_answerer, retry=RETRY) as h:
        fake.fail_next("sendMessage", 502)
        reply = await h.say(ATTENDEE, ANSWERABLE)
        assert "wifi" in reply["text"].lower() or "wi-fi" in reply["text"].lower()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert h.app.bot_data["health"].link.outages == 1


async def test_an_outage_longer_than_the_patience_gives_up_on_the_reply(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer, caplog: pytest.LogCaptureFixture
):
    """Patience is bounded: a reply does not wait forever (nor hold a handler slot)."""
    short = RetryPolicy(backoff=0.01, max_backoff=0.05, outage_patience=0.3)
    async with bot_running(fake, tmp_path, sample_answerer, retry=short) as h:
        fake.start_outage("502", methods=["sendMessage"])
        requests = fake.request_mark()
        fake.user_sends(ATTENDEE, ANSWERABLE)
        await outage_failures(fake, "sendMessage", 6, requests)
        await _logged(caplog, "outlasted its patience")
        fake.end_outage()
        # The question itself was stored before the reply was tried.
        assert [q.text for q in await h.store.export_questions()] == [ANSWERABLE]


async def _logged(caplog: pytest.LogCaptureFixture, text: str, timeout: float = 10.0) -> None:
    """Wait until a log line contains text (log lines signal nothing, so look again)."""
    async with asyncio.timeout(timeout):
        while not any(text in r.getMessage() for r in caplog.records):
            await asyncio.sleep(0.02)
