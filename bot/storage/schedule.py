"""Stars and reminders: the sessions an attendee starred ("my schedule"), their reminder
lead, and which reminders went out, so none is sent twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.connection import Database, _ts


@dataclass(frozen=True, slots=True)
class ReminderCandidate:
    """A starred session not yet reminded of, with the attendee's reminder preference.

    `has_pref` False means the attendee never used /remind (the default lead applies);
    True with `minutes_before` None would be "off", and such rows are not returned.
    """

    user_id: int
    session_id: str
    has_pref: bool
    minutes_before: int | None


class Schedules(Database):
    """The `stars`, `reminder_prefs` and `reminders_sent` tables."""

    async def toggle_star(self, user_id: int, session_id: str, now: datetime) -> bool:
        """Star a session, or unstar it if already starred; return whether it is starred."""
        async with self._write() as db:
            removed = await self._rowcount(
                db,
                "DELETE FROM stars WHERE user_id = ? AND session_id = ?",
                (user_id, session_id),
            )
            if removed:
                return False
            await db.execute(
                "INSERT INTO stars (user_id, session_id, starred_at) VALUES (?, ?, ?)",
                (user_id, session_id, _ts(now)),
            )
        return True

    async def starred_sessions(self, user_id: int) -> list[str]:
        """Session ids the attendee starred, in the order they starred them."""
        rows = await self._select(
            "SELECT session_id FROM stars WHERE user_id = ? ORDER BY starred_at, session_id",
            (user_id,),
        )
        return [row[0] for row in rows]

    async def set_reminder_minutes(self, user_id: int, minutes: int | None) -> None:
        """Minutes before a starred session to remind; None turns reminders off."""
        if minutes is not None and minutes < 0:
            raise ValueError("minutes must be non-negative")
        await self._changed(
            "INSERT INTO reminder_prefs (user_id, minutes_before) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET minutes_before = excluded.minutes_before",
            (user_id, minutes),
        )

    async def reminder_pref(self, user_id: int) -> tuple[bool, int | None]:
        """(has the attendee set a preference, minutes or None for off)."""
        row = await self._select_one(
            "SELECT minutes_before FROM reminder_prefs WHERE user_id = ?",
            (user_id,),
        )
        return (False, None) if row is None else (True, row[0])

    async def reminder_candidates(self, session_ids: Sequence[str]) -> list[ReminderCandidate]:
        """Stars on these sessions not yet reminded of, minus reminders off and blocked bots.

        The caller passes only sessions starting soon, so this stays a small query however
        many stars the conference collects.
        """
        if not session_ids:
            return []
        rows: list[sqlite3.Row] = []
        ids = list(dict.fromkeys(session_ids))
        async with self._lock:
            for start in range(0, len(ids), 500):  # SQLite's variable limit, with room
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows += await self._all(
                    self._db,
                    f"""
                    SELECT s.user_id, s.session_id, p.user_id IS NOT NULL AS has_pref,
                           p.minutes_before
                    FROM stars AS s
                    LEFT JOIN reminder_prefs AS p ON p.user_id = s.user_id
                    LEFT JOIN users AS u ON u.user_id = s.user_id
                    WHERE s.session_id IN ({marks})
                      AND (p.user_id IS NULL OR p.minutes_before IS NOT NULL)
                      AND (u.user_id IS NULL OR u.blocked_at IS NULL)
                      AND NOT EXISTS (SELECT 1 FROM reminders_sent AS r
                                      WHERE r.user_id = s.user_id
                                        AND r.session_id = s.session_id)
                    ORDER BY s.user_id, s.session_id
                    """,
                    chunk,
                )
        return [
            ReminderCandidate(
                row["user_id"], row["session_id"], bool(row["has_pref"]), row["minutes_before"]
            )
            for row in rows
        ]

    async def claim_reminder(self, user_id: int, session_id: str, now: datetime) -> bool:
        """Record a reminder as sent *before* sending it; False if it already was.

        Claiming first is what makes "never twice" hold across crashes and across two
        processes: the price is that a crash between claim and send loses that one
        reminder, which is the better failure for a nudge.
        """
        return await self._changed(
            "INSERT INTO reminders_sent (user_id, session_id, sent_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, session_id) DO NOTHING",
            (user_id, session_id, _ts(now)),
        )
