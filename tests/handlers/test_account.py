"""The attendee's account end to end: /start and /forget."""

from __future__ import annotations

from tests.handlers.asking import answer_question, labels
from tests.harness import ATTENDEE, Harness
from tests.storage.support import stored_user


async def test_start_welcomes_registers_and_subscribes(harness: Harness):
    reply = await harness.say(ATTENDEE, "/start", first_name="Ayesha", username="ayesha")
    assert "NCSC 2027" in reply["text"]
    assert "/stop" in reply["text"] and "/start" in reply["text"]
    assert labels(reply) == ["📅 Agenda", "▶️ Now", "⏭ Next", "📍 Venue", "❓ Help"]
    user = await stored_user(harness.store, ATTENDEE)
    assert user is not None and user.first_name == "Ayesha" and user.subscribed

    stopped = await harness.say(ATTENDEE, "/stop")
    assert "won't get announcements" in stopped["text"]
    assert not (await stored_user(harness.store, ATTENDEE)).subscribed
    await harness.say(ATTENDEE, "/start")
    assert (await stored_user(harness.store, ATTENDEE)).subscribed


async def test_forget_after_confirmation(harness: Harness):
    await harness.say(ATTENDEE, "/start")
    reply = await harness.say(ATTENDEE, answer_question(harness))
    await harness.press(ATTENDEE, reply, button_text="👍")
    confirm = await harness.say(ATTENDEE, "/forget")
    assert labels(confirm) == ["🗑 Yes, delete my data", "Cancel"]
    await harness.press(ATTENDEE, confirm, button_text="Cancel")
    cancelled = await harness.fake.wait_for_message(ATTENDEE, contains="Nothing was deleted")
    assert cancelled["method"] == "editMessageText"
    assert await stored_user(harness.store, ATTENDEE) is not None

    confirm = await harness.say(ATTENDEE, "/forget")
    await harness.press(ATTENDEE, confirm, button_text="🗑 Yes, delete my data")
    done = await harness.fake.wait_for_message(ATTENDEE, contains="deleted everything")
    assert done["reply_markup"] is None
    assert await stored_user(harness.store, ATTENDEE) is None
    assert await harness.store.export_questions() == []
    assert (await harness.store.stats()).votes == ()
    # The old vote button is now stale, not a crash.
    stale = await harness.press(ATTENDEE, reply, button_text="👍 ✓")
    assert stale["text"] == "This button has expired. Please ask again."
