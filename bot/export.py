"""`python -m bot unanswered`: the unanswered-question log as CSV or JSON on stdout.

Organisers review what the bot could not answer (and improve the FAQ from it) in a
spreadsheet, during the event too: the database is opened read-only and, thanks to WAL, the
export reads a consistent snapshot while the bot keeps writing.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import unicodedata
from collections.abc import Awaitable, Callable
from typing import TextIO, TypeVar

from bot.config import Settings
from bot.storage import ExportStatus, Question, Store

EXIT_OK, EXIT_USAGE = 0, 2
COLUMNS = (
    "id",
    "asked_at",
    "user_id",
    "question",
    "status",
    "decision",
    "best_match",
    "best_key",
    "score",
    "answer",
    "answered_at",
    "rejected_key",  # the answer the attendee rejected (👎, then "Ask the organisers")
)

# Cells starting like this are formulas in Excel/LibreOffice/Sheets ("CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a reader cannot see and a spreadsheet may drop or trim on import: format
# characters (zero-width, bidi controls, BOM, soft hyphen), controls, and spaces.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# Default-ignorable code points outside those categories (fillers, variation selectors).
_INVISIBLE_EXTRA = frozenset(
    {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
    | {chr(c) for c in range(0x180B, 0x1810)}
    | {chr(c) for c in range(0xFE00, 0xFE10)}
    | {chr(c) for c in range(0xE0100, 0xE01F0)}
)


def _invisible(char: str) -> bool:
    return char in _INVISIBLE_EXTRA or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def formula_like(text: str) -> bool:
    """Would a spreadsheet read this as a formula, once the invisible characters are gone?

    A leading zero-width or bidi character hides `=` from a plain prefix test
    ("\u200b=1+1"), while a spreadsheet that trims or ignores it still runs the formula.
    A tab or carriage return at the start counts as a formula start on its own.
    """
    if text.startswith(_FORMULA_STARTS):
        return True
    start = 0
    while start < len(text) and _invisible(text[start]):
        start += 1
    return text[start:].startswith(_FORMULA_STARTS)


def row(question: Question) -> dict[str, object]:
    """One question as export columns; times in UTC ISO-8601, blanks as None."""
    return {
        "id": question.id,
        "asked_at": question.asked_at.isoformat(),
        "user_id": question.user_id,
        "question": question.text,
        "status": question.status,
        "decision": question.decision,
        "best_match": question.best_label,
        "best_key": question.best_key,
        "score": question.score,
        "answer": question.answer_text,
        "answered_at": question.answered_at.isoformat() if question.answered_at else None,
        "rejected_key": question.rejected_key,
    }


def _cell(value: object) -> object:
    """Attendee text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


T = TypeVar("T")


async def read_database(settings: Settings, read: Callable[[Store], Awaitable[T]]) -> T:
    """One read from the bot's database, opened read-only: the command-line exports' access.

    A file with no schema is refused as not the bot's database rather than read as empty.
    """
    store = await Store.open_readonly(settings.database_path)
    try:
        if await store.schema_version() == 0:
            raise sqlite3.DatabaseError("not a bot database (no schema)")
        return await read(store)
    finally:
        await store.close()


def read_for_export(
    settings: Settings, read: Callable[[Store], Awaitable[T]], err: TextIO
) -> T | None:
    """`read_database` for a command-line export: None after telling `err` why it cannot be
    (no database yet, or not the bot's), so every export says it the same way."""
    path = settings.database_path
    try:
        return asyncio.run(read_database(settings, read))
    except FileNotFoundError:
        print(f"No database at {path} (DATABASE_PATH). Has the bot run here yet?", file=err)
    except (sqlite3.DatabaseError, RuntimeError) as exc:
        print(f"Cannot read the database at {path}: {exc}", file=err)
    return None


def export_unanswered(
    settings: Settings, format: str, status: str, out: TextIO, err: TextIO
) -> int:
    """Write the log to out; exit 0, or 2 with a clear message if there is no database."""
    if status not in ("open", "all") or format not in ("csv", "json"):
        print(f"Unknown --format {format!r} or --status {status!r}", file=err)
        return EXIT_USAGE
    which: ExportStatus = "open" if status == "open" else "all"
    questions = read_for_export(settings, lambda store: store.export_questions(which), err)
    if questions is None:
        return EXIT_USAGE
    rows = [row(q) for q in questions]
    if format == "csv":
        rows = [{key: _cell(value) for key, value in r.items()} for r in rows]
    if format == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out.flush()
    return EXIT_OK


defuse = _cell  # public name for the desk's CSV download (bot.web.desk): the same defusing
