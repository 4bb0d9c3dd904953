"""Convert a pretalx / frab `schedule.json` export into our `agenda.yaml`.

Organisers already keep their programme in pretalx; re-typing 60 sessions invites typos
in times and rooms. The converter maps the export's conference, rooms, talks and persons
onto the agenda format, keeps the venue and short name of an existing agenda (pretalx has
no venue), de-duplicates speakers by their pretalx code, and refuses to write anything
unless the result passes the same validation as `python -m bot check`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.content.loader import agenda_problems


class PretalxError(Exception):
    """The export cannot be converted; the message says where and why."""


def slug(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or fallback


def _duration(raw: str, where: str) -> timedelta:
    """pretalx writes durations as "HH:MM" (or "D:HH:MM" for very long slots)."""
    parts = raw.split(":") if isinstance(raw, str) else []
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise PretalxError(f"{where}: duration '{raw}' is not HH:MM")
    numbers = [int(p) for p in parts]
    days = numbers[0] if len(numbers) == 3 else 0
    hours, minutes = numbers[-2], numbers[-1]
    return timedelta(days=days, hours=hours, minutes=minutes)


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise PretalxError(f"{where}: missing '{key}' (is this a pretalx schedule.json export?)")
    return mapping[key]


def convert(schedule: dict[str, Any], existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agenda as plain data, ready for YAML; raise PretalxError on malformed input."""
    conference = _require(_require(schedule, "schedule", "top level"), "conference", "schedule")
    title = _require(conference, "title", "conference")
    tz_name = conference.get("time_zone_name") or "UTC"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PretalxError(f"conference: unknown time zone '{tz_name}'") from None

    kept = dict((existing or {}).get("conference") or {})
    conf_out: dict[str, Any] = {"name": kept.get("name") or title}
    short_name = kept.get("short_name") or conference.get("acronym")
    if short_name:
        conf_out["short_name"] = short_name
    conf_out["timezone"] = tz_name
    if kept.get("venue"):
        conf_out["venue"] = kept["venue"]

    room_ids: dict[str, str] = {}
    rooms_out: list[dict[str, Any]] = []

    def room_id(name: str) -> str:
        if name not in room_ids:
            base = slug(name, "room")
            candidate, n = base, 2
            while candidate in room_ids.values():
                candidate, n = f"{base}-{n}", n + 1
            room_ids[name] = candidate
            rooms_out.append({"id": candidate, "name": name})
        return room_ids[name]

    for room in conference.get("rooms") or []:
        if isinstance(room, dict) and room.get("name"):
            room_id(str(room["name"]))

    speakers: dict[str, dict[str, Any]] = {}
    sessions: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    days = _require(conference, "days", "conference")
    if not isinstance(days, list):
        raise PretalxError("conference: 'days' must be a list")
    for day_number, day in enumerate(days, start=1):
        rooms = _require(day, "rooms", f"day {day_number}")
        if not isinstance(rooms, dict):
            raise PretalxError(f"day {day_number}: 'rooms' must map room names to talks")
        for room_name, talks in rooms.items():
            for talk in talks or []:
                sessions.append(
                    _session(talk, str(room_name), day_number, tz, room_id, speakers, used_ids)
                )
    sessions.sort(key=lambda s: (s["start"], s["id"]))
    agenda: dict[str, Any] = {"conference": conf_out}
    if rooms_out:
        agenda["rooms"] = rooms_out
    if speakers:
        agenda["speakers"] = list(speakers.values())
    agenda["sessions"] = sessions
    return agenda


def _session(
    talk: Any,
    room_name: str,
    day_number: int,
    tz: ZoneInfo,
    room_id: Any,
    speakers: dict[str, dict[str, Any]],
    used_ids: set[str],
) -> dict[str, Any]:
    where = f"day {day_number}, room '{room_name}'"
    title = _require(talk, "title", where)
    where = f"{where}, talk '{title}'"
    raw_date = _require(talk, "date", where)
    try:
        start = datetime.fromisoformat(str(raw_date))
    except ValueError:
        raise PretalxError(f"{where}: date '{raw_date}' is not an ISO date-time") from None
    start = start.replace(tzinfo=tz) if start.tzinfo is None else start.astimezone(tz)
    end = start + _duration(_require(talk, "duration", where), where)
    base = slug(str(talk.get("slug") or title), f"talk-{talk.get('id', len(used_ids) + 1)}")
    session_id, n = base, 2
    while session_id in used_ids:
        session_id, n = f"{base}-{n}", n + 1
    used_ids.add(session_id)
    session: dict[str, Any] = {
        "id": session_id,
        "title": str(title),
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": end.strftime("%Y-%m-%d %H:%M"),
        "room": room_id(room_name),
    }
    if talk.get("type"):
        session["kind"] = str(talk["type"]).lower()
    if talk.get("track"):
        session["track"] = str(talk["track"])
    names: list[str] = []
    for person in talk.get("persons") or []:
        code = str(person.get("code") or person.get("guid") or person.get("id") or "")
        name = person.get("public_name") or person.get("name")
        if not name:
            continue
        speaker_id = slug(f"{name}-{code}".lower(), "speaker") if code else slug(name, "speaker")
        if speaker_id not in speakers:
            entry: dict[str, Any] = {"id": speaker_id, "name": str(name)}
            if person.get("biography"):
                entry["bio"] = " ".join(str(person["biography"]).split())
            speakers[speaker_id] = entry
        names.append(speaker_id)
    if names:
        session["speakers"] = names
    text = talk.get("abstract") or talk.get("description")
    if text:
        session["description"] = " ".join(str(text).split())
    return session


def import_schedule(source: Path, target: Path) -> int:
    """Write `target` from a pretalx export; return the number of sessions written.

    Writes to a temporary file next to the target, validates it, then renames it into
    place, so a failed import never leaves a half-written agenda behind.
    """
    try:
        schedule = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PretalxError(f"{source}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise PretalxError(f"{source}: not JSON (line {exc.lineno}: {exc.msg})") from None
    existing = None
    if target.is_file():
        try:
            existing = yaml.safe_load(target.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            existing = None
    agenda = convert(schedule, existing if isinstance(existing, dict) else None)
    header = f"# Generated by `python -m bot import-pretalx {source.name}`; edit freely.\n"
    text = header + yaml.safe_dump(agenda, sort_keys=False, allow_unicode=True, width=100)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".agenda-", suffix=".yaml", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        problems = agenda_problems(temp)
        if problems:
            listed = "\n".join(f"  - {str(p).replace(str(temp), str(target))}" for p in problems)
            raise PretalxError(f"the converted agenda does not pass check:\n{listed}")
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)
    return len(agenda["sessions"])
