"""The text of an answer: FAQ answers, sessions, speakers and agenda lists.

One set of formatting functions serves the command line (plain text) and Telegram (HTML),
so what organisers see in `python -m bot ask` is exactly what attendees get. The `Markup`
decides escaping and emphasis; nothing here knows about Telegram.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.agenda import series
from bot.content.models import Content, FaqEntry, Session, Speaker
from bot.messages import DEFAULT_LANGUAGE, long_date, plain, short_date


class Markup(Protocol):
    def text(self, raw: str) -> str: ...
    def bold(self, raw: str) -> str: ...
    def link(self, label: str, url: str) -> str: ...


class PlainText:
    def text(self, raw: str) -> str:
        return raw

    def bold(self, raw: str) -> str:
        return raw

    def link(self, label: str, url: str) -> str:
        return f"{label}: {url}"


class Html:
    """Telegram HTML: every organiser or attendee string is escaped, always."""

    def text(self, raw: str) -> str:
        return html.escape(raw, quote=False)

    def bold(self, raw: str) -> str:
        return f"<b>{html.escape(raw, quote=False)}</b>"

    def link(self, label: str, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{html.escape(label, quote=False)}</a>'


PLAIN = PlainText()
HTML = Html()


def day_label(content: Content, moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    days = content.days
    label = long_date(moment.date(), language)
    if moment.date() not in days:
        return label
    return plain("text.day_prefix", language, number=days.index(moment.date()) + 1, date=label)


# Room for the rest of a session's answer (title, times, speakers, "also" lines) in one
# Telegram message of 4,096 characters, markup included.
DESCRIPTION_CHARS = 1800


def time_range(session: Session) -> str:
    return f"{session.start:%H:%M}–{session.end:%H:%M}"


def faq_text(entry: FaqEntry, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE) -> str:
    answer = entry.answer_ur if language == "ur" and entry.answer_ur else entry.answer
    return m.text(answer)


def session_text(
    content: Content, session: Session, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE
) -> str:
    lines = [m.bold(session.title)]
    if session.subtitle:
        lines.append(m.text(session.subtitle))
    comma = "،" if language == "ur" else ","
    where = f"{day_label(content, session.start, language)}{comma} {time_range(session)}"
    if session.room:
        where += f" · {session.room.label}"
    lines.append(m.text(where))
    if session.speakers:
        names = "; ".join(s.label for s in session.speakers)
        lines.append(m.text(plain("text.speakers", language, names=names)))
    details = [d for d in (session.kind, session.track) if d]
    if details:
        lines.append(m.text(" · ".join(d.capitalize() if d.islower() else d for d in details)))
    if session.language:
        lines.append(m.text(plain("text.language", language, language=session.language)))
    if session.do_not_record:
        lines.append(m.text(plain("text.not_recorded", language)))
    if session.description:
        lines.append("")
        lines.append(m.text(_shortened(session.description)))
    if session.url:
        lines.append(m.text(session.url))
    repeats = series(content, session)
    if repeats:
        lines.append("")
        lines.append(m.text(plain("text.also", language)))
        lines.extend(session_line(content, s, m, with_day=True, language=language) for s in repeats)
    return "\n".join(lines)


def _shortened(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Imported abstracts run to thousands of characters; one message holds 4,096."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for stop in ("\n\n", ". ", " "):
        at = cut.rfind(stop)
        if at > limit // 2:
            return cut[: at + (1 if stop == ". " else 0)].rstrip() + " …"
    return cut.rstrip() + " …"


def session_line(
    content: Content,
    session: Session,
    m: Markup = PLAIN,
    *,
    with_day: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """One compact line for lists: time · title · room."""
    when = time_range(session)
    if with_day:
        when = f"{short_date(session.start.date(), language)} {when}"
    parts = [m.text(when), m.bold(session.title)]
    if session.room:
        parts.append(m.text(session.room.name))
    return "• " + " · ".join(parts)


def speaker_text(
    content: Content, speaker: Speaker, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE
) -> str:
    lines = [m.bold(speaker.name)]
    if speaker.title:
        lines.append(m.text(speaker.title))
    if speaker.bio:
        lines.append(m.text(speaker.bio))
    sessions = content.sessions_of(speaker)
    if sessions:
        lines.append("")
        lines.append(m.text(plain("text.speaking_at", language)))
        lines.extend(
            session_line(content, s, m, with_day=True, language=language) for s in sessions
        )
    else:
        lines.append(m.text(plain("text.no_sessions", language)))
    return "\n".join(lines)


def session_list(
    content: Content,
    heading: str,
    sessions: Sequence[Session],
    m: Markup = PLAIN,
    note: str | None = None,
) -> str:
    lines = [m.bold(heading)]
    with_day = len({s.day for s in sessions}) > 1
    lines.extend(session_line(content, s, m, with_day=with_day) for s in sessions)
    if note:
        lines.append(m.text(note))
    return "\n".join(lines)


def target_text(
    content: Content, key: str, m: Markup = PLAIN, language: str = DEFAULT_LANGUAGE
) -> str | None:
    """The full answer for a candidate key such as 'faq:wifi' or 'session:opening-keynote'."""
    kind, _, ident = key.partition(":")
    if kind == "faq" and (entry := content.faq_entry(ident)):
        return faq_text(entry, m, language)
    if kind == "session" and (session := content.session(ident)):
        return session_text(content, session, m, language)
    if kind == "speaker" and (speaker := content.speaker(ident)):
        return speaker_text(content, speaker, m, language)
    return None


def rejected_label(content: Content, key: str, stored_label: str | None) -> str:
    """What the organisers see as the answer an attendee rejected: the entry's label now,
    else the one stored with the question (the entry may have been reloaded away), else the
    key itself."""
    return target_label(content, key) or stored_label or key


def target_label(content: Content, key: str) -> str | None:
    """What a button or a stats line calls a target: FAQ question, session title, name."""
    kind, _, ident = key.partition(":")
    if kind == "faq" and (entry := content.faq_entry(ident)):
        return entry.question
    if kind == "session" and (session := content.session(ident)):
        return session.title
    if kind == "speaker" and (speaker := content.speaker(ident)):
        return speaker.name
    return None


def key_token(key: str) -> str:
    """A short stable token for a target key, so buttons name it within 64 bytes.

    Entry ids are free text of any length, so a button's callback data carries this hash
    instead; `key_for_token` finds the key again in whatever content is loaded by then.
    """
    return hashlib.blake2s(key.encode("utf-8"), digest_size=5).hexdigest()


def key_for_token(content: Content, token: str) -> str | None:
    """The target key whose `key_token` is token, or None if it is no longer in the content."""
    keys = [f"faq:{e.id}" for e in content.faq]
    keys += [f"session:{s.id}" for s in content.sessions]
    keys += [f"speaker:{s.id}" for s in content.speakers]
    return next((key for key in keys if key_token(key) == token), None)
