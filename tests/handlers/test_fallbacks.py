"""What no feature handles: unknown commands, non-text messages, forged buttons."""

from __future__ import annotations

import pytest

from tests.harness import ATTENDEE, Harness


@pytest.mark.parametrize(
    "command", ["/frobnicate", "/frobnicate now please", "/START_x", "/agenda@some_other_bot"]
)
async def test_unknown_commands(harness: Harness, command: str):
    reply = await harness.say(ATTENDEE, command)
    assert reply["text"] == "I don't know that command, see /help."


@pytest.mark.parametrize("send", ["sticker", "photo", "voice", "document"])
async def test_non_text_messages(harness: Harness, send: str):
    after = harness.fake.mark()
    getattr(harness.fake, f"user_sends_{send}")(ATTENDEE)
    reply = await harness.fake.wait_for_message(ATTENDEE, after=after)
    assert reply["text"] == "I can only read text. Please type your question."


@pytest.mark.parametrize(
    ("data", "toast"),
    [
        ("unans:0", "Sorry, that's only for the organisers."),
        ("vote:999999:1", "This button has expired. Please ask again."),
        ("pick:999999:0123456789", "This button has expired. Please ask again."),
        ("none:999999", "This button has expired. Please ask again."),
        ("admin:delete_all", "This button has expired. Please ask again."),
        ("day:2031-01-01", "This button has expired. Please ask again."),
    ],
)
async def test_forged_callback_data_does_nothing(harness: Harness, data: str, toast: str):
    welcome = await harness.say(ATTENDEE, "/start")
    before = harness.fake.mark()
    answer = await harness.press(ATTENDEE, welcome, data=data, forged=True)
    assert answer["text"] == toast
    await harness.fake.assert_no_message(after=before, within=0.05)
