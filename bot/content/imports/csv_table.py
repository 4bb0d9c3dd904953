"""A programme kept in a spreadsheet, saved as CSV.

Columns are matched by header, in any order and case; docs/importing.md lists them. The
separator (comma, semicolon or tab) is detected, so a sheet saved by a German or Pakistani
Excel (semicolons) works as well as one from Google Sheets, and a UTF-8 BOM is ignored.
Several speakers in one cell are separated by "|" (or by whichever of "," and ";" is not
the file's separator). People are told apart by name only: a sheet has no person ids.
"""

from __future__ import annotations

import csv
import io
import re
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
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "session id", "code"),
    "title": ("title", "session title", "talk", "name"),
    "subtitle": ("subtitle",),
    "date": ("date", "day"),
    "start": ("start", "start time", "starts", "from", "begin"),
    "end": ("end", "end time", "ends", "to", "until"),
    "duration": ("duration", "minutes", "length"),
    "room": ("room", "location", "hall", "venue"),
    "kind": ("type", "kind", "format", "session type"),
    "track": ("track", "stream"),
    "language": ("language", "lang"),
    "speakers": ("speakers", "speaker", "presenters", "presenter"),
    "abstract": ("abstract", "summary"),
    "description": ("description", "details"),
    "url": ("url", "link", "website"),
    "do_not_record": ("do not record", "do_not_record", "no recording"),
    "tags": ("tags", "keywords", "topics"),
}
_HEADER_KEY = re.compile(r"[\s_\-]+")


def _column_map(header: list[str]) -> dict[str, int]:
    wanted = {
        _HEADER_KEY.sub(" ", alias).strip(): field
        for field, aliases in COLUMNS.items()
        for alias in aliases
    }
    found: dict[str, int] = {}
    for number, raw in enumerate(header):
        field = wanted.get(_HEADER_KEY.sub(" ", raw.strip().lower()).strip())
        if field and field not in found:
            found[field] = number
    return found


def _clock(raw: str, where: str) -> time:
    try:
        return time.fromisoformat(raw.strip().replace(".", ":").zfill(5))
    except ValueError:
        raise ProgrammeImportError(f"{where}: '{raw}' is not a time (HH:MM)") from None


def read_csv(data: bytes) -> ImportedProgramme:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProgrammeImportError(
            "the CSV is not UTF-8 text (in Excel: Save As → 'CSV UTF-8')"
        ) from None
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ProgrammeImportError("the CSV is empty")
    columns = _column_map(rows[0])
    missing = [c for c in ("title", "start") if c not in columns]
    if missing:
        raise ProgrammeImportError(
            f"the CSV has no {' or '.join(repr(m) for m in missing)} column; its header is "
            f"{', '.join(rows[0])} (see docs/importing.md for the columns)"
        )
    if "end" not in columns and "duration" not in columns:
        raise ProgrammeImportError("the CSV needs an 'end' or a 'duration' column")
    separator = getattr(dialect, "delimiter", ",")
    splitter = re.compile(r"\s*[|" + ("," if separator != "," else ";") + r"]\s*")
    programme = ImportedProgramme(format="csv", infer_night_days=True)
    for line, row in enumerate(rows[1:], start=2):

        def cell(field: str, row: list[str] = row) -> str:
            number = columns.get(field)
            return row[number].strip() if number is not None and number < len(row) else ""

        where = f"line {line}"
        title = cell("title")
        if not title:
            raise ProgrammeImportError(f"{where}: the title is empty")
        where = f"line {line}, '{title}'"
        start = _start(cell("start"), cell("date"), where)
        session = ImportedSession(title=title, start=start, where=where)
        if cell("end"):
            session.end = _end(cell("end"), start, where)
        elif cell("duration"):
            session.duration = parse_duration(cell("duration"), where)
        else:
            raise ProgrammeImportError(f"{where}: no end time and no duration")
        session.key = cell("id") or None
        session.room = cell("room") or None
        session.kind = cell("kind") or None
        session.track = cell("track") or None
        session.language = cell("language") or None
        session.subtitle = cell("subtitle") or None
        session.abstract = cell("abstract") or None
        session.description = cell("description") or None
        session.url = cell("url") or None
        session.do_not_record = flag(cell("do_not_record"))
        session.tags = [t for t in splitter.split(cell("tags")) if t]
        session.persons = [ImportedPerson(name=n) for n in splitter.split(cell("speakers")) if n]
        programme.sessions.append(session)
    return programme


def _start(raw: str, day: str, where: str) -> datetime:
    if not raw:
        raise ProgrammeImportError(f"{where}: the start is empty")
    if len(raw) > 8:  # a full date and time, perhaps with an offset
        return parse_datetime(raw, where)
    if not day:
        raise ProgrammeImportError(f"{where}: start '{raw}' needs a date column or a full date")
    return datetime.combine(parse_date(day, where), _clock(raw, where))


def _end(raw: str, start: datetime, where: str) -> datetime:
    if len(raw) > 8:
        return parse_datetime(raw, where)
    end = datetime.combine(start.date(), _clock(raw, where), start.tzinfo)
    return end if end > start else end + timedelta(days=1)  # ends after midnight
