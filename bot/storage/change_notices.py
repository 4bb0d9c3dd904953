"""Change notices: announcements with one text per attendee, and the programme baseline.

A change notice is a broadcast with audience 'changes'. Its deliveries are written with the
draft, each with the attendee's own text (their changed sessions, their language), so what
an organiser previews is exactly what goes out; Send only moves it to 'sending'. From there
the broadcast engine treats it like any announcement: paced, one row per attendee,
exactly once across crashes.

`programme_baseline` (in `settings`) is the programme attendees were last told about. It
moves forward, in the same transaction as the status change, when a notice is sent or
cancelled by an organiser (they chose not to tell), or directly when a change touches
nobody. A notice that a newer change supersedes is withdrawn without moving it, so the
newer notice still covers the older changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

import aiosqlite

from bot.storage.connection import Database, _ts

AUDIENCE_CHANGES = "changes"
BASELINE_KEY = "programme_baseline"


async def settle_notice(db: aiosqlite.Connection, broadcast_id: int, *, sending: bool) -> None:
    """Inside a status change of a change notice: move the baseline to its programme.

    On sending, the notice's cancelled sessions are unstarred too (their attendees are told
    why in the notice itself), and attendees who have since stopped announcements or
    blocked the bot are dropped from it. A broadcast that is not a change notice is left
    alone.
    """
    rows = await db.execute_fetchall(
        "SELECT programme, cancelled FROM change_notices WHERE broadcast_id = ?", (broadcast_id,)
    )
    row = next(iter(rows), None)
    if row is None:
        return
    await db.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (BASELINE_KEY, row[0]),
    )
    if not sending:
        return
    await db.execute(
        "DELETE FROM deliveries WHERE broadcast_id = ? AND status = 'pending' AND user_id IN "
        "(SELECT user_id FROM users WHERE subscribed = 0 OR blocked_at IS NOT NULL)",
        (broadcast_id,),
    )
    for session_id in json.loads(row[1]):
        await db.execute("DELETE FROM stars WHERE session_id = ?", (session_id,))


class ChangeNotices(Database):
    """The `change_notices` table, the per-attendee deliveries, and the baseline."""

    async def programme_baseline(self) -> str | None:
        """The JSON programme attendees were last told about, or None before the first."""
        row = await self._select_one("SELECT value FROM settings WHERE key = ?", (BASELINE_KEY,))
        return None if row is None else str(row[0])

    async def starrers(self, session_ids: Sequence[str]) -> dict[int, list[str]]:
        """Subscribed, reachable attendees who starred any of these: user -> session ids."""
        found: dict[int, list[str]] = {}
        ids = list(dict.fromkeys(session_ids))
        async with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows = await self._all(
                    self._db,
                    "SELECT s.user_id, s.session_id FROM stars AS s "
                    "JOIN users AS u ON u.user_id = s.user_id "
                    f"WHERE s.session_id IN ({marks}) AND u.subscribed = 1 "
                    "AND u.blocked_at IS NULL ORDER BY s.user_id, s.starred_at, s.session_id",
                    chunk,
                )
                for row in rows:
                    found.setdefault(int(row[0]), []).append(str(row[1]))
        return found

    async def replace_change_notice(
        self,
        *,
        created_by: int,
        summary: str,
        programme: str,
        cancelled: Sequence[str],
        texts: Mapping[int, str],
        now: datetime,
    ) -> tuple[int | None, list[int]]:
        """Withdraw unsent notices and store the new one; (its id, the withdrawn ids).

        With no attendee to tell (`texts` empty) no notice is stored: the baseline moves
        to `programme` and the cancelled sessions' stars go at once. One transaction either
        way, so a crash leaves the old notice or the new one, never both or neither.
        """
        stamp = _ts(now)
        async with self._write() as db:
            drafts = await self._all(
                db,
                "SELECT b.id FROM broadcasts AS b JOIN change_notices AS c "
                "ON c.broadcast_id = b.id WHERE b.status = 'draft' ORDER BY b.id",
            )
            withdrawn = [int(row[0]) for row in drafts]
            for broadcast_id in withdrawn:
                # The row goes first: a superseded notice must not move the baseline.
                await db.execute(
                    "DELETE FROM change_notices WHERE broadcast_id = ?", (broadcast_id,)
                )
                await db.execute(
                    "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?",
                    (stamp, broadcast_id),
                )
                await db.execute(
                    "DELETE FROM deliveries WHERE broadcast_id = ? AND status = 'pending'",
                    (broadcast_id,),
                )
            if not texts:
                await db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (BASELINE_KEY, programme),
                )
                for session_id in cancelled:
                    await db.execute("DELETE FROM stars WHERE session_id = ?", (session_id,))
                return None, withdrawn
            broadcast_id = await self._insert(
                db,
                "INSERT INTO broadcasts (created_by, created_at, text, parse_mode, audience, "
                "status) VALUES (?, ?, ?, 'HTML', ?, 'draft')",
                (created_by, stamp, summary, AUDIENCE_CHANGES),
            )
            await db.execute(
                "INSERT INTO change_notices (broadcast_id, programme, cancelled) VALUES (?, ?, ?)",
                (broadcast_id, programme, json.dumps(list(cancelled))),
            )
            await db.executemany(
                "INSERT INTO deliveries (broadcast_id, user_id, status, attempts, updated_at, "
                "text) VALUES (?, ?, 'pending', 0, ?, ?)",
                [(broadcast_id, user_id, stamp, text) for user_id, text in sorted(texts.items())],
            )
        return broadcast_id, withdrawn

    async def set_programme_baseline(self, programme: str) -> None:
        """The programme attendees are now up to date with (first start; no-op changes)."""
        await self._changed(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (BASELINE_KEY, programme),
        )

    async def is_change_notice(self, broadcast_id: int) -> bool:
        return (
            await self._count(
                "SELECT COUNT(*) FROM broadcasts WHERE id = ? AND audience = ?",
                (broadcast_id, AUDIENCE_CHANGES),
            )
            > 0
        )
