"""The organisers' content as plain, immutable data.

Everything the bot knows about the event is loaded into these dataclasses once, validated,
and then shared read-only by the matcher, the agenda queries and the Telegram layer. Being
frozen means a reload can build a complete new `Content` and swap it in atomically: a
half-loaded programme is never visible to attendees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Venue:
    name: str | None = None
    address: str | None = None
    map_url: str | None = None


@dataclass(frozen=True, slots=True)
class Conference:
    name: str
    timezone: ZoneInfo
    short_name: str | None = None
    venue: Venue | None = None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name: str
    floor: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name}, {self.floor}" if self.floor else self.name


@dataclass(frozen=True, slots=True)
class Speaker:
    id: str
    name: str
    title: str | None = None
    bio: str | None = None
    source: str | None = None  # the id the programme's export gave this person

    @property
    def label(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    title: str
    start: datetime  # timezone-aware, in the conference timezone
    end: datetime
    room: Room | None = None
    kind: str | None = None
    track: str | None = None
    speakers: tuple[Speaker, ...] = ()
    description: str | None = None
    tags: tuple[str, ...] = ()
    subtitle: str | None = None
    url: str | None = None
    language: str | None = None
    do_not_record: bool = False
    # The conference day a session belongs to when it differs from its start date: a
    # party starting at 00:30 is still part of the evening before, not a day of its own.
    conference_day: date | None = None
    source: str | None = None  # the id the programme's export gave this session
    # Telegram user ids who moderate the session's live Q&A (besides the organisers).
    moderators: tuple[int, ...] = ()

    @property
    def day(self) -> date:
        return self.conference_day or self.start.date()


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    topic: str
    variants: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    answer_ur: str | None = None
    source_file: str = ""
    # `handoff: yes` in the file: this answer (how to reach the organisers yourself) goes
    # with the bot's reply to everyone who asks for a person, while they wait for one.
    handoff: bool = False
    # Phrasings the bot learned while running (organisers' teaching, attendees' picks):
    # not in the files, stored in the database (bot.learning), added at index time.
    learned: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        """Every way of asking for this entry, learned ones last: the one list the
        matcher (and any other index over entries) reads, so learning reaches them all."""
        return (self.question, *self.variants, *self.learned)

    @property
    def file_phrasings(self) -> tuple[str, ...]:
        """The phrasings the FAQ files hold (without what was learned)."""
        return (self.question, *self.variants)


@dataclass(frozen=True, slots=True)
class Content:
    """One consistent snapshot of the conference: agenda plus FAQ."""

    conference: Conference
    rooms: tuple[Room, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    sessions: tuple[Session, ...] = ()
    faq: tuple[FaqEntry, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    _by_id: dict[str, object] = field(default_factory=dict, compare=False, repr=False)
    _days: tuple[date, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index = self._by_id
        index.update({f"faq:{e.id}": e for e in self.faq})
        index.update({f"session:{s.id}": s for s in self.sessions})
        index.update({f"speaker:{s.id}": s for s in self.speakers})
        # Asked for on every agenda question; the snapshot never changes, so work it out once.
        object.__setattr__(self, "_days", tuple(sorted({s.day for s in self.sessions})))

    def faq_entry(self, entry_id: str) -> FaqEntry | None:
        found = self._by_id.get(f"faq:{entry_id}")
        return found if isinstance(found, FaqEntry) else None

    @property
    def handoff_entry(self) -> FaqEntry | None:
        """The entry marked `handoff: yes` (the loader allows at most one), if any."""
        return next((entry for entry in self.faq if entry.handoff), None)

    def session(self, session_id: str) -> Session | None:
        found = self._by_id.get(f"session:{session_id}")
        return found if isinstance(found, Session) else None

    def speaker(self, speaker_id: str) -> Speaker | None:
        found = self._by_id.get(f"speaker:{speaker_id}")
        return found if isinstance(found, Speaker) else None

    def sessions_of(self, speaker: Speaker) -> list[Session]:
        return [s for s in self.sessions if speaker in s.speakers]

    @property
    def days(self) -> list[date]:
        """The conference days, in order (a copy: callers may change it)."""
        return list(self._days)

    def summary(self) -> str:
        return (
            f"{len(self.faq)} FAQ entries, {len(self.sessions)} sessions, "
            f"{len(self.speakers)} speakers"
        )
