"""frab / pentabarf `schedule.xml` (FOSDEM and many others).

`<day date=…>` blocks hold `<room name=…>` blocks of `<event>`s. Newer exports give each
event a `<date>` with its offset; older pentabarf ones only a `<start>` clock time, read on
the day's date, and on the next calendar date when it is earlier than the conference's
`<day_change>` (a talk at 00:30 on a day that changes at 06:00 is that night's).
Python's expat parser does not fetch external entities and refuses entity blow-ups.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta

from bot.content.imports.programme import (
    ImportedPerson,
    ImportedProgramme,
    ImportedSession,
    ProgrammeImportError,
)
from bot.content.imports.readers_common import (
    flag,
    parse_date,
    parse_datetime,
    parse_duration,
    text_or_none,
)


def _text(element: ET.Element | None, tag: str) -> str | None:
    if element is None:
        return None
    found = element.find(tag)
    return text_or_none(found.text) if found is not None else None


def _clock(raw: str, where: str) -> time:
    try:
        return time.fromisoformat(raw if raw.count(":") else f"{raw[:2]}:{raw[2:]}")
    except ValueError:
        raise ProgrammeImportError(f"{where}: start '{raw}' is not HH:MM") from None


def read_frab_xml(data: bytes) -> ImportedProgramme:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ProgrammeImportError(f"not well-formed XML ({exc})") from None
    if root.tag != "schedule":
        raise ProgrammeImportError(
            f"the XML's root element is <{root.tag}>, not <schedule> "
            "(is this a frab/pentabarf schedule.xml export?)"
        )
    conference = root.find("conference")
    day_change_raw = _text(conference, "day_change") or "00:00"
    day_change = _clock(day_change_raw[:5], "conference day_change")
    programme = ImportedProgramme(
        format="frab-xml",
        title=_text(conference, "title"),
        acronym=_text(conference, "acronym"),
        time_zone_name=_text(conference, "time_zone_name"),
    )
    days = root.findall("day")
    if not days:
        raise ProgrammeImportError("the schedule has no <day> elements")
    for number, day in enumerate(days, start=1):
        day_date = parse_date(day.get("date"), f"day {number}")
        for room in day.findall("room"):
            room_name = (room.get("name") or "").strip()
            if room_name and room_name not in programme.rooms:
                programme.rooms.append(room_name)
            for event in room.findall("event"):
                where = f"day {number}, room '{room_name}', event '{_text(event, 'title')}'"
                title = _text(event, "title")
                if title is None:
                    raise ProgrammeImportError(f"{where}: missing <title>")
                written = _text(event, "date")
                if written:
                    start = parse_datetime(written, where)
                else:
                    clock = _clock(_text(event, "start") or "", where)
                    on = day_date + timedelta(days=1) if clock < day_change else day_date
                    start = datetime.combine(on, clock)
                recording = event.find("recording")
                session = ImportedSession(
                    title=title,
                    start=start,
                    where=where,
                    duration=parse_duration(
                        _text(event, "duration") or "", where, seconds_last=True
                    ),
                    key=event.get("guid") or event.get("id"),
                    conference_day=day_date,
                    room=_text(event, "room") or room_name,
                    kind=_text(event, "type"),
                    track=_text(event, "track"),
                    subtitle=_text(event, "subtitle"),
                    abstract=_text(event, "abstract"),
                    description=_text(event, "description"),
                    url=_text(event, "url"),
                    language=_text(event, "language"),
                    do_not_record=flag(_text(recording, "optout")),
                )
                for link in event.iterfind("links/link"):
                    href = (link.get("href") or "").strip()
                    if href:
                        session.links.append(((link.text or "").strip(), href))
                for person in event.iterfind("persons/person"):
                    name = text_or_none(person.text)
                    if name:
                        key = person.get("guid") or person.get("id")
                        session.persons.append(ImportedPerson(name=name, key=key))
                programme.sessions.append(session)
    return programme
