"""Helpers shared by the storage tests (and the handler tests that check what was stored).

`stored_user` reads an attendee's row directly. The bot itself never reads one back whole
(it reads languages, audiences and counts), so tests that check what was *stored* about an
attendee (names, time stamps, the block) look at the row the way an organiser would in an
`sqlite3` shell: through the store's own connection and lock, so the read is never torn by a
write in flight. Everything the bot does read goes through its real methods instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from bot.storage import Decision, NewQuestion, Store
from bot.storage.connection import from_row

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PKT = timezone(timedelta(hours=5))  # conference local time (Pakistan)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass(frozen=True)
class StoredUser:
    """An attendee's row as stored."""

    user_id: int
    first_name: str | None
    username: str | None
    language_code: str | None
    lang: str | None
    subscribed: bool
    created_at: datetime
    updated_at: datetime
    blocked_at: datetime | None


async def stored_user(store: Store, user_id: int) -> StoredUser | None:
    """The attendee's row, or None if the bot never registered them (or forgot them)."""
    row = await store._select_one("SELECT * FROM users WHERE user_id = ?", (user_id,))
    return None if row is None else from_row(StoredUser, row)


async def ask(
    store: Store,
    user_id: int,
    text: str,
    normalized: str | None = None,
    *,
    minute: int = 0,
    decision: Decision = "none",
    best: tuple[str, str, str] | None = None,
    score: float | None = None,
) -> int:
    """Record one question the way the bot does (`record_questions`); its id."""
    kind, ident, label = best or (None, None, None)
    [question_id] = await store.record_questions(
        [
            NewQuestion(
                user_id=user_id,
                chat_id=user_id,
                message_id=1000 + minute,
                text=text,
                normalized=normalized if normalized is not None else text.lower(),
                decision=decision,
                now=at(minute),
                best_kind=kind,
                best_id=ident,
                best_label=label,
                score=score,
            )
        ]
    )
    return question_id


async def starred_by(store: Store, session_id: str) -> list[int]:
    """Who starred a session and is still due a reminder for it, as the reminder service
    asks (`reminder_candidates`): with no reminders sent or turned off, everyone who starred it."""
    return [c.user_id for c in await store.reminder_candidates([session_id])]


def raw(db_path: Path) -> sqlite3.Connection:
    """A second, independent connection, as another process would have."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    return conn
