"""frab / pretalx `schedule.json` (the c3voc schedule schema).

Days hold rooms, rooms hold talks. Each talk's `date` is its start with the UTC offset;
the day block it sits in is its conference day, which is how a talk at 00:30 stays on
the evening it belongs to.
"""

from __future__ import annotations

from typing import Any

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
    require,
    text_or_none,
)

WHAT = "a frab/pretalx schedule.json export"


def read_frab_json(data: Any) -> ImportedProgramme:
    schedule = require(data, "schedule", "top level", WHAT)
    conference = require(schedule, "conference", "schedule", WHAT)
    programme = ImportedProgramme(
        format="frab-json",
        title=text_or_none(conference.get("title")),
        acronym=text_or_none(conference.get("acronym")),
        time_zone_name=text_or_none(conference.get("time_zone_name")),
    )
    for room in conference.get("rooms") or []:
        if isinstance(room, dict) and text_or_none(room.get("name")):
            programme.rooms.append(str(room["name"]))
    days = require(conference, "days", "conference", WHAT)
    if not isinstance(days, list):
        raise ProgrammeImportError("conference: 'days' must be a list")
    for number, day in enumerate(days, start=1):
        rooms = require(day, "rooms", f"day {number}", WHAT)
        if not isinstance(rooms, dict):
            raise ProgrammeImportError(f"day {number}: 'rooms' must map room names to talks")
        day_date = parse_date(day["date"], f"day {number}") if day.get("date") else None
        for room_name, talks in rooms.items():
            for talk in talks or []:
                session = _talk(talk, f"day {number}, room '{room_name}'")
                session.room = str(room_name)
                session.conference_day = day_date
                programme.sessions.append(session)
    return programme


def _talk(talk: Any, where: str) -> ImportedSession:
    title = require(talk, "title", where, WHAT)
    where = f"{where}, talk '{str(title).strip()}'"
    start = parse_datetime(require(talk, "date", where, WHAT), where)
    session = ImportedSession(
        title=str(title),
        start=start,
        where=where,
        duration=parse_duration(require(talk, "duration", where, WHAT), where),
        key=text_or_none(talk.get("guid")) or text_or_none(talk.get("id")),
        kind=text_or_none(talk.get("type")),
        track=text_or_none(talk.get("track")),
        subtitle=text_or_none(talk.get("subtitle")),
        abstract=text_or_none(talk.get("abstract")),
        description=text_or_none(talk.get("description")),
        url=text_or_none(talk.get("url")),
        language=text_or_none(talk.get("language")),
        do_not_record=flag(talk.get("do_not_record")),
    )
    for link in talk.get("links") or []:
        if isinstance(link, dict) and text_or_none(link.get("url")):
            session.links.append((str(link.get("title") or ""), str(link["url"]).strip()))
    for person in talk.get("persons") or []:
        if not isinstance(person, dict):
            continue
        name = text_or_none(person.get("public_name")) or text_or_none(person.get("name"))
        if name:
            key = person.get("code") or person.get("guid") or person.get("id")
            session.persons.append(
                ImportedPerson(
                    name=name,
                    key=text_or_none(key),
                    bio=text_or_none(person.get("biography")),
                )
            )
    return session
