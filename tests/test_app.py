"""The application as a whole: start-up, retries, blocked users, errors, logs, the process."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import sys
from pathlib import Path

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import app, render
from bot.app import RetryingLimiter, RetryPolicy
from bot.health import LinkWatch
from bot.logs import JsonFormatter, TextFormatter, bind_update
from tests.content_builder import AGENDA
from tests.fake_telegram import FakeTelegram, iter_buttons
from tests.harness import (
    ATTENDEE,
    ORGANISER,
    ORGANISER_CHAT,
    ROOT,
    Harness,
    bot_running,
    small_answerer,
)
from tests.storage.support import stored_user

ATTENDEE_COMMANDS = [
    "start",
    "help",
    "agenda",
    "now",
    "next",
    "speaker",
    "venue",
    "stop",
    "forget",
    "lang",
    "mysessions",
    "remind",
    "ask",
    "feedback",
]
ORGANISER_COMMANDS = [
    "unanswered",
    "answer",
    "dismiss",
    "stats",
    "desk",
    "reload",
    "announce",
    "announcements",
    "teach",
    "learned",
    "moderate",
]


async def test_commands_are_set_per_scope(harness: Harness):
    fake = harness.fake
    assert [c["command"] for c in fake.commands_for()] == ATTENDEE_COMMANDS
    for chat in (ORGANISER, ORGANISER_CHAT):
        commands = [c["command"] for c in fake.commands_for(f"chat:{chat}")]
        assert commands == ATTENDEE_COMMANDS + ORGANISER_COMMANDS
    scopes = ("default", f"chat:{ORGANISER}", f"chat:{ORGANISER_CHAT}")
    assert set(fake.commands) == {(scope, code) for scope in scopes for code in ("", "ur")}
    urdu = {c["command"]: c["description"] for c in fake.commands_for(language_code="ur")}
    assert list(urdu) == ATTENDEE_COMMANDS
    assert urdu["agenda"] == "پروگرام، دن بہ دن" and urdu["lang"] == "زبان، English یا اردو"


async def test_bad_gateway_is_retried(harness: Harness):
    harness.allowed_errors.add(("sendMessage", 502))
    harness.fake.fail_next("sendMessage", status=502, chat_id=ATTENDEE)
    reply = await harness.say(ATTENDEE, "/venue")
    assert "Jinnah" in reply["text"]
    statuses = [r.status for r in harness.fake.requests_for("sendMessage")]
    assert statuses == [502, 200]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_waits_as_told(harness: Harness):
    harness.allowed_errors.add(("sendMessage", 429))
    harness.fake.fail_next("sendMessage", status=429, retry_after=1, chat_id=ATTENDEE)
    await harness.say(ATTENDEE, "/venue")
    refused, accepted = harness.fake.requests_for("sendMessage")
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.time - refused.time >= 1.0


async def test_blocked_attendee_is_unsubscribed(harness: Harness):
    h = harness
    h.allowed_errors.add(("sendMessage", 403))
    await h.say(ATTENDEE, "/start")
    h.fake.block(ATTENDEE)
    h.fake.user_sends(ATTENDEE, "/venue")
    await h.fake.wait_for_request("sendMessage", status=403)

    async def unsubscribed() -> bool:
        user = await stored_user(h.store, ATTENDEE)
        return user is not None and not user.subscribed and user.blocked_at is not None

    await h.until(unsubscribed)
    assert await h.store.count_audience("all") == 0
    h.fake.unblock(ATTENDEE)
    await h.say(ATTENDEE, "/start")
    assert await h.store.count_audience("all") == 1


async def test_block_update_unsubscribes(harness: Harness):
    h = harness
    await h.say(ATTENDEE, "/start")
    h.fake.user_blocks_bot(ATTENDEE)

    async def blocked() -> bool:
        user = await stored_user(h.store, ATTENDEE)
        return user is not None and user.blocked_at is not None

    await h.until(blocked)


async def test_an_exception_is_logged_with_the_update_id_and_serving_goes_on(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    h = harness

    def explode(question: str, language: str) -> None:
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(h.state.answerer, "decide", explode)
    after = h.fake.mark()
    update = h.fake.user_sends(ATTENDEE, "wifi")
    sorry = await h.fake.wait_for_message(ATTENDEE, after=after)
    assert sorry["text"] == "Sorry, something went wrong on my side. Please try again."
    assert f"error while handling update {update['update_id']}" in caplog.text
    assert "matcher exploded" in caplog.text
    monkeypatch.undo()
    reply = await h.say(ATTENDEE, "/venue")
    assert "Jinnah" in reply["text"]


async def test_token_never_reaches_the_logs(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    caplog.set_level(logging.DEBUG)
    h = harness
    token = h.fake.token
    secret = token.split(":", 1)[1]
    h.allowed_errors.add(("sendMessage", 502))
    h.fake.fail_next("sendMessage", status=502, chat_id=ATTENDEE)
    await h.say(ATTENDEE, "/start")
    await h.say(ATTENDEE, "wifi")
    monkeypatch.setattr(h.state.answerer, "decide", lambda q, lang: 1 / 0)
    await h.say(ATTENDEE, "parking")
    monkeypatch.undo()
    logging.getLogger("httpx").warning(
        "HTTP Request: POST %s/sendMessage", f"{h.fake.base_url}{token}"
    )
    try:
        raise RuntimeError(f"request to /bot{token}/getMe failed")
    except RuntimeError:
        logging.getLogger("telegram.ext.Updater").exception("polling failed")
    logging.getLogger("bot").info("secret alone: %s", secret)
    assert caplog.records, "expected log records"
    assert token not in caplog.text and secret not in caplog.text
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert "[REDACTED]" in caplog.text


# --- the retry wrapper, unit by unit ------------------------------------------------------


def failing(errors: list[Exception]) -> tuple[list[int], object]:
    calls: list[int] = []

    async def callback() -> dict:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return {"ok": True}

    return calls, callback


async def test_limiter_retries_timeouts_only_where_a_duplicate_is_harmless():
    limiter = RetryingLimiter(RetryPolicy(backoff=0))
    calls, callback = failing([TimedOut()])
    assert await limiter.process_request(callback, (), {}, "sendMessage", {}, None) == {"ok": 1}
    assert len(calls) == 2
    for endpoint in ("editMessageText", "answerCallbackQuery", "answerInlineQuery"):
        calls, callback = failing([TimedOut()])
        with pytest.raises(TimedOut):
            await limiter.process_request(callback, (), {}, endpoint, {}, None)
        assert len(calls) == 1


async def test_limiter_gives_up_after_the_attempts_and_never_retries_bad_requests():
    limiter = RetryingLimiter(RetryPolicy(attempts=3, backoff=0))
    calls, callback = failing([NetworkError("Bad Gateway")] * 5)
    with pytest.raises(NetworkError):
        await limiter.process_request(callback, (), {}, "sendMessage", {}, None)
    assert len(calls) == 3
    calls, callback = failing([BadRequest("can't parse entities")])
    with pytest.raises(BadRequest):
        await limiter.process_request(callback, (), {}, "sendMessage", {}, None)
    assert len(calls) == 1


async def test_a_send_that_fails_as_its_outage_ends_is_sent_again_not_dropped():
    """A stalled send is cut off as the Bot API comes back, after its attempts ran out.

    Its failure arrives when the outage is already over, but it belongs to the outage, so
    it is tried again: the attendee's answer is sent, not dropped at the very moment it
    could be (this happened under load in the stalled-outage test).
    """
    limiter = RetryingLimiter(RetryPolicy(attempts=2, backoff=0, max_backoff=0.05))
    watch = LinkWatch()
    limiter.watch = watch
    watch.failed("sendMessage", "no answer in time")
    calls: list[int] = []

    async def callback() -> dict:
        calls.append(1)
        if len(calls) == 1:
            raise NetworkError("Bad Gateway")  # during the outage
        if len(calls) == 2:
            watch.answered("sendMessage")  # the API is back while this attempt hangs...
            raise NetworkError("Server disconnected")  # ...and the stalled call is cut
        return {"ok": True}

    assert await limiter.process_request(callback, (), {}, "sendMessage", {}, None) == {"ok": True}
    assert len(calls) == 3
    # A failure with no outage around it still gives up after the attempts.
    calls_after, failing_callback = failing([NetworkError("Bad Gateway")] * 3)
    with pytest.raises(NetworkError):
        await limiter.process_request(failing_callback, (), {}, "sendMessage", {}, None)
    assert len(calls_after) == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_limiter_pauses_everything_after_retry_after_and_reports_403():
    limiter = RetryingLimiter(RetryPolicy(backoff=0))
    blocked: list[int] = []

    async def on_forbidden(chat_id: int) -> None:
        blocked.append(chat_id)

    limiter.on_forbidden = on_forbidden
    calls, callback = failing([RetryAfter(0)])
    assert await limiter.process_request(callback, (), {}, "sendMessage", {}, None) == {"ok": 1}
    assert len(calls) == 2
    for chat_id in (42, "43", -100500):
        calls, callback = failing([Forbidden("bot was blocked by the user")])
        with pytest.raises(Forbidden):
            await limiter.process_request(
                callback, (), {}, "sendMessage", {"chat_id": chat_id}, None
            )
    assert blocked == [42, 43]  # groups (negative ids) are not attendees


# --- long agendas ---------------------------------------------------------------------------


def long_agenda(sessions: int) -> str:
    lines = [AGENDA.split("sessions:\n")[0] + "sessions:"]
    for index in range(sessions):
        start = 8 * 60 + index * 5
        lines += [
            f"  - id: talk-{index}",
            f'    title: "Talk {index}: securing {"very " * 8}long titles & <tags> №{index}"',
            f"    start: 2027-02-16 {start // 60:02d}:{start % 60:02d}",
            f"    end: 2027-02-16 {(start + 5) // 60:02d}:{(start + 5) % 60:02d}",
            "    room: hall-a",
        ]
    return "\n".join(lines) + "\n"


async def test_a_long_day_is_split_at_line_boundaries(fake: FakeTelegram, tmp_path: Path):
    answerer = small_answerer(tmp_path, agenda=long_agenda(150))
    async with bot_running(fake, tmp_path, answerer) as h:
        picker = await h.say(ATTENDEE, "/agenda")
        assert [b["text"] for b in iter_buttons(picker["reply_markup"])] == [
            "Day 1 · Tue 16 Feb",
            "📅 Whole agenda (.ics)",
        ]
        expected = render.day_agenda(answerer.content, answerer.content.days[0], "en").texts
        assert len(expected) >= 3
        after = fake.mark()
        await h.press(ATTENDEE, picker, button_text="Day 1 · Tue 16 Feb")
        received = []
        for _ in expected:
            received.append(
                await fake.wait_for_message(ATTENDEE, after=after, method="sendMessage")
            )
            after = fake.sent.index(received[-1]) + 1
        assert [r["text"] for r in received] == [render.visible(t).strip() for t in expected]
        assert all(len(r["text"]) <= 4096 for r in received)
        joined = "\n".join(r["text"] for r in received)
        for index in range(150):
            assert joined.count(f"Talk {index}: ") == 1


# --- the real process -----------------------------------------------------------------------


def bot_env(fake: FakeTelegram, tmp_path: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "ORGANISER_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": token,
            "BOT_API_URL": fake.base_url,
            "AGENDA_PATH": str(ROOT / "agenda.yaml"),
            "FAQ_DIR": str(ROOT / "faq"),
            "DATABASE_PATH": str(tmp_path / "nested" / "dir" / "bot.sqlite3"),
            "BOT_NOW": "2027-02-16T11:30",
            "ORGANISER_IDS": str(ORGANISER),
            "LOG_LEVEL": "DEBUG",
        }
    )
    return env


async def test_process_with_a_rejected_token_exits_2_without_printing_it(
    fake: FakeTelegram, tmp_path: Path
):
    token = "999999:WRONG-SECRET-abcdefghijklmnop"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=bot_env(fake, tmp_path, token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    output = (out + err).decode()
    assert process.returncode == 2, output
    assert "rejected BOT_TOKEN" in output
    assert "WRONG-SECRET" not in output


async def test_process_serves_and_stops_cleanly(fake: FakeTelegram, tmp_path: Path):
    env = bot_env(fake, tmp_path, fake.token)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        fake.user_sends(ATTENDEE, "/start")  # waits in the fake until the bot polls
        welcome = await fake.wait_for_message(ATTENDEE, timeout=60)
        assert "NCSC 2027" in welcome["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 60)
    output = (out + err).decode()
    assert process.returncode == 0, output
    assert Path(env["DATABASE_PATH"]).is_file()
    assert fake.token not in output and fake.token.split(":")[1] not in output
    assert fake.errors == []


async def test_json_logs_carry_update_and_user_but_no_token_or_attendee_text(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    """LOG_FORMAT=json through the real stack: one object per line, ids where known."""
    h = harness
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(app._REDACTOR.redact))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        await h.say(ATTENDEE, "is there a bowling alley xyzzy")
        await h.say(ATTENDEE, "wifi password plugh")
        monkeypatch.setattr(h.state.answerer, "decide", lambda q, lang: 1 / 0)
        update = h.fake.user_sends(ATTENDEE, "parking frobozz")
        await h.fake.wait_for_message(ATTENDEE, contains="Sorry")
        monkeypatch.undo()
        logging.getLogger("bot").warning("token %s", h.fake.token)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    errors = [r for r in records if r["level"] == "ERROR"]
    assert errors and errors[0]["update_id"] == update["update_id"]
    assert errors[0]["user_id"] == ATTENDEE and "ZeroDivisionError" in errors[0]["exception"]
    output = stream.getvalue()
    assert h.fake.token not in output and "[REDACTED]" in output
    for word in ("xyzzy", "plugh", "frobozz"):
        assert word not in output


def test_text_log_lines_name_the_update():
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "hello", None, None)
    bind_update(41, 1001)
    try:
        assert TextFormatter().format(record).endswith("hello [update 41 user 1001]")
    finally:
        bind_update(None, None)
    assert TextFormatter().format(record).endswith("bot: hello")
