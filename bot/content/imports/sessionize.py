"""Sessionize's "All Data" JSON (API endpoint `view/All`).

Sessions point at rooms, speakers and category items by id. Categories are the event's
own: those titled like a track, a format or a language fill those fields; any other
category (level, audience) becomes tags. Times are local clock times without an offset
and Sessionize does not say the zone, so `--timezone` is always needed.
Service sessions (breaks, lunch) are kept: attendees ask when lunch is.
"""

from __future__ import annotations

from typing import Any

from bot.content.imports.programme import (
    ImportedPerson,
    ImportedProgramme,
    ImportedSession,
    ProgrammeImportError,
)
from bot.content.imports.readers_common import parse_datetime, require, text_or_none

WHAT = "a Sessionize 'All Data' export"
_TRACK = {"track", "tracks", "stream", "theme"}
_KIND = {"session format", "format", "session type", "type"}
_LANGUAGE = {"language", "session language"}


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i}


def read_sessionize(data: Any) -> ImportedProgramme:
    sessions = require(data, "sessions", "top level", WHAT)
    if not isinstance(sessions, list):
        raise ProgrammeImportError("'sessions' must be a list (use the 'All Data' endpoint)")
    rooms = _by_id(data.get("rooms"))
    speakers = _by_id(data.get("speakers"))
    item_category: dict[str, tuple[str, str]] = {}  # item id → (category title, item name)
    for category in data.get("categories") or []:
        if not isinstance(category, dict):
            continue
        title = str(category.get("title") or "").strip().lower()
        for item in category.get("items") or []:
            if isinstance(item, dict) and "id" in item:
                item_category[str(item["id"])] = (title, str(item.get("name") or "").strip())
    programme = ImportedProgramme(format="sessionize", infer_night_days=True)
    programme.rooms = [
        str(r["name"])
        for r in sorted(rooms.values(), key=lambda r: r.get("sort") or 0)
        if text_or_none(r.get("name"))
    ]
    for number, raw in enumerate(sessions, start=1):
        if not isinstance(raw, dict):
            raise ProgrammeImportError(f"session {number}: must be an object")
        title = require(raw, "title", f"session {number}", WHAT)
        where = f"session {raw.get('id', number)} '{str(title).strip()}'"
        if not raw.get("startsAt") or not raw.get("endsAt"):
            continue  # accepted but not scheduled yet: not part of the programme
        if str(raw.get("status") or "Accepted").lower() not in {"accepted", "confirmed"}:
            continue
        session = ImportedSession(
            title=str(title),
            start=parse_datetime(raw["startsAt"], where),
            end=parse_datetime(raw["endsAt"], where),
            where=where,
            key=text_or_none(raw.get("id")),
            description=text_or_none(raw.get("description")),
        )
        room = rooms.get(str(raw.get("roomId")))
        if room is not None:
            session.room = text_or_none(room.get("name"))
        if raw.get("isServiceSession"):
            session.kind = "break"
        for item_id in raw.get("categoryItems") or []:
            category, name = item_category.get(str(item_id), ("", ""))
            if not name:
                continue
            if category in _TRACK and session.track is None:
                session.track = name
            elif category in _KIND and session.kind is None:
                session.kind = name
            elif category in _LANGUAGE and session.language is None:
                session.language = name
            else:
                session.tags.append(name)
        for speaker_ref in raw.get("speakers") or []:
            ref = speaker_ref.get("id") if isinstance(speaker_ref, dict) else speaker_ref
            person = speakers.get(str(ref))
            if person is None:
                # Some exports embed {"id", "name"} instead of pointing at the speakers list.
                embedded = speaker_ref.get("name") if isinstance(speaker_ref, dict) else None
                if embedded:
                    session.persons.append(ImportedPerson(name=str(embedded), key=str(ref)))
                continue
            full: str = text_or_none(person.get("fullName")) or " ".join(
                str(person.get(k) or "").strip() for k in ("firstName", "lastName")
            )
            if full.strip():
                session.persons.append(
                    ImportedPerson(
                        name=full,
                        key=str(ref),
                        bio=text_or_none(person.get("bio")),
                        role=text_or_none(person.get("tagLine")),
                    )
                )
        for key in ("recordingUrl", "liveUrl"):
            if text_or_none(raw.get(key)):
                session.links.append(("Recording" if key == "recordingUrl" else "Live", raw[key]))
        programme.sessions.append(session)
    return programme
