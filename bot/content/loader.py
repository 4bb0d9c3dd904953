"""Load and validate `agenda.yaml` and `faq/*.yaml` into a `Content` snapshot.

Validation collects every problem before failing, each with file, line, entry and field,
because organisers edit these files under time pressure on the morning of the event and a
fix-one-rerun loop is the last thing they need.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.limits import BudgetExceeded, LoadBudget, LoadLimits
from bot.content.models import Conference, Content, FaqEntry, Room, Session, Speaker, Venue
from bot.content.problems import ContentError, Problem
from bot.content.yaml_source import Located, LocatedList, YamlSyntaxError, read_yaml

MAX_ANSWER_CHARS = 3500

AGENDA_KEYS = {"conference", "rooms", "speakers", "sessions"}
CONFERENCE_KEYS = {"name", "short_name", "timezone", "venue"}
VENUE_KEYS = {"name", "address", "map_url"}
ROOM_KEYS = {"id", "name", "floor"}
SPEAKER_KEYS = {"id", "name", "title", "bio", "source"}
SESSION_KEYS = {
    "id",
    "title",
    "start",
    "end",
    "room",
    "kind",
    "track",
    "speakers",
    "description",
    "tags",
    "subtitle",
    "url",
    "language",
    "do_not_record",
    "day",
    "source",
    "moderators",
}
_TRUE, _FALSE = {"yes", "true", "on", "1"}, {"no", "false", "off", "0"}
FAQ_FILE_KEYS = {"topic", "synonyms", "entries"}
FAQ_ENTRY_KEYS = {"id", "question", "variants", "answer", "answer_ur", "tags", "handoff"}

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Whitespace and control characters have no place in a link (they hide what it does).
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f]")
FAQ_SUFFIXES = (".yaml", ".yml")


class _Checker:
    """Collects problems for one file while its values are converted."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def add(
        self,
        message: str,
        line: int | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problems.append(Problem(self.file, message, line, entry, field))

    def mapping(self, value: Any, what: str, line: int | None, entry: str | None = None) -> bool:
        if isinstance(value, Located):
            return True
        self.add(f"{what} must be a mapping (key: value lines)", line, entry)
        return False

    def keys(self, mapping: Located, allowed: set[str], entry: str | None = None) -> None:
        for key, line in mapping.duplicate_keys:
            self.add(f"key '{key}' appears twice; the last one wins", line, entry, key)
        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                allowed_list = ", ".join(sorted(allowed))
                self.add(
                    f"unknown key '{key}'{hint}; allowed: {allowed_list}",
                    mapping.key_lines.get(key),
                    entry,
                    key,
                )

    def text(
        self,
        mapping: Located,
        key: str,
        *,
        required: bool = False,
        entry: str | None = None,
    ) -> str | None:
        value = mapping.get(key)
        line = mapping.key_lines.get(key, mapping.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                state = "is empty" if key in mapping else "is missing"
                self.add(f"required field {state}", line, entry, key)
            return None
        if not isinstance(value, str):
            self.add("must be a single text value, not a list or mapping", line, entry, key)
            return None
        return value.strip()

    def text_list(self, mapping: Located, key: str, entry: str | None = None) -> tuple[str, ...]:
        value = mapping.get(key)
        line = mapping.key_lines.get(key, mapping.line)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, LocatedList):
            self.add("must be a list of texts", line, entry, key)
            return ()
        items: list[str] = []
        for item, item_line in zip(value, value.item_lines, strict=True):
            if isinstance(item, str) and item.strip():
                items.append(item.strip())
            elif item is None or isinstance(item, str):
                self.add("list item is empty", item_line, entry, key)
            else:
                self.add("list items must be plain texts", item_line, entry, key)
        return tuple(items)

    def items(self, value: Any, key: str, line: int | None) -> Iterable[tuple[Located, int]]:
        """Yield the mappings of a list, reporting anything else."""
        if value is None:
            return
        if not isinstance(value, LocatedList):
            self.add(f"'{key}' must be a list", line, field=key)
            return
        for item, item_line in zip(value, value.item_lines, strict=True):
            if isinstance(item, Located):
                yield item, item_line
            else:
                self.add(f"each item of '{key}' must be a mapping with an id", item_line, field=key)

    def entry_id(self, item: Located, seen: dict[str, str], kind: str) -> str | None:
        raw = self.text(item, "id", required=True)
        if raw is None:
            return None
        line = item.key_lines.get("id", item.line)
        if not _ID_RE.match(raw):
            self.add(
                "ids may use letters, digits, '-', '_' and '.', starting with a letter or digit",
                line,
                raw,
                "id",
            )
        where = f"{self.file}:{line}"
        if raw in seen:
            self.add(f"duplicate {kind} id (first defined at {seen[raw]})", line, raw, "id")
            return None
        seen[raw] = where
        return raw


