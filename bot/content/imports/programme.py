"""One content model behind every import format.

Each reader (frab JSON, frab/pentabarf XML, Sessionize, CSV) only says what its export
contains, in the export's own terms: times as written (with or without an offset), markup
as written. Everything that must be the same whatever the source (time zones, plain text,
stable ids, the agenda's shape) is decided once, in `bot.content.imports.build`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


class ProgrammeImportError(Exception):
    """The export cannot be imported; the message says where and why, for an organiser."""


@dataclass(slots=True)
class ImportedPerson:
    name: str
    key: str | None = None  # the export's own id: two people may share a name
    bio: str | None = None
    role: str | None = None  # a tagline such as "CISO, Example Bank"


@dataclass(slots=True)
class ImportedSession:
    title: str
    start: datetime  # as the export wrote it: aware when it carried an offset
    where: str  # "day 2, room 'Hall A', talk 'DNS privacy'", for messages
    end: datetime | None = None
    duration: timedelta | None = None
    key: str | None = None
    conference_day: date | None = None  # the day the export files it under, if any
    room: str | None = None
    kind: str | None = None
    track: str | None = None
    subtitle: str | None = None
    abstract: str | None = None  # markup allowed
    description: str | None = None  # markup allowed
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, url)
    url: str | None = None
    language: str | None = None
    do_not_record: bool = False
    persons: list[ImportedPerson] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ImportedProgramme:
    format: str
    title: str | None = None
    acronym: str | None = None
    time_zone_name: str | None = None  # what the export says, unchecked
    rooms: list[str] = field(default_factory=list)  # in the export's order
    sessions: list[ImportedSession] = field(default_factory=list)
    # Formats without day blocks (Sessionize, CSV): a session in the small hours belongs to
    # the evening before when that evening has sessions.
    infer_night_days: bool = False
