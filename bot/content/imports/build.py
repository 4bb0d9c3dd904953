"""Turn an `ImportedProgramme` into agenda data: zones, plain text and stable ids.

Session and speaker ids are what stars, reminders and announcements point at, so a
re-import must give every session the id it had before. Each imported entry keeps the
export's own id as `source`; a re-import finds the previous agenda's entry by that id,
and for entries written by hand (no `source`) by title or name. New ids are slugs of the
title or name, made unique, and never one an unchanged entry already uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import slugs
from bot.content.imports.plain_text import one_line, to_plain_text
from bot.content.imports.programme import (
    ImportedPerson,
    ImportedProgramme,
    ImportedSession,
    ProgrammeImportError,
)
from bot.content.imports.zones import resolve_zone

# A session starting before this hour, on the morning after a day with sessions, belongs
# to that day (formats that have no day blocks of their own).
NIGHT_ENDS_HOUR = 5


@dataclass(slots=True)
class Agenda:
    """agenda.yaml as plain data, with what the organiser should know about it."""

    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return len(self.data.get("sessions") or [])


def slug(text: str, fallback: str) -> str:
    """An id made from imported text (bot.slugs.slug), at most 60 characters."""
    return slugs.slug(text, fallback, max_length=60)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


class _Ids:
    """Hands out ids that stay what the previous agenda called the same entry."""

    def __init__(self, previous: list[Mapping[str, Any]], label: str, fallback: str) -> None:
        self.by_source: dict[str, str] = {}
        self.by_label: dict[str, list[str]] = {}
        self.taken: set[str] = set()
        self.fallback = fallback
        for entry in previous:
            entry_id = entry.get("id")
            if not isinstance(entry_id, str):
                continue
            source = entry.get("source")
            if isinstance(source, str) and source:
                self.by_source[source] = entry_id
            elif isinstance(entry.get(label), str):
                self.by_label.setdefault(_fold(entry[label]), []).append(entry_id)
        self.reserved = set(self.by_source.values()) | {
            i for ids in self.by_label.values() for i in ids
        }

    def claim_known(self, source: str | None, label: str) -> str | None:
        """The previous id of this entry, if the previous agenda had it."""
        if source and source in self.by_source:
            found = self.by_source[source]
            if found not in self.taken:
                self.taken.add(found)
                return found
        for found in self.by_label.get(_fold(label), []):
            if found not in self.taken:
                self.taken.add(found)
                return found
        return None

    def new(self, label: str) -> str:
        # A title in Urdu or Chinese has no Latin letters to make an id of.
        base = slug(label, f"{self.fallback}-{len(self.taken) + 1}")
        candidate, n = base, 2
        while candidate in self.taken or candidate in self.reserved:
            candidate, n = f"{base}-{n}", n + 1
        self.taken.add(candidate)
        return candidate


def _existing_list(existing: Mapping[str, Any] | None, key: str) -> list[Mapping[str, Any]]:
    value = (existing or {}).get(key)
    return [e for e in value if isinstance(e, Mapping)] if isinstance(value, list) else []


def _description(session: ImportedSession) -> str | None:
    """Abstract and description as plain text; the description often repeats the abstract."""
    parts: list[str] = []
    for markup in (session.abstract, session.description):
        text = to_plain_text(markup)
        if text and not any(_fold(text) in _fold(p) for p in parts):
            parts = [p for p in parts if _fold(p) not in _fold(text)]
            parts.append(text)
    links = [
        f"- {label} ({url})" if label and label != url else f"- {url}"
        for label, url in ((one_line(t) or "", u.strip()) for t, u in session.links)
        if url and url != session.url
    ]
    if links:
        parts.append("Links:\n" + "\n".join(links))
    return "\n\n".join(parts) or None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _times(session: ImportedSession, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = _local(session.start, zone)
    if session.end is not None:
        end = _local(session.end, zone)
    elif session.duration is not None:
        end = start + session.duration
    else:
        raise ProgrammeImportError(f"{session.where}: no end time and no duration")
    return start, end


def _night_days(starts: list[datetime]) -> dict[int, date]:
    """Sessions in the small hours after an evening with sessions → that evening's day."""
    daytime = {s.date() for s in starts if s.hour >= NIGHT_ENDS_HOUR}
    found: dict[int, date] = {}
    for number, start in enumerate(starts):
        before = start.date() - timedelta(days=1)
        if start.hour < NIGHT_ENDS_HOUR and before in daytime:
            found[number] = before
    return found