def _map_url(check: _Checker, venue: Located) -> str | None:
    """The venue's map link, only if it is an http(s) link attendees can safely open.

    The link becomes a button in Telegram; a `javascript:` or `file:` link there is at best
    broken and at worst an attack on whoever taps it.
    """
    url = check.text(venue, "map_url", entry="venue")
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() in {"http", "https"} and parts.netloc and not _INVISIBLE.search(url):
        return url
    check.add(
        f"'{url}' is not a web link; map_url must start with https:// (or http://)",
        venue.key_lines.get("map_url"),
        "venue",
        "map_url",
    )
    return None


def _parse_time(raw: str, tz: ZoneInfo | None) -> datetime | None:
    text = raw.strip().replace("T", " ", 1)
    if len(text) <= 10:  # a bare date: organisers must say when on that day
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if tz is None:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _load_agenda(path: Path, problems: list[Problem], budget: LoadBudget) -> tuple[Any, ...] | None:
    check = _Checker(str(path), problems)
    if not path.exists() and not path.is_symlink():
        check.add("agenda file not found (set AGENDA_PATH to its location)")
        return None
    try:
        data = read_yaml(path, budget)
    except YamlSyntaxError as exc:
        check.add(exc.message, exc.line)
        return None
    if not check.mapping(data, "the agenda file", 1):
        return None
    check.keys(data, AGENDA_KEYS)

    conference = None
    conf = data.get("conference")
    conf_line = data.key_lines.get("conference", data.line)
    if conf is None:
        check.add("required section is missing", conf_line, field="conference")
    elif check.mapping(conf, "'conference'", conf_line):
        check.keys(conf, CONFERENCE_KEYS, "conference")
        name = check.text(conf, "name", required=True, entry="conference")
        tz_name = check.text(conf, "timezone", required=True, entry="conference")
        tz = None
        if tz_name:
            try:
                tz = ZoneInfo(tz_name)
            except (ZoneInfoNotFoundError, ValueError):
                check.add(
                    f"unknown timezone '{tz_name}' (use an IANA name such as Asia/Karachi)",
                    conf.key_lines.get("timezone"),
                    "conference",
                    "timezone",
                )
        venue = None
        raw_venue = conf.get("venue")
        if raw_venue is not None:
            venue_line = conf.key_lines.get("venue")
            if check.mapping(raw_venue, "'venue'", venue_line, "conference"):
                check.keys(raw_venue, VENUE_KEYS, "venue")
                venue = Venue(
                    name=check.text(raw_venue, "name", entry="venue"),
                    address=check.text(raw_venue, "address", entry="venue"),
                    map_url=_map_url(check, raw_venue),
                )
        if name and tz:
            conference = Conference(
                name=name,
                timezone=tz,
                short_name=check.text(conf, "short_name"),
                venue=venue,
            )

    rooms: dict[str, Room] = {}
    seen: dict[str, str] = {}
    for item, _ in check.items(data.get("rooms"), "rooms", data.key_lines.get("rooms")):
        check.keys(item, ROOM_KEYS, item.get("id") if isinstance(item.get("id"), str) else None)
        room_id = check.entry_id(item, seen, "room")
        name = check.text(item, "name", required=True, entry=room_id)
        if room_id and name:
            rooms[room_id] = Room(room_id, name, check.text(item, "floor", entry=room_id))

    speakers: dict[str, Speaker] = {}
    seen = {}
    for item, _ in check.items(data.get("speakers"), "speakers", data.key_lines.get("speakers")):
        check.keys(item, SPEAKER_KEYS, item.get("id") if isinstance(item.get("id"), str) else None)
        speaker_id = check.entry_id(item, seen, "speaker")
        name = check.text(item, "name", required=True, entry=speaker_id)
        if speaker_id and name:
            speakers[speaker_id] = Speaker(
                speaker_id,
                name,
                check.text(item, "title", entry=speaker_id),
                check.text(item, "bio", entry=speaker_id),
                check.text(item, "source", entry=speaker_id),
            )

    sessions: list[Session] = []
    seen = {}
    tz = conference.timezone if conference else None
    raw_sessions = data.get("sessions")
    if raw_sessions is None:
        check.add("required section is missing", data.line, field="sessions")
    for item, _ in check.items(raw_sessions, "sessions", data.key_lines.get("sessions")):
        session = _load_session(check, item, seen, tz, rooms, speakers)
        if session is not None:
            sessions.append(session)
    sessions.sort(key=lambda s: (s.start, s.end, s.id))
    return conference, tuple(rooms.values()), tuple(speakers.values()), tuple(sessions)


