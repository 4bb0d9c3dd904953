"""Agenda questions by place and time: "what's in hall b at 3pm on day 2".

Such questions name no topic, so word matching cannot answer them; instead the room, day
and time of day are read out of the question and the agenda is filtered. Only questions
made of nothing but those slots (and generic programme words) are handled here; anything
with a topic goes to the matcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.content.models import Content, Room, Session
from bot.matching.normalize import fold
from bot.messages import DEFAULT_LANGUAGE, long_date, plain

_TIME = re.compile(
    r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm|baje|bajay|bje|بجے|بجی)?\b"
)
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "peer": 0,
    "somwar": 0,
    "mangal": 1,
    "budh": 2,
    "jumerat": 3,
    "juma": 4,
    "hafta": 5,
    "itwar": 6,
    "منگل": 1,
    "بدہ": 2,
    "پیر": 0,
    "جمعرات": 3,
    "جمعہ": 4,
}
_PARTS_OF_DAY = {
    "morning": (time(7), time(12)),
    "subah": (time(7), time(12)),
    "صبح": (time(7), time(12)),
    "afternoon": (time(12), time(17)),
    "dopahar": (time(12), time(17)),
    "dopehar": (time(12), time(17)),
    "evening": (time(16), time(21)),
    "shaam": (time(16), time(21)),
    "sham": (time(16), time(21)),
    "شام": (time(16), time(21)),
}
_GENERIC_ROOM_WORDS = {"room", "the", "hall", "lab"}
_DAY_WORDS = (
    (1, ("day 1", "day one", "first day", "pehla din", "pehle din", "پہلے دن", "پہلا دن")),
    (
        2,
        (
            "day 2",
            "day two",
            "second day",
            "dusra din",
            "doosre din",
            "dusre din",
            "doosra din",
            "دوسرے دن",
            "دوسرا دن",
        ),
    ),
    (3, ("day 3", "day three", "third day")),
)


@dataclass(frozen=True, slots=True)
class Slots:
    room: Room | None
    day: date | None
    at: time | None
    span: tuple[time, time] | None
    leftover: str  # the question with every recognised slot removed


def _room_aliases(room: Room) -> list[str]:
    names = {fold(room.id.replace("-", " ")), fold(re.sub(r"\(.*?\)", "", room.name))}
    names.update(fold(inner) for inner in re.findall(r"\((.*?)\)", room.name))
    return sorted((n for n in names if n and n not in _GENERIC_ROOM_WORDS), key=len, reverse=True)


class SlotReader:
    """Reads room, day and time out of questions for one content snapshot.

    Room names and day words are folded once here, not on every question.
    """

    def __init__(self, content: Content) -> None:
        self.content = content
        self._rooms = [(room, _room_aliases(room)) for room in content.rooms]
        self._day_words = [(number, [fold(word) for word in words]) for number, words in _DAY_WORDS]
        self._weekdays = [(fold(word), weekday) for word, weekday in _WEEKDAYS.items()]

    def read(self, question: str, today: date) -> Slots:
        at, question = _read_time(question.casefold())
        text = f" {fold(question)} "
        room = None
        for candidate, aliases in self._rooms:
            for alias in aliases:
                if f" {alias} " in text:
                    room = candidate
                    text = text.replace(f" {alias} ", " ", 1)
                    break
            if room:
                break
        day, text = self._read_day(text, today)
        span = None
        for word, part in _PARTS_OF_DAY.items():
            if f" {word} " in text:
                span = part
                text = text.replace(f" {word} ", " ", 1)
        return Slots(room, day, at, span, " ".join(text.split()))

    def _read_day(self, text: str, today: date) -> tuple[date | None, str]:
        """The day asked for, and the text without the words that said it."""
        days = self.content.days
        if not days:
            return None, text
        for number, words in self._day_words:
            for word in words:
                if f" {word} " in text:
                    day = days[number - 1] if number <= len(days) else None
                    return day, text.replace(f" {word} ", " ", 1)
        for word, weekday in self._weekdays:
            if f" {word} " in text:
                day = next((d for d in days if d.weekday() == weekday), None)
                return day, text.replace(f" {word} ", " ", 1)
        for word, offset in (("today", 0), ("aaj", 0), ("اج", 0), ("tomorrow", 1)):
            if f" {word} " in text:
                return today + timedelta(days=offset), text.replace(f" {word} ", " ", 1)
        return None, text


def _read_time(text: str) -> tuple[time | None, str]:
    """A clock time ("3pm", "15:30", "3 baje"), and the text without it."""
    for match in _TIME.finditer(text):
        hour = int(match["hour"])
        if match["ampm"] is None and not match["minute"]:
            continue  # a bare number ("day 2", "lab 1") is not a time
        minute = int(match["minute"] or 0)
        if match["ampm"] == "pm" and hour < 12:
            hour += 12
        elif match["ampm"] != "am" and 1 <= hour <= 7:
            hour += 12  # "3 baje" during a conference day means 15:00
        if hour < 24 and minute < 60:
            return time(hour, minute), text[: match.start()] + " " + text[match.end() :]
    return None, text


def sessions_for(content: Content, slots: Slots) -> list[Session]:
    """Sessions in the room / on the day / at the time asked for (all that were given)."""
    sessions = list(content.sessions)
    if slots.room is not None:
        sessions = [s for s in sessions if s.room == slots.room]
    if slots.day is not None:
        sessions = [s for s in sessions if s.day == slots.day]
    if slots.at is not None:
        running = [s for s in sessions if s.start.time() <= slots.at < s.end.time()]
        if not running:  # "at 3pm" when a talk starts at 15:00 or a break runs till then
            later = [s for s in sessions if s.start.time() >= slots.at]
            first = min((s.start.time() for s in later), default=None)
            running = [s for s in later if s.start.time() == first]
        sessions = running
    elif slots.span is not None:
        start, end = slots.span
        sessions = [s for s in sessions if s.start.time() < end and s.end.time() > start]
    return sessions


# Kinds that are not programme items: "the last session on day 1" is not the tea break.
_NOT_PROGRAMME = frozenset({"break", "prayer", "registration"})
# Longer sessions (a CTF round, an exhibition) run alongside the programme: they do not
# open or close a day unless asked for by kind ("the last workshop").
_ALONGSIDE = timedelta(hours=2)


def ordinal_session(
    content: Content,
    slots: Slots,
    last: bool,
    kind: str | None,
    with_speakers: bool = False,
) -> Session | None:
    """The first (or last) session of a kind, in the room / on the day asked for.

    "doosre din ka pehla keynote", "last talk in hall b on day 1": word matching finds
    every keynote equally well, so the order in the agenda has to answer. Without a kind,
    only programme items count (not breaks, prayers, registration or sessions running
    alongside the programme for hours); "who opens day 2" asks for a person, so then only
    sessions with speakers count.
    """
    if kind is not None:
        sessions = sessions_of_kind(content, slots, kind)
    else:
        sessions = [
            s
            for s in sessions_for(content, Slots(slots.room, slots.day, None, None, ""))
            if (s.kind or "").casefold() not in _NOT_PROGRAMME and s.end - s.start <= _ALONGSIDE
        ]
    if with_speakers:
        sessions = [s for s in sessions if s.speakers]
    if not sessions:
        return None
    if last:
        return max(sessions, key=lambda s: (s.start, s.end))
    return min(sessions, key=lambda s: (s.start, s.end))


def sessions_of_kind(content: Content, slots: Slots, kind: str) -> list[Session]:
    """The sessions of a kind in the room / on the day asked for, in agenda order."""
    sessions = sessions_for(content, Slots(slots.room, slots.day, None, None, ""))
    return [s for s in sessions if s.kind == kind]


def moment_label(slots: Slots, language: str = DEFAULT_LANGUAGE) -> str:
    """The heading of a room/day/time answer, in the reader's language."""
    parts = []
    if slots.room is not None:
        parts.append(slots.room.name)
    if slots.day is not None:
        parts.append(long_date(slots.day, language))
    if slots.at is not None:
        parts.append(plain("text.slot_at", language, time=f"{slots.at:%H:%M}"))
    separator = "، " if language == "ur" else ", "
    return separator.join(parts) or plain("text.programme", language)
