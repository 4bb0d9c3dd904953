"""Maintenance: backups, retention (purging old questions) and reading back what the
organisers answered, to seed next year's FAQ."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import aiosqlite

from bot.storage.connection import Database, _ts, from_row
from bot.storage.questions import Question


class Maintenance(Database):
    """Whole-database operations for the command line, never on an attendee's path."""

    async def backup_to(self, target: str | Path) -> None:
        """A consistent copy of the whole database while the bot keeps writing.

        SQLite's online backup copies page by page under a read snapshot, so the copy is
        whole even if attendees are asking questions mid-backup. The copy is written next
        to the target and renamed, so an interrupted backup never leaves a broken file.
        """
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            async with aiosqlite.connect(partial) as copy, self._lock:
                await self._db.backup(copy)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)

    async def purge_before(self, cutoff: datetime) -> tuple[int, int]:
        """Delete attendees' questions, votes and chatter older than cutoff; count the first two.

        A VACUUM follows, so deleted text is gone from the file too, not only unlisted.
        """
        stamp = _ts(cutoff)
        async with self._write() as db:
            votes = await self._rowcount(
                db,
                "DELETE FROM votes WHERE voted_at < ? OR question_id IN "
                "(SELECT id FROM questions WHERE asked_at < ?)",
                (stamp, stamp),
            )
            questions = await self._rowcount(
                db, "DELETE FROM questions WHERE asked_at < ?", (stamp,)
            )
            await self._rowcount(db, "DELETE FROM chatter WHERE said_at < ?", (stamp,))
        async with self._lock:
            await self._db.execute("VACUUM")
        return questions, votes

    async def answered_by_organisers(self) -> list[Question]:
        """Questions an organiser answered, grouped by their key, oldest first in a group."""
        async with self._read() as db:
            rows = await self._all(
                db,
                "SELECT * FROM questions WHERE status = 'answered' AND answer_text IS NOT NULL "
                "ORDER BY normalized, asked_at, id",
            )
        return [from_row(Question, row) for row in rows]
