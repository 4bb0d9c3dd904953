"""Attendees: who the bot knows, their language, whether announcements reach them, and
forgetting them on request."""

from __future__ import annotations

from datetime import datetime

from bot.storage.connection import Database, _ts

# Everything held about an attendee, child rows first. Sent/failed delivery rows stay (they
# are the broadcast's own record and hold no content from the attendee); pending ones go so
# the attendee is not messaged again.
_FORGET = (
    # A phrasing their picks proposed goes with them unless an organiser approved it.
    "DELETE FROM learned WHERE source = 'picks' AND taught_by IS NULL AND id IN "
    "(SELECT learned_id FROM learned_pickers WHERE user_id = ?)",
    "DELETE FROM learned_pickers WHERE user_id = ?",
    "DELETE FROM learned_uses WHERE question_id IN (SELECT id FROM questions WHERE user_id = ?)",
    "DELETE FROM votes WHERE user_id = ?",
    "DELETE FROM votes WHERE question_id IN (SELECT id FROM questions WHERE user_id = ?)",
    "DELETE FROM questions WHERE user_id = ?",
    "DELETE FROM chatter WHERE user_id = ?",
    "DELETE FROM stars WHERE user_id = ?",
    "DELETE FROM reminder_prefs WHERE user_id = ?",
    "DELETE FROM reminders_sent WHERE user_id = ?",
    "DELETE FROM deliveries WHERE user_id = ? AND status = 'pending'",
    "DELETE FROM live_votes WHERE user_id = ?",
    "DELETE FROM live_votes WHERE question_id IN (SELECT id FROM live_questions WHERE user_id = ?)",
    "DELETE FROM live_questions WHERE user_id = ?",
    "DELETE FROM feedback_ratings WHERE user_id = ?",
    "DELETE FROM feedback_owed WHERE user_id = ?",
    "DELETE FROM feedback_optout WHERE user_id = ?",
    "DELETE FROM users WHERE user_id = ?",
)

# Tables keyed by an attendee deliberately carry no foreign key to `users`: an update may be
# handled before (or without) `upsert_user`, and a stale button after `forget_user` must not
# crash a handler with an integrity error. `forget_user` deletes those rows explicitly.


class Attendees(Database):
    """The `users` table, and `forget_user` across every table keyed by an attendee."""

    async def upsert_user(
        self,
        user_id: int,
        first_name: str | None,
        username: str | None,
        language_code: str | None,
        now: datetime,
        *,
        subscribe_new: bool = True,
    ) -> bool:
        """Create the attendee or refresh their names; return True if newly created.

        Subscription is left alone for known attendees (only they change it). New ones are
        subscribed by default because event announcements (room changes, delays) are what
        attendees start a conference bot for. A returning attendee has evidently unblocked
        the bot, so `blocked_at` is cleared; they stay unsubscribed until they opt back in.
        """
        stamp = _ts(now)
        async with self._write() as db:
            existed = await self._one(db, "SELECT 1 FROM users WHERE user_id = ?", (user_id,))
            await db.execute(
                """
                INSERT INTO users (user_id, first_name, username, language_code, subscribed,
                                   created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    first_name = excluded.first_name,
                    username = excluded.username,
                    language_code = excluded.language_code,
                    updated_at = excluded.updated_at,
                    blocked_at = NULL
                """,
                (user_id, first_name, username, language_code, int(subscribe_new), stamp, stamp),
            )
        return existed is None

    async def set_subscribed(self, user_id: int, subscribed: bool, now: datetime) -> bool:
        """Opt in or out of announcements; False if the attendee is unknown.

        Subscribing clears `blocked_at`: the attendee is talking to the bot again.
        """
        return await self._changed(
            """
            UPDATE users
            SET subscribed = ?, updated_at = ?,
                blocked_at = CASE WHEN ? THEN NULL ELSE blocked_at END
            WHERE user_id = ?
            """,
            (int(subscribed), _ts(now), int(subscribed), user_id),
        )

    async def mark_blocked(self, user_id: int, now: datetime) -> bool:
        """Record that the attendee blocked the bot and stop sending them announcements."""
        stamp = _ts(now)
        return await self._changed(
            "UPDATE users SET subscribed = 0, blocked_at = ?, updated_at = ? WHERE user_id = ?",
            (stamp, stamp, user_id),
        )

    async def set_language(self, user_id: int, lang: str | None) -> bool:
        """Store the chosen UI language; None returns to following the Telegram client."""
        return await self._changed("UPDATE users SET lang = ? WHERE user_id = ?", (lang, user_id))

    async def user_languages(self) -> list[tuple[int, str | None, str | None]]:
        """(user_id, chosen language or None, client language_code) for every attendee.

        Loaded once at start so replies pick their language without a query each.
        """
        rows = await self._select(
            "SELECT user_id, lang, language_code FROM users "
            "WHERE lang IS NOT NULL OR language_code IS NOT NULL"
        )
        return [(int(row[0]), row[1], row[2]) for row in rows]

    async def forget_user(self, user_id: int) -> bool:
        """Delete everything held about an attendee, all or nothing; True if anything was."""
        removed = 0
        async with self._write() as db:
            for statement in _FORGET:
                removed += await self._rowcount(db, statement, (user_id,))
        return removed > 0
