"""My schedule end to end: stars, /mysessions, .ics files, /remind and reminders."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar

from bot import announcement_engine, render
from tests.handlers.asking import labels
from tests.harness import ATTENDEE, Harness


async def test_stars_mysessions_and_calendar_files(harness: Harness):
    h, fake = harness, harness.fake
    await h.say(ATTENDEE, "/start")
    now = await h.say(ATTENDEE, "/now")
    star = next(label for label in labels(now) if "Workshop: Digital forensics" in label)
    assert star.startswith("☆")
    answer = await h.press(ATTENDEE, now, button_text=star)
    assert "Added to /mysessions" in answer["text"] and "10 min before" in answer["text"]
    flipped = await fake.wait_for_message(ATTENDEE, method="editMessageReplyMarkup")
    assert "⭐" + star[1:] in labels(flipped)
    assert await h.store.starred_sessions(ATTENDEE) == ["forensics-workshop"]

    mine = await h.say(ATTENDEE, "/mysessions")
    assert "Your sessions (1)" in mine["text"] and "Digital forensics" in mine["text"]
    assert "10 min before each" in mine["text"]
    await h.press(ATTENDEE, mine, button_text="📅 Add to my calendar (.ics)")
    document = await fake.wait_for_message(ATTENDEE, method="sendDocument")
    sent = fake.documents[-1]
    assert sent["filename"].endswith(".ics") and "starred session" in document["text"]
    calendar = Calendar.from_ical(sent["content"])
    [event] = calendar.walk("VEVENT")
    assert "Digital forensics" in str(event["SUMMARY"])
    assert event["DTSTART"].params["TZID"] == "Asia/Karachi"

    agenda = await h.say(ATTENDEE, "/agenda")
    await h.press(ATTENDEE, agenda, button_text="📅 Whole agenda (.ics)")
    await fake.wait_for_message(ATTENDEE, method="sendDocument")
    whole = Calendar.from_ical(fake.documents[-1]["content"])
    assert len(whole.walk("VEVENT")) == len(h.state.content.sessions)

    # Unstar from /mysessions.
    answer = await h.press(ATTENDEE, mine, button_text=labels(mine)[0])
    assert "Removed" in answer["text"]
    assert await h.store.starred_sessions(ATTENDEE) == []


async def test_reminder_before_a_starred_session_once(harness: Harness):
    h, fake = harness, harness.fake
    await h.say(ATTENDEE, "/start")
    await h.store.toggle_star(ATTENDEE, "ctf-day-1", h.state.now())  # starts at 12:00
    reminders = announcement_engine.of(h.app).reminders
    assert await reminders.run_once() == 0  # 11:30: too early
    h.set_clock(datetime(2027, 2, 16, 11, 52))
    reminders.wake()
    reminder = await fake.wait_for_message(ATTENDEE, contains="Starting soon")
    assert "CTF qualifier — Day 1" in reminder["text"] and "in 8 min" in reminder["text"]
    assert "CTF Arena" in reminder["text"] or "ctf" in reminder["text"].lower()
    assert await reminders.run_once() == 0  # never twice


async def test_remind_command(harness: Harness):
    h = harness
    assert "15 min before" in (await h.say(ATTENDEE, "/remind 15"))["text"]
    assert await h.store.reminder_pref(ATTENDEE) == (True, 15)
    assert "Reminders are off" in (await h.say(ATTENDEE, "/remind off"))["text"]
    assert await h.store.reminder_pref(ATTENDEE) == (True, None)
    usage = await h.say(ATTENDEE, "/remind soon")
    assert "Usage" in usage["text"] and "Now: off" in usage["text"]


async def test_voting_keeps_the_star_button(harness: Harness):
    h = harness
    answerer = h.state.answerer
    question = next(
        q
        for q in (
            "startup showcase",
            "malware analysis workshop",
            "bug bounty in pakistan talk",
            "when is the startup showcase",
        )
        if answerer.ask(q).decision == "answer" and answerer.ask(q).best.target.kind == "session"
    )
    reply = await h.say(ATTENDEE, question)
    assert "☆ Add to my sessions" in labels(reply)
    await h.press(ATTENDEE, reply, button_text="👍")
    voted = await h.fake.wait_for_message(ATTENDEE, method="editMessageReplyMarkup")
    assert "👍 ✓" in labels(voted) and "☆ Add to my sessions" in labels(voted)


async def test_speaker_sessions_have_star_buttons(harness: Harness):
    h = harness
    from bot.agenda import find_speakers

    content = h.state.content
    speaker = next(s for s in content.speakers if content.sessions_of(s))
    found = find_speakers(content, speaker.name)
    sessions = {x.id for sp in found for x in content.sessions_of(sp)}
    reply = await h.say(ATTENDEE, f"/speaker {speaker.name}")
    stars = [label for label in labels(reply) if label.startswith("☆")]
    assert len(stars) == min(len(sessions), render.MAX_STAR_BUTTONS) > 0