def _load_session(
    check: _Checker,
    item: Located,
    seen: dict[str, str],
    tz: ZoneInfo | None,
    rooms: dict[str, Room],
    speakers: dict[str, Speaker],
) -> Session | None:
    check.keys(item, SESSION_KEYS, item.get("id") if isinstance(item.get("id"), str) else None)
    sid = check.entry_id(item, seen, "session")
    title = check.text(item, "title", required=True, entry=sid)
    times: dict[str, datetime | None] = {}
    for key in ("start", "end"):
        raw = check.text(item, key, required=True, entry=sid)
        times[key] = None
        if raw is not None:
            times[key] = _parse_time(raw, tz)
            if times[key] is None:
                check.add(
                    f"cannot read time '{raw}' (write it as YYYY-MM-DD HH:MM, e.g. "
                    "2027-02-16 09:00, local time in the conference timezone)",
                    item.key_lines.get(key),
                    sid,
                    key,
                )
    start, end = times["start"], times["end"]
    if start and end and end <= start:
        check.add(
            f"end ({end:%Y-%m-%d %H:%M}) must be after start ({start:%Y-%m-%d %H:%M})",
            item.key_lines.get("end"),
            sid,
            "end",
        )
    room = None
    room_ref = check.text(item, "room", entry=sid)
    if room_ref:
        if rooms:
            room = rooms.get(room_ref)
            if room is None:
                close = difflib.get_close_matches(room_ref, list(rooms), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                check.add(
                    f"unknown room id '{room_ref}'{hint}", item.key_lines.get("room"), sid, "room"
                )
        else:
            room = Room(room_ref, room_ref)
    session_speakers: list[Speaker] = []
    for ref in check.text_list(item, "speakers", sid):
        speaker = speakers.get(ref)
        if speaker is None:
            close = difflib.get_close_matches(ref, list(speakers), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            check.add(
                f"unknown speaker id '{ref}'{hint}",
                item.key_lines.get("speakers"),
                sid,
                "speakers",
            )
        else:
            session_speakers.append(speaker)
    flag = (check.text(item, "do_not_record", entry=sid) or "no").lower()
    if flag not in _TRUE | _FALSE:
        check.add("write yes or no", item.key_lines.get("do_not_record"), sid, "do_not_record")
    conference_day = _conference_day(check, item, sid, start)
    moderators = _moderators(check, item, sid)
    if not (sid and title and start and end and end > start and tz):
        return None
    return Session(
        id=sid,
        title=title,
        start=start,
        end=end,
        room=room,
        kind=(check.text(item, "kind", entry=sid) or "").lower() or None,
        track=check.text(item, "track", entry=sid),
        speakers=tuple(session_speakers),
        description=check.text(item, "description", entry=sid),
        tags=tuple(t.lower() for t in check.text_list(item, "tags", sid)),
        subtitle=check.text(item, "subtitle", entry=sid),
        url=check.text(item, "url", entry=sid),
        language=check.text(item, "language", entry=sid),
        do_not_record=flag in _TRUE,
        conference_day=conference_day,
        source=check.text(item, "source", entry=sid),
        moderators=moderators,
    )


def _moderators(check: _Checker, item: Located, sid: str | None) -> tuple[int, ...]:
    """`moderators: [123456789, ...]`: Telegram user ids (numbers, as /start shows them)."""
    raw = item.get("moderators")
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    found: list[int] = []
    for value in values:
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 2**53:
            check.add(
                f"moderators must be Telegram user ids (numbers), not '{text[:40]}'",
                item.key_lines.get("moderators"),
                sid,
                "moderators",
            )
            continue
        found.append(int(text))
    return tuple(dict.fromkeys(found))


def _conference_day(
    check: _Checker, item: Located, sid: str | None, start: datetime | None
) -> date | None:
    """`day`: the conference day of a session that starts after midnight (the day before)."""
    raw = check.text(item, "day", entry=sid)
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        check.add(f"cannot read day '{raw}' (write YYYY-MM-DD)", item.key_lines.get("day"), sid)
        return None
    if start is not None and day not in (start.date(), start.date() - timedelta(days=1)):
        check.add(
            f"day {raw} must be the start date or, for a session after midnight, the day before",
            item.key_lines.get("day"),
            sid,
            "day",
        )
        return None
    return day if start is None or day != start.date() else None


def _topic_from_filename(path: Path) -> str:
    words = re.split(r"[-_\s]+", path.stem)
    return " ".join(w for w in words if w).capitalize() or path.stem


def _load_faq_file(
    path: Path,
    problems: list[Problem],
    seen: dict[str, str],
    budget: LoadBudget,
) -> tuple[list[FaqEntry], list[tuple[str, ...]]]:
    check = _Checker(str(path), problems)
    try:
        data = read_yaml(path, budget)
    except YamlSyntaxError as exc:
        check.add(exc.message, exc.line)
        return [], []
    if data is None:
        check.add("file is empty; expected 'entries:' with a list of questions", 1)
        return [], []
    if not check.mapping(data, "an FAQ file", 1):
        return [], []
    check.keys(data, FAQ_FILE_KEYS)
    topic = check.text(data, "topic") or _topic_from_filename(path)

    synonyms: list[tuple[str, ...]] = []
    raw_syn = data.get("synonyms")
    if raw_syn is not None:
        syn_line = data.key_lines.get("synonyms")
        if not isinstance(raw_syn, LocatedList):
            check.add(
                "must be a list of word lists, e.g. - [wifi, wi-fi, internet]",
                syn_line,
                field="synonyms",
            )
        else:
            for group, line in zip(raw_syn, raw_syn.item_lines, strict=True):
                words = (
                    tuple(w.strip() for w in group if isinstance(w, str) and w.strip())
                    if isinstance(group, LocatedList)
                    else ()
                )
                if len(words) < 2:
                    check.add(
                        "each synonym group must list at least two words", line, field="synonyms"
                    )
                else:
                    synonyms.append(words)

    entries: list[FaqEntry] = []
    raw_entries = data.get("entries")
    if raw_entries is None:
        check.add("required section is missing", data.line, field="entries")
    for item, _ in check.items(raw_entries, "entries", data.key_lines.get("entries")):
        entry = _load_faq_entry(check, item, seen, topic, str(path))
        if entry is not None:
            entries.append(entry)
    return entries, synonyms


def _load_faq_entry(
    check: _Checker,
    item: Located,
    seen: dict[str, str],
    topic: str,
    file: str,
) -> FaqEntry | None:
    check.keys(item, FAQ_ENTRY_KEYS, item.get("id") if isinstance(item.get("id"), str) else None)
    eid = check.entry_id(item, seen, "FAQ")
    question = check.text(item, "question", required=True, entry=eid)
    answer = check.text(item, "answer", required=True, entry=eid)
    answer_ur = check.text(item, "answer_ur", entry=eid)
    for key, text in (("answer", answer), ("answer_ur", answer_ur)):
        if text and len(text) > MAX_ANSWER_CHARS:
            check.add(
                f"answer is {len(text):,} characters; keep it under {MAX_ANSWER_CHARS:,} so it "
                "fits one Telegram message with the bot's framing",
                item.key_lines.get(key),
                eid,
                key,
            )
    variants = check.text_list(item, "variants", eid)
    tags = tuple(t.lower() for t in check.text_list(item, "tags", eid))
    handoff = (check.text(item, "handoff", entry=eid) or "no").lower()
    if handoff not in _TRUE | _FALSE:
        check.add("write yes or no", item.key_lines.get("handoff"), eid, "handoff")
    if not (eid and question and answer):
        return None
    return FaqEntry(
        id=eid,
        question=question,
        answer=answer,
        topic=topic,
        variants=variants,
        tags=tags,
        answer_ur=answer_ur,
        source_file=file,
        handoff=handoff in _TRUE,
    )


def _handoff_problems(faq: list[FaqEntry]) -> list[Problem]:
    """A request for a person gets one entry's answer: a second `handoff: yes` is a problem.

    Picking one silently would send attendees whichever file sorts first; the organiser
    who marked the second one expects theirs.
    """
    marked = [entry for entry in faq if entry.handoff]
    return [
        Problem(
            entry.source_file,
            f"only one FAQ entry can be marked handoff: yes; '{marked[0].id}' "
            f"({Path(marked[0].source_file).name}) already is",
            entry=entry.id,
            field="handoff",
        )
        for entry in marked[1:]
    ]


def _faq_files(faq_dir: Path, problems: list[Problem]) -> list[Path]:
    """The folder's *.yaml and *.yml files, sorted; a folder that cannot be listed is a problem.

    Hidden names are skipped: they are editors' and operating systems' droppings (Emacs's
    `.#venue.yaml` lock links point nowhere, macOS's `._venue.yaml` is binary), and
    failing a reload because an organiser has a file open would be absurd.
    """
    try:
        names = os.listdir(faq_dir)
    except OSError as exc:
        reason = (
            "permission denied (make it readable by the user the bot runs as)"
            if isinstance(exc, PermissionError)
            else (exc.strerror or type(exc).__name__)
        )
        problems.append(Problem(str(faq_dir), f"cannot list the FAQ folder: {reason}"))
        return []
    files = sorted(
        faq_dir / name for name in names if name.endswith(FAQ_SUFFIXES) and not name.startswith(".")
    )
    if not files:
        problems.append(Problem(str(faq_dir), "no .yaml files in the FAQ folder"))
    return files


def load_content(
    agenda_path: Path | str, faq_dir: Path | str, limits: LoadLimits | None = None
) -> Content:
    """Read and validate everything; raise ContentError listing every problem.

    Hostile or broken files (see safe_read and yaml_source) are problems like any other;
    running out of the time or total-size budget stops the load with a problem naming the
    file it was reading.
    """
    agenda_path, faq_dir = Path(agenda_path), Path(faq_dir)
    budget = LoadBudget(limits or LoadLimits())
    problems: list[Problem] = []
    reading = agenda_path
    faq: list[FaqEntry] = []
    synonyms: list[tuple[str, ...]] = []
    agenda = None
    try:
        agenda = _load_agenda(agenda_path, problems, budget)
        if not faq_dir.is_dir():
            problems.append(
                Problem(str(faq_dir), "FAQ folder not found (set FAQ_DIR to its location)")
            )
        else:
            seen: dict[str, str] = {}
            for path in _faq_files(faq_dir, problems):
                reading = path
                entries, groups = _load_faq_file(path, problems, seen, budget)
                faq.extend(entries)
                synonyms.extend(groups)
            problems.extend(_handoff_problems(faq))
    except BudgetExceeded as exc:
        problems.append(Problem(str(reading), f"{exc}; the rest was not read"))
        raise ContentError(problems) from None

    if problems or agenda is None or agenda[0] is None:
        if not problems:  # pragma: no cover - a missing conference always adds a problem
            problems.append(Problem(str(agenda_path), "agenda could not be loaded"))
        raise ContentError(problems)
    conference, rooms, speakers, sessions = agenda
    return Content(
        conference=conference,
        rooms=rooms,
        speakers=speakers,
        sessions=sessions,
        faq=tuple(faq),
        synonyms=tuple(synonyms),
    )


def agenda_problems(agenda_path: Path | str, limits: LoadLimits | None = None) -> list[Problem]:
    """Every problem in one agenda file alone (used to check generated agendas)."""
    problems: list[Problem] = []
    try:
        _load_agenda(Path(agenda_path), problems, LoadBudget(limits or LoadLimits()))
    except BudgetExceeded as exc:
        problems.append(Problem(str(agenda_path), str(exc)))
    return problems


def load_agenda(agenda_path: Path | str, limits: LoadLimits | None = None) -> Content:
    """The agenda alone as content (no FAQ): for warnings about a freshly imported file."""
    problems: list[Problem] = []
    try:
        agenda = _load_agenda(Path(agenda_path), problems, LoadBudget(limits or LoadLimits()))
    except BudgetExceeded as exc:
        problems.append(Problem(str(agenda_path), str(exc)))
        agenda = None
    if problems or agenda is None or agenda[0] is None:
        raise ContentError(problems or [Problem(str(agenda_path), "agenda could not be loaded")])
    conference, rooms, speakers, sessions = agenda
    return Content(conference=conference, rooms=rooms, speakers=speakers, sessions=sessions)
