"""Programme imports: frab/pretalx JSON, frab/pentabarf XML, Sessionize and CSV.

`import_programme` is the whole import as one plain function (export bytes in, agenda
data out, nothing written), so the command line and a live sync loop share it.
`write_agenda` puts the result in place only if it passes `check`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.content.imports.build import Agenda, build_agenda
from bot.content.imports.csv_table import read_csv
from bot.content.imports.frab_json import read_frab_json
from bot.content.imports.frab_xml import read_frab_xml
from bot.content.imports.programme import ImportedProgramme, ProgrammeImportError
from bot.content.imports.sessionize import read_sessionize
from bot.content.imports.writer import render_agenda, write_agenda

FORMATS = ("frab-json", "frab-xml", "sessionize", "csv")
# What organisers call the formats; all name one of FORMATS.
FORMAT_ALIASES = {
    "pretalx": "frab-json",
    "frab": "frab-json",
    "json": "frab-json",
    "schedule.json": "frab-json",
    "pentabarf": "frab-xml",
    "xml": "frab-xml",
    "schedule.xml": "frab-xml",
}

__all__ = [
    "FORMATS",
    "Agenda",
    "ProgrammeImportError",
    "detect_format",
    "import_programme",
    "read_programme",
    "render_agenda",
    "write_agenda",
]


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ProgrammeImportError("the export is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ProgrammeImportError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None


def _detect(data: bytes) -> tuple[str, Any]:
    """The format, and the parsed JSON when it is JSON (parsed once, exports can be big)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "frab-xml", None
    if head.startswith((b"{", b"[")):
        parsed = _json(data)
        if isinstance(parsed, dict) and "schedule" in parsed:
            return "frab-json", parsed
        if isinstance(parsed, dict) and isinstance(parsed.get("sessions"), list):
            return "sessionize", parsed
        raise ProgrammeImportError(
            "JSON, but neither a frab/pretalx schedule.json (a 'schedule' object) nor a "
            "Sessionize 'All Data' export ('sessions', 'speakers', 'rooms' lists)"
        )
    if not head:
        raise ProgrammeImportError("the export is empty")
    return "csv", None


def detect_format(data: bytes) -> str:
    """Which of FORMATS the bytes are, from their content (not a file name)."""
    return _detect(data)[0]


def read_programme(data: bytes, fmt: str | None = None) -> ImportedProgramme:
    """The export in the shared content model, times and markup as the export wrote them."""
    parsed: Any = None
    chosen = FORMAT_ALIASES.get((fmt or "").lower(), (fmt or "").lower())
    if not chosen:
        chosen, parsed = _detect(data)
    if chosen == "frab-json":
        return read_frab_json(parsed if parsed is not None else _json(data))
    if chosen == "sessionize":
        return read_sessionize(parsed if parsed is not None else _json(data))
    if chosen == "frab-xml":
        return read_frab_xml(data)
    if chosen == "csv":
        return read_csv(data)
    raise ProgrammeImportError(f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")


def import_programme(
    data: bytes,
    fmt: str | None = None,
    timezone: str | None = None,
    existing: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Agenda:
    """agenda.yaml data for an export; raise ProgrammeImportError saying what is wrong.

    `existing` is the agenda being replaced: its conference name, venue and floors are
    kept and its session and speaker ids are reused. `name` names the conference when
    the export does not (Sessionize, CSV) and there is no agenda to keep it from.
    """
    programme = read_programme(data, fmt)
    if name:
        programme.title = name
    return build_agenda(programme, timezone, existing)
