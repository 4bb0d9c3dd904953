""".ics export: parseable, with the conference timezone, titles, rooms and stable UIDs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.calendar import calendar_ics
from bot.content import Content, load_content
from tests.content_builder import write_content

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def content(tmp_path: Path) -> Content:
    agenda, faq = write_content(tmp_path)
    return load_content(agenda, faq)


def events(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_events_carry_titles_rooms_and_local_times_with_vtimezone(content: Content):
    data = calendar_ics(content, content.sessions, now=datetime(2027, 1, 1, tzinfo=UTC))
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Karachi" in text
    assert "X-WR-TIMEZONE:Asia/Karachi" in text
    assert "DTSTART;TZID=Asia/Karachi:20270216T100000" in text  # local 10:00, said so
    found = {str(e["UID"]): e for e in events(data)}
    assert set(found) == {f"{s.id}@tsc" for s in content.sessions}
    workshop = found["forensics@tsc"]
    assert str(workshop["SUMMARY"]) == "Workshop: digital forensics lab"
    assert str(workshop["LOCATION"]) == "Lab 1, Test Hall"
    start = workshop.decoded("DTSTART")
    assert start == datetime(2027, 2, 16, 10, 0, tzinfo=ZoneInfo("Asia/Karachi"))
    assert start.astimezone(UTC) == datetime(2027, 2, 16, 5, 0, tzinfo=UTC)
    assert workshop.decoded("DTEND") - start == timedelta(hours=2)
    keynote = found["opening@tsc"]
    assert "Dr. Sana Rehman" in str(keynote["DESCRIPTION"])
    assert str(keynote["LOCATION"]) == "Hall A, Ground floor, Test Hall"


def test_only_the_chosen_sessions_in_time_order(content: Content):
    chosen = [content.session("elections"), content.session("opening")]
    data = calendar_ics(content, chosen, name="My NCSC sessions")
    assert [str(e["SUMMARY"]) for e in events(data)] == [
        "Opening keynote on national cyber policy",
        "Securing election results transmission",
    ]
    assert "X-WR-CALNAME:My NCSC sessions" in data.decode()


def test_whole_sample_agenda_round_trips():
    sample = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    parsed = events(calendar_ics(sample, sample.sessions))
    assert len(parsed) == len(sample.sessions)
    for event, session in zip(
        parsed, sorted(sample.sessions, key=lambda s: (s.start, s.title)), strict=True
    ):
        assert event.decoded("DTSTART") == session.start
