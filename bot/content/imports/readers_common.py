"""Small parsing helpers every reader shares, with messages that say where."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.content.imports.programme import ProgrammeImportError

_TRUE = {"true", "yes", "1", "y", "x", "on"}


def text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def parse_datetime(raw: Any, where: str) -> datetime:
    text = str(raw or "").strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ProgrammeImportError(
            f"{where}: '{raw}' is not a date and time (expected e.g. 2027-02-16T10:00:00+05:00)"
        ) from None


def parse_date(raw: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        raise ProgrammeImportError(f"{where}: '{raw}' is not a date (YYYY-MM-DD)") from None


def parse_duration(raw: Any, where: str, *, seconds_last: bool = False) -> timedelta:
    """frab JSON writes "HH:MM" or "D:HH:MM"; XML "HH:MM:SS" (`seconds_last`); a sheet, minutes."""
    text = str(raw or "").strip()
    if text.isdigit():
        return timedelta(minutes=int(text))
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ProgrammeImportError(f"{where}: duration '{raw}' is not HH:MM")
    numbers = [int(p) for p in parts]
    if len(numbers) == 2:
        return timedelta(hours=numbers[0], minutes=numbers[1])
    if seconds_last:
        return timedelta(hours=numbers[0], minutes=numbers[1], seconds=numbers[2])
    return timedelta(days=numbers[0], hours=numbers[1], minutes=numbers[2])


def require(mapping: Any, key: str, where: str, what: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise ProgrammeImportError(f"{where}: missing '{key}' (is this {what}?)")
    return mapping[key]
