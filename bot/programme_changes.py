"""What changed between two programmes, session by session: the core of change notices.

A programme change (sync, /reload, SIGHUP, an edit made while the bot was down) matters to
the attendees who starred the sessions it touches. The comparison is by session id, which
imports keep stable (bot.content.imports), so a re-import that moves a talk is a move, not
a cancellation plus an addition.

The programme is compared as a `Snapshot`: per session only what an attendee acts on
(title, day, start, end, room, speakers), as plain JSON-able data. The snapshot the
attendees were last told about is kept in the database (the "baseline"), so a change made
while the bot was down, or several reloads before an organiser sends the notice, still
add up to one correct comparison.

Plain Python: never imports telegram.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.content.models import Content

ChangeKind = Literal["moved", "cancelled", "speakers", "added"]
KINDS: tuple[ChangeKind, ...] = ("moved", "cancelled", "speakers", "added")


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What an attendee needs to find a session: when, where, who."""

    title: str
    day: str  # ISO date of the conference day
    start: str  # ISO datetime with offset
    end: str
    room: str | None  # the room's label ("Hall B, Ground floor")
    speakers: tuple[str, ...] = ()

    @property
    def starts(self) -> datetime:
        return datetime.fromisoformat(self.start)

    @property
    def ends(self) -> datetime:
        return datetime.fromisoformat(self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "day": self.day,
            "start": self.start,
            "end": self.end,
            "room": self.room,
            "speakers": list(self.speakers),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SessionFacts:
        return cls(
            title=str(data["title"]),
            day=str(data["day"]),
            start=str(data["start"]),
            end=str(data["end"]),
            room=None if data.get("room") is None else str(data["room"]),
            speakers=tuple(str(s) for s in data.get("speakers", ())),
        )


Snapshot = dict[str, SessionFacts]
"""session id -> facts, for one programme."""


def snapshot(content: Content) -> Snapshot:
    """The facts of every session in `content`."""
    return {
        s.id: SessionFacts(
            title=s.title,
            day=s.day.isoformat(),
            start=s.start.isoformat(),
            end=s.end.isoformat(),
            room=s.room.label if s.room is not None else None,
            speakers=tuple(p.name for p in s.speakers),
        )
        for s in content.sessions
    }


def dump_snapshot(programme: Snapshot) -> str:
    return json.dumps(
        {sid: facts.to_json() for sid, facts in sorted(programme.items())}, ensure_ascii=False
    )


def load_snapshot(text: str) -> Snapshot:
    data = json.loads(text)
    return {str(sid): SessionFacts.from_json(facts) for sid, facts in data.items()}


@dataclass(frozen=True, slots=True)
class Change:
    """One session's change. `before` is None for an addition, `after` for a cancellation.

    A session can be moved and have new speakers at once: `kinds` lists both.
    """

    session_id: str
    kinds: tuple[ChangeKind, ...]
    before: SessionFacts | None
    after: SessionFacts | None

    @property
    def title(self) -> str:
        facts = self.after or self.before
        assert facts is not None
        return facts.title

    @property
    def moment(self) -> str:
        """Sort key: when the session is (now, or was)."""
        facts = self.after or self.before
        assert facts is not None
        return facts.start


@dataclass(frozen=True, slots=True)
class Changes:
    """Every change between two programmes, in programme order."""

    items: tuple[Change, ...] = ()
    by_id: dict[str, Change] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({c.session_id: c for c in self.items})

    def __bool__(self) -> bool:
        return bool(self.items)

    def of(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.items if kind in c.kinds]

    @property
    def cancelled_ids(self) -> list[str]:
        return [c.session_id for c in self.of("cancelled")]

    @property
    def affecting_stars(self) -> list[str]:
        """Sessions whose starrers are told: everything but additions (nobody starred those)."""
        return [c.session_id for c in self.items if c.kinds != ("added",)]


def moved(before: SessionFacts, after: SessionFacts) -> bool:
    """Day, time or room: what sends an attendee somewhere else (or at another time)."""
    return (before.day, before.starts, before.ends, before.room) != (
        after.day,
        after.starts,
        after.ends,
        after.room,
    )


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """The changes from `old` to `new`, by session id (titles may change freely)."""
    items: list[Change] = []
    for session_id in old.keys() | new.keys():
        before, after = old.get(session_id), new.get(session_id)
        kinds: list[ChangeKind] = []
        if before is None:
            kinds.append("added")
        elif after is None:
            kinds.append("cancelled")
        else:
            if moved(before, after):
                kinds.append("moved")
            if before.speakers != after.speakers:
                kinds.append("speakers")
        if kinds:
            items.append(Change(session_id, tuple(kinds), before, after))
    items.sort(key=lambda c: (c.moment, c.session_id))
    return Changes(tuple(items))
