"""The programme as the Mini App's JSON: public session text, in the reader's language.

Why one cached document per content snapshot and language: the programme is the same for
every attendee (a session's text is public), so it is serialised and gzipped once and
reused until a /reload swaps the content. The conference clock's "now" and the reader's
own stars come from a separate, authenticated call (/app/api/me), so nothing about any
attendee, and nothing that changes by the minute, is in it.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import OrderedDict

from bot import messages
from bot.content.models import Content, Session
from bot.live_qa import CLOSES_AFTER, MAX_CHARS, MIN_CHARS, OPENS_BEFORE

# Catalogue entries the programme and desk pages show (plain text, set with textContent).
PAGE_STRINGS = tuple(key for key in messages.EN if key.startswith("web."))


def strings(language: str) -> dict[str, str]:
    """The page's texts; placeholders stay as {name} for the script to fill in."""
    return {key.removeprefix("web."): messages.template(key, language) for key in PAGE_STRINGS}


def _session(session: Session) -> dict[str, object]:
    return {
        "id": session.id,
        "title": session.title,
        "start": session.start.isoformat(),
        "end": session.end.isoformat(),
        "day": session.day.isoformat(),
        "room": session.room.id if session.room else None,
        "kind": session.kind,
        "track": session.track,
        "speakers": [s.id for s in session.speakers],
        "description": session.description,
        "tags": list(session.tags),
    }


def document(content: Content, language: str) -> dict[str, object]:
    """Everything the programme page shows, except the clock and the reader's own stars."""
    conference = content.conference
    venue = conference.venue
    sessions = sorted(content.sessions, key=lambda s: (s.start, s.title))
    speakers = {sp.id: sp for s in sessions for sp in s.speakers}
    rooms = {s.room.id: s.room for s in sessions if s.room is not None}
    return {
        "lang": language,
        "dir": "rtl" if language == "ur" else "ltr",
        "conference": {
            "name": conference.name,
            "short_name": conference.display_name,
            "timezone": conference.timezone.key,
            "venue": venue.name if venue else None,
        },
        "days": [
            {
                "date": day.isoformat(),
                "label": messages.plain("web.day", language, number=number),
                "long": messages.long_date(day, language),
                "short": messages.short_date(day, language),
            }
            for number, day in enumerate(content.days, start=1)
        ],
        "rooms": [
            {"id": r.id, "name": r.name, "floor": r.floor}
            for r in sorted(rooms.values(), key=lambda r: r.name)
        ],
        "tracks": sorted({s.track for s in sessions if s.track}),
        "kinds": sorted({s.kind for s in sessions if s.kind}),
        "speakers": {
            sp.id: {"name": sp.name, "title": sp.title, "bio": sp.bio} for sp in speakers.values()
        },
        "sessions": [_session(s) for s in sessions],
        # When a session takes questions to the speaker (the page offers ❓ then; the
        # server checks again), and their length limits.
        "questions": {
            "opens_before_minutes": OPENS_BEFORE.total_seconds() / 60,
            "closes_after_minutes": CLOSES_AFTER.total_seconds() / 60,
            "min_chars": MIN_CHARS,
            "max_chars": MAX_CHARS,
        },
        "strings": strings(language),
    }


class ProgrammeCache:
    """Serialised programme per (content snapshot, language); a reload makes a new one."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[int, str], tuple[Content, bytes, bytes]] = OrderedDict()

    def body(self, content: Content, language: str) -> tuple[bytes, bytes]:
        """(JSON, the same gzipped) for this snapshot and language."""
        key = (id(content), language)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] is content:  # id() alone could be reused
                self._cache.move_to_end(key)
                return hit[1], hit[2]
        encoded = json.dumps(document(content, language), ensure_ascii=False).encode()
        packed = gzip.compress(encoded, compresslevel=6, mtime=0)
        with self._lock:
            self._cache[key] = (content, encoded, packed)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return encoded, packed
