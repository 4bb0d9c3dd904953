"""Browsing the programme end to end: /help, menus, /agenda, /now, /next, /speaker, /venue."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.handlers.asking import labels
from tests.harness import ATTENDEE, ORGANISER, Harness


async def test_help_lists_commands_and_organiser_extras(harness: Harness):
    reply = await harness.say(ATTENDEE, "/help")
    for command in ("/agenda", "/now", "/next", "/speaker", "/venue", "/stop", "/forget"):
        assert command in reply["text"]
    assert "/unanswered" not in reply["text"]
    organiser = await harness.say(ORGANISER, "/help")
    assert "/unanswered" in organiser["text"] and "/reload" in organiser["text"]


async def test_menu_buttons(harness: Harness):
    welcome = await harness.say(ATTENDEE, "/start")
    fake = harness.fake
    for label, expected in (
        ("▶️ Now", "On now (11:30)"),
        ("⏭ Next", "Next, at"),
        ("📍 Venue", "Jinnah Convention Centre"),
        ("❓ Help", "/agenda"),
        ("📅 Agenda", "which day?"),
    ):
        after = fake.mark()
        await harness.press(ATTENDEE, welcome, button_text=label)
        sent = await fake.wait_for_message(ATTENDEE, after=after)
        assert expected in sent["text"], label
    assert fake.message(ATTENDEE, welcome["message_id"])["reply_markup"]  # menu stays


async def test_agenda_days_and_day_list(harness: Harness):
    picker = await harness.say(ATTENDEE, "/agenda")
    assert "which day?" in picker["text"]
    assert labels(picker) == ["Day 1 · Tue 16 Feb", "Day 2 · Wed 17 Feb", "📅 Whole agenda (.ics)"]
    after = harness.fake.mark()
    await harness.press(ATTENDEE, picker, button_text="Day 2 · Wed 17 Feb")
    day = await harness.fake.wait_for_message(ATTENDEE, after=after)
    assert day["text"].startswith("Day 2, Wednesday 17 February")
    content = harness.state.content
    day2 = [s for s in content.sessions if s.day.isoformat() == "2027-02-17"]
    assert all(s.title in day["text"] for s in day2)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2027, 2, 16, 11, 30), "On now (11:30)"),
        (datetime(2027, 2, 1, 9, 0), "Nothing is on yet."),
        (datetime(2027, 2, 16, 22, 0), "Nothing is on right now."),
        (datetime(2027, 3, 1, 9, 0), "The conference is over."),
    ],
)
async def test_now_by_the_clock(harness: Harness, moment: datetime, expected: str):
    harness.set_clock(moment)
    reply = await harness.say(ATTENDEE, "/now")
    assert reply["text"].startswith(expected)


async def test_next(harness: Harness):
    reply = await harness.say(ATTENDEE, "/next")
    assert reply["text"].startswith("Next, at Tuesday")
    harness.set_clock(datetime(2027, 3, 1, 9, 0))
    reply = await harness.say(ATTENDEE, "/next")
    assert reply["text"].startswith("The conference is over.")


async def test_speaker_command(harness: Harness):
    usage = await harness.say(ATTENDEE, "/speaker")
    assert "/speaker" in usage["text"] and "e.g." in usage["text"]
    content = harness.state.content
    speaker = next(s for s in content.speakers if content.sessions_of(s))
    found = await harness.say(ATTENDEE, f"/speaker {speaker.name}")
    assert found["text"].startswith(speaker.name)
    assert content.sessions_of(speaker)[0].title in found["text"]
    missing = await harness.say(ATTENDEE, "/speaker <b>Nobody & Co</b>")
    assert "couldn't find a speaker matching “<b>Nobody & Co</b>”" in missing["text"]
    punctuation = await harness.say(ATTENDEE, "/speaker ???")
    assert "couldn't find" in punctuation["text"]


async def test_venue(harness: Harness):
    reply = await harness.say(ATTENDEE, "/venue")
    venue = harness.state.content.conference.venue
    assert venue.name in reply["text"] and venue.address in reply["text"]
    links = [e for e in reply["entities"] if e["type"] == "text_link"]
    assert links and links[0]["url"] == venue.map_url