def build_agenda(
    programme: ImportedProgramme,
    timezone: str | None = None,
    existing: Mapping[str, Any] | None = None,
) -> Agenda:
    """agenda.yaml data for `programme`; `existing` is the agenda it replaces, if any."""
    zone, zone_name, notes = resolve_zone(
        programme.time_zone_name,
        [s.start for s in programme.sessions],
        timezone,
    )
    kept = dict((existing or {}).get("conference") or {})
    title = one_line(programme.title) or one_line(programme.acronym)
    name = kept.get("name") or title
    if not name:
        raise ProgrammeImportError("the export has no conference title and no agenda to keep")
    conference: dict[str, Any] = {"name": name}
    short_name = kept.get("short_name") or one_line(programme.acronym)
    if short_name:
        conference["short_name"] = short_name
    conference["timezone"] = zone_name
    if kept.get("venue"):
        conference["venue"] = kept["venue"]

    room_ids: dict[str, str] = {}
    rooms_out: list[dict[str, Any]] = []
    previous_rooms = {
        _fold(str(r.get("name"))): r for r in _existing_list(existing, "rooms") if r.get("name")
    }
    room_maker = _Ids(list(previous_rooms.values()), "name", "room")

    def room_id(raw: str) -> str:
        room_name = one_line(raw) or raw.strip()
        if room_name not in room_ids:
            found = room_maker.claim_known(None, room_name) or room_maker.new(room_name)
            room_ids[room_name] = found
            entry: dict[str, Any] = {"id": found, "name": room_name}
            floor = previous_rooms.get(_fold(room_name), {}).get("floor")
            if floor:
                entry["floor"] = floor  # organisers add floors by hand; keep them
            rooms_out.append(entry)
        return room_ids[room_name]

    for room in programme.rooms:
        if room.strip():
            room_id(room)

    speakers = _Speakers(_existing_list(existing, "speakers"))
    session_ids = _Ids(_existing_list(existing, "sessions"), "title", "session")
    timed = []
    for session in programme.sessions:
        session_title = one_line(session.title)
        if not session_title:
            raise ProgrammeImportError(f"{session.where}: the title is empty")
        start, end = _times(session, zone)
        timed.append((session, session_title, start, end))
    night = _night_days([start for _, _, start, _ in timed]) if programme.infer_night_days else {}
    # Ids the previous agenda gave by source go first, so a new session can never take one.
    claimed = [session_ids.claim_known(s.key, t) for s, t, _, _ in timed]
    sessions_out: list[dict[str, Any]] = []
    for number, (session, session_title, start, end) in enumerate(timed):
        entry: dict[str, Any] = {
            "id": claimed[number] or session_ids.new(session_title),
            "title": session_title,
        }
        subtitle = one_line(session.subtitle)
        if subtitle and _fold(subtitle) != _fold(session_title):
            entry["subtitle"] = subtitle
        entry["start"] = f"{start:%Y-%m-%d %H:%M}"
        entry["end"] = f"{end:%Y-%m-%d %H:%M}"
        day = session.conference_day or night.get(number)
        if day is not None and day == start.date() - timedelta(days=1):
            entry["day"] = day.isoformat()
        if session.room and session.room.strip():
            entry["room"] = room_id(session.room)
        for key, value in (("kind", session.kind), ("track", session.track)):
            text = one_line(value)
            if text:
                entry[key] = text.lower() if key == "kind" else text
        people = [speakers.id_for(person) for person in session.persons if person.name.strip()]
        if people:
            entry["speakers"] = list(dict.fromkeys(people))
        description = _description(session)
        if description:
            entry["description"] = description
        tags = [t for t in dict.fromkeys(one_line(tag) for tag in session.tags) if t]
        if tags:
            entry["tags"] = tags
        for key, value in (("url", session.url), ("language", session.language)):
            text = one_line(value)
            if text:
                entry[key] = text
        if session.do_not_record:
            entry["do_not_record"] = "yes"
        if session.key:
            entry["source"] = session.key
        sessions_out.append(entry)
    sessions_out.sort(key=lambda s: (s["start"], s["end"], s["id"]))
    data: dict[str, Any] = {"conference": conference}
    if rooms_out:
        data["rooms"] = rooms_out
    if speakers.entries:
        data["speakers"] = speakers.entries
    data["sessions"] = sessions_out
    return Agenda(data, notes)


class _Speakers:
    """Speakers by the export's person id; two people sharing a name stay two speakers."""

    def __init__(self, previous: list[Mapping[str, Any]]) -> None:
        self.ids = _Ids(previous, "name", "speaker")
        self.previous = {str(p.get("id")): p for p in previous}
        self.by_key: dict[str, str] = {}
        self.entries: list[dict[str, Any]] = []

    def id_for(self, person: ImportedPerson) -> str:
        name = one_line(person.name) or person.name.strip()
        # Without an id of its own, a person can only be told apart by name.
        key = person.key or f"name:{_fold(name)}"
        if key in self.by_key:
            return self.by_key[key]
        found = self.ids.claim_known(person.key, name) or self.ids.new(name)
        self.by_key[key] = found
        entry: dict[str, Any] = {"id": found, "name": name}
        role = one_line(person.role) or self.previous.get(found, {}).get("title")
        if role:
            entry["title"] = role
        bio = to_plain_text(person.bio)
        if bio:
            entry["bio"] = bio
        if person.key:
            entry["source"] = person.key
        self.entries.append(entry)
        return found
