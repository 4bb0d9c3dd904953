"""Agenda queries by the conference clock: what is on now, next, on a given day.

Plain functions over the loaded sessions, shared by the matcher's time questions
("what's on now"), the /now, /next and /agenda commands and the reminders. Breaks and
prayer times are sessions too, so "now" between two talks honestly says "lunch".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.content.models import Content, Session, Speaker
from bot.matching.normalize import fold
from bot.messages import DEFAULT_LANGUAGE, long_date, plain, weekday_time


@dataclass(frozen=True, slots=True)
class AgendaView:
    """Sessions to show and a one-line context ("Now, Tuesday 16 February")."""

    heading: str
    sessions: tuple[Session, ...]
    note: str | None = None


def running_at(content: Content, moment: datetime) -> list[Session]:
    return [s for s in content.sessions if s.start <= moment < s.end]


def upcoming(content: Content, moment: datetime, limit: int = 6) -> list[Session]:
    """The next start time's sessions (all parallel ones), then later ones up to limit."""
    later = [s for s in content.sessions if s.start > moment]
    return later[:limit]


def on_day(content: Content, day: date) -> list[Session]:
    return [s for s in content.sessions if s.day == day]


def day_number(content: Content, day: date) -> int | None:
    days = content.days
    return days.index(day) + 1 if day in days else None


def now_view(content: Content, moment: datetime, language: str = DEFAULT_LANGUAGE) -> AgendaView:
    days = content.days
    running = running_at(content, moment)
    if running:
        return AgendaView(plain("text.on_now", language, time=f"{moment:%H:%M}"), tuple(running))
    if not days:
        return AgendaView(plain("text.nothing_scheduled", language), ())
    if moment.date() < days[0]:
        first = on_day(content, days[0])[:3]
        note = plain(
            "text.starts_on",
            language,
            date=long_date(days[0], language),
            time=f"{first[0].start:%H:%M}",
        )
        return AgendaView(plain("text.not_yet", language), tuple(first), note)
    if moment.date() > days[-1] or moment >= content.sessions[-1].end:
        return AgendaView(plain("text.over", language), (), plain("text.thanks", language))
    following = upcoming(content, moment, limit=4)
    nxt = following[0]
    when = f"{nxt.start:%H:%M}" if nxt.day == moment.date() else weekday_time(nxt.start, language)
    return AgendaView(
        plain("text.nothing_now", language),
        tuple(following),
        plain("text.next_up_at", language, when=when),
    )


def next_view(content: Content, moment: datetime, language: str = DEFAULT_LANGUAGE) -> AgendaView:
    following = upcoming(content, moment, limit=20)
    if not following:
        return AgendaView(plain("text.over", language), (), plain("text.thanks", language))
    first_start = following[0].start
    batch = [s for s in following if s.start == first_start]
    return AgendaView(
        plain("text.next_at", language, when=weekday_time(first_start, language)), tuple(batch)
    )


_DAY_MARK = re.compile(r"\bday\s*(\d+|one|two|three)\b")


def series_key(session: Session) -> str:
    """Sessions that repeat each day ("Lunch", "Registration (Day 1)") share this key."""
    return " ".join(_DAY_MARK.sub(" ", fold(session.title)).split())


def series(content: Content, session: Session) -> list[Session]:
    """The other sessions of the same series, in time order (empty for a one-off)."""
    key = series_key(session)
    return [s for s in content.sessions if s is not session and series_key(s) == key]


def find_speakers(content: Content, name: str, limit: int = 3) -> list[Speaker]:
    """Speakers whose name or role contains the words asked for, best first."""
    from rapidfuzz import fuzz, process

    wanted = fold(name)
    if not wanted:
        return []
    choices = {s.id: fold(f"{s.name} {s.title or ''}") for s in content.speakers}
    found = process.extract(
        wanted,
        choices,
        scorer=fuzz.partial_token_set_ratio,
        limit=limit,
        score_cutoff=80,
    )
    by_id = {s.id: s for s in content.speakers}
    if found and found[0][1] == 100:
        found = [f for f in found if f[1] == 100]
    return [by_id[key] for _, _, key in found]
