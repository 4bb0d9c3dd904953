"""Which time zone an export's times are in, decided by the rules organisers can predict.

A programme imported in the wrong zone sends every attendee to every talk an hour early,
with confidence. So the zone is never guessed: the export's own zone name; else the
offsets its dates carry, which must all agree; else the organiser says `--timezone`.
An export that contradicts itself (`time_zone_name: UTC` with every date at +01:00) is
refused unless `--timezone` settles it, and `--timezone` is refused when it contradicts
every offset, because then one of the two is wrong and only the organiser knows which.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.imports.programme import ProgrammeImportError

_ASK = "pass --timezone with the IANA name of the event's zone (for example Europe/Berlin)"


def _zone(name: str, said_by: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProgrammeImportError(
            f"{said_by} names the time zone '{name}', which is not an IANA zone name "
            "(such as Asia/Karachi or Europe/Berlin)"
        ) from None


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _fixed_zone_name(offset: timedelta) -> str | None:
    """The IANA name of a fixed offset ("Etc/GMT-1" is +01:00: POSIX signs are inverted)."""
    seconds = int(offset.total_seconds())
    if seconds % 3600:
        return None
    hours = seconds // 3600
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _disagreeing(zone: ZoneInfo, times: Iterable[datetime]) -> list[datetime]:
    """Dates whose offset is not the zone's offset at that local time."""
    return [t for t in times if t.replace(tzinfo=zone).utcoffset() != t.utcoffset()]


def resolve_zone(
    export_zone: str | None,
    times: list[datetime],
    override: str | None,
) -> tuple[ZoneInfo, str, list[str]]:
    """The zone, its name for agenda.yaml, and notes for the organiser.

    `times` are the export's session times as written: aware when they carry an offset.
    """
    notes: list[str] = []
    aware = [t for t in times if t.tzinfo is not None]
    if override:
        zone = _zone(override, "--timezone")
        wrong = _disagreeing(zone, aware)
        if wrong:
            first = wrong[0]
            local = first.replace(tzinfo=zone)
            raise ProgrammeImportError(
                f"--timezone {override} is {format_offset(local.utcoffset() or timedelta())} "
                f"at {first:%Y-%m-%d %H:%M}, but the export's date there carries "
                f"{format_offset(first.utcoffset() or timedelta())}: the times would move. "
                "Pass the zone whose clock the programme is printed in"
            )
        if export_zone and export_zone != override:
            notes.append(
                f"the export says time_zone_name '{export_zone}'; --timezone {override} was used"
            )
        return zone, override, notes
    if export_zone:
        zone = _zone(export_zone, "the export")
        wrong = _disagreeing(zone, aware)
        if wrong:
            offsets = sorted({format_offset(t.utcoffset() or timedelta()) for t in wrong})
            raise ProgrammeImportError(
                f"the export contradicts itself: its time_zone_name is '{export_zone}', but "
                f"{len(wrong)} of its {len(aware)} dates carry {', '.join(offsets)}, which "
                f"is not {export_zone} at those times. Nothing was guessed: {_ASK}"
            )
        return zone, export_zone, notes
    if not times:
        raise ProgrammeImportError(f"the export has no sessions and names no time zone: {_ASK}")
    if len(aware) < len(times):
        raise ProgrammeImportError(
            f"the export names no time zone and its times carry no UTC offset: {_ASK}"
        )
    distinct = {t.utcoffset() or timedelta() for t in aware}
    if len(distinct) > 1:
        listed = ", ".join(format_offset(o) for o in sorted(distinct))
        raise ProgrammeImportError(
            f"the export names no time zone and its dates carry different offsets ({listed}), "
            f"as across a daylight-saving change: {_ASK}"
        )
    offset = distinct.pop()
    name = _fixed_zone_name(offset)
    if name is None:
        raise ProgrammeImportError(
            f"the export names no time zone and its dates carry {format_offset(offset)}, "
            f"which has no fixed-offset zone name: {_ASK}"
        )
    notes.append(
        f"the export names no time zone; every date carries {format_offset(offset)}, so "
        f"the agenda uses {name}. Pass --timezone to name the place instead"
    )
    return ZoneInfo(name), name, notes
