"""Feedback after the session: who is owed a prompt, the prompt rounds, ratings, comments.

Why it is kept like this:
- A session is closed for feedback once (`feedback_sessions`, keyed by the session): its
  audience (starred it, or asked the speaker a question in it) is fixed in the same
  transaction, so a restart, or a session that ended while the bot was down, is asked
  once and never twice.
- A prompt is queued as a broadcast with audience 'feedback' whose deliveries carry their
  own text and buttons; the broadcast engine sends them paced and exactly once across
  crashes, like an announcement. Marking the owed rows as prompted happens in that same
  transaction, so a crash leaves either both or neither.
- A rating is a row under the primary key (attendee, session) and is only written when
  that attendee was prompted for that session: forged or repeated button presses are
  refused by the database, not by a read-modify-write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.connection import Database, _dt, _ts

AUDIENCE_FEEDBACK = "feedback"
RateOutcome = Literal["rated", "again", "not_asked"]

# Reachable attendees: no users row (they pressed a button without /start), or subscribed
# and not known to have blocked the bot; and not with feedback prompts turned off.
_REACHABLE = """
    (u.user_id IS NULL OR (u.subscribed = 1 AND u.blocked_at IS NULL))
    AND NOT EXISTS (SELECT 1 FROM feedback_optout AS f WHERE f.user_id = {who})
"""


@dataclass(frozen=True, slots=True)
class QueuedPrompt:
    """One attendee's prompt message: the sessions it asks about, its text and buttons."""

    user_id: int
    session_ids: tuple[str, ...]
    text: str
    markup: str  # the Bot API's reply_markup, as JSON


@dataclass(frozen=True, slots=True)
class Rating:
    """One attendee's rating of a session (no attendee id: organisers see it anonymous)."""

    session_id: str
    stars: int
    rated_at: datetime
    comment: str | None
    commented_at: datetime | None


@dataclass(frozen=True, slots=True)
class Asked:
    """How many attendees were prompted for a session, and how many still wait (2-hour rule)."""

    prompted: int = 0
    waiting: int = 0


def _rating(row: sqlite3.Row) -> Rating:
    rated_at = _dt(row["rated_at"])
    assert rated_at is not None
    return Rating(
        session_id=row["session_id"],
        stars=int(row["stars"]),
        rated_at=rated_at,
        comment=row["comment"],
        commented_at=_dt(row["commented_at"]),
    )


class FeedbackPrompts(Database):
    """The `feedback_sessions`, `feedback_owed`, `feedback_ratings` and `feedback_optout`
    tables, and the prompt rounds' broadcasts."""

    async def feedback_closed(self) -> set[str]:
        """Sessions already closed for feedback (their audience is fixed)."""
        rows = await self._select("SELECT session_id FROM feedback_sessions")
        return {str(row[0]) for row in rows}

    async def close_for_feedback(
        self, ask: Sequence[str], skip: Sequence[str], now: datetime
    ) -> dict[str, int]:
        """Close ended sessions: for those in `ask`, fix who is owed a prompt.

        `skip` are closed without asking anyone (ended too long ago, or a break). One
        transaction; a session already closed is left alone. Returns, for each session
        closed here, how many attendees are owed a prompt.
        """
        stamp = _ts(now)
        closed: dict[str, int] = {}
        async with self._write() as db:
            for session_id in skip:
                if await self._rowcount(
                    db,
                    "INSERT INTO feedback_sessions (session_id, closed_at, asked) VALUES (?, ?, 0) "
                    "ON CONFLICT (session_id) DO NOTHING",
                    (session_id, stamp),
                ):
                    closed[session_id] = 0
            for session_id in ask:
                if not await self._rowcount(
                    db,
                    "INSERT INTO feedback_sessions (session_id, closed_at, asked) VALUES (?, ?, 0) "
                    "ON CONFLICT (session_id) DO NOTHING",
                    (session_id, stamp),
                ):
                    continue
                owed = await self._rowcount(
                    db,
                    f"""
                    INSERT INTO feedback_owed (user_id, session_id, owed_at)
                    SELECT a.user_id, ?, ? FROM (
                        SELECT user_id FROM stars WHERE session_id = ?
                        UNION SELECT user_id FROM live_questions WHERE session_id = ?
                    ) AS a
                    LEFT JOIN users AS u ON u.user_id = a.user_id
                    WHERE {_REACHABLE.format(who="a.user_id")}
                    ON CONFLICT (user_id, session_id) DO NOTHING
                    """,
                    (session_id, stamp, session_id, session_id),
                )
                await db.execute(
                    "UPDATE feedback_sessions SET asked = ? WHERE session_id = ?",
                    (owed, session_id),
                )
                closed[session_id] = owed
        return closed

    async def feedback_due(self, last_prompt_before: datetime) -> dict[int, list[str]]:
        """Owed sessions not yet prompted, of attendees whose last prompt was queued at or
        before `last_prompt_before` (or never): attendee -> session ids, oldest owed first."""
        rows = await self._select(
            f"""
            SELECT o.user_id, o.session_id FROM feedback_owed AS o
            LEFT JOIN users AS u ON u.user_id = o.user_id
            WHERE o.prompted_at IS NULL AND {_REACHABLE.format(who="o.user_id")}
              AND NOT EXISTS (SELECT 1 FROM feedback_owed AS p
                              WHERE p.user_id = o.user_id AND p.prompted_at > ?)
            ORDER BY o.user_id, o.owed_at, o.session_id
            """,
            (_ts(last_prompt_before),),
        )
        due: dict[int, list[str]] = {}
        for row in rows:
            due.setdefault(int(row[0]), []).append(str(row[1]))
        return due

    async def queue_feedback_prompts(
        self, prompts: Sequence[QueuedPrompt], now: datetime, *, created_by: int = 0
    ) -> tuple[int | None, int]:
        """Hand prompts to the broadcast engine: (the round's broadcast id, deliveries).

        One transaction: the broadcast starts 'sending' with one delivery per attendee
        (own text and buttons), and their owed sessions are marked prompted. A session
        prompted meanwhile (a second process) drops that attendee's prompt.
        """
        stamp = _ts(now)
        async with self._write() as db:
            summary = f"Feedback prompts: {len(prompts)} attendee(s)"
            broadcast_id = await self._insert(
                db,
                "INSERT INTO broadcasts (created_by, created_at, text, parse_mode, audience, "
                "status, started_at) VALUES (?, ?, ?, 'HTML', ?, 'sending', ?)",
                (created_by, stamp, summary, AUDIENCE_FEEDBACK, stamp),
            )
            queued = 0
            for prompt in prompts:
                marks = ", ".join("?" for _ in prompt.session_ids)
                marked = await self._rowcount(
                    db,
                    "UPDATE feedback_owed SET prompted_at = ?, broadcast_id = ? "
                    f"WHERE user_id = ? AND prompted_at IS NULL AND session_id IN ({marks})",
                    (stamp, broadcast_id, prompt.user_id, *prompt.session_ids),
                )
                if marked != len(prompt.session_ids):
                    continue
                await db.execute(
                    "INSERT INTO deliveries (broadcast_id, user_id, status, attempts, "
                    "updated_at, text, markup) VALUES (?, ?, 'pending', 0, ?, ?, ?)",
                    (broadcast_id, prompt.user_id, stamp, prompt.text, prompt.markup),
                )
                queued += 1
            if queued == 0:
                await db.execute("DELETE FROM broadcasts WHERE id = ?", (broadcast_id,))
                return None, 0
        return broadcast_id, queued

    async def was_prompted(self, user_id: int, session_id: str) -> bool:
        return (
            await self._count(
                "SELECT COUNT(*) FROM feedback_owed WHERE user_id = ? AND session_id = ? "
                "AND prompted_at IS NOT NULL",
                (user_id, session_id),
            )
            > 0
        )

    async def set_feedback_prompts(self, user_id: int, on: bool, now: datetime) -> bool:
        """Turn an attendee's prompts on or off; True if that changed anything.

        Off also drops the prompts still waiting for them (turning on again does not bring
        back old sessions).
        """
        async with self._write() as db:
            if on:
                return (
                    await self._rowcount(
                        db, "DELETE FROM feedback_optout WHERE user_id = ?", (user_id,)
                    )
                    > 0
                )
            changed = await self._rowcount(
                db,
                "INSERT INTO feedback_optout (user_id, since) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO NOTHING",
                (user_id, _ts(now)),
            )
            await db.execute(
                "DELETE FROM feedback_owed WHERE user_id = ? AND prompted_at IS NULL", (user_id,)
            )
        return changed > 0

    async def feedback_prompts_on(self, user_id: int) -> bool:
        return (
            await self._count("SELECT COUNT(*) FROM feedback_optout WHERE user_id = ?", (user_id,))
            == 0
        )

    async def rate_session(
        self, user_id: int, session_id: str, stars: int, now: datetime, comment_until: datetime
    ) -> tuple[RateOutcome, int | None]:
        """Store a rating of 1–5; (outcome, the stars now stored or None).

        'again' if the attendee had rated it already (the first rating stays), 'not_asked'
        if they were never prompted for it (forged or stale buttons).
        """
        if not 1 <= stars <= 5:
            return "not_asked", None
        async with self._write() as db:
            added = await self._rowcount(
                db,
                """
                INSERT INTO feedback_ratings (user_id, session_id, stars, rated_at, comment_until)
                SELECT ?, ?, ?, ?, ? WHERE EXISTS (
                    SELECT 1 FROM feedback_owed
                    WHERE user_id = ? AND session_id = ? AND prompted_at IS NOT NULL)
                ON CONFLICT (user_id, session_id) DO NOTHING
                """,
                (user_id, session_id, stars, _ts(now), _ts(comment_until), user_id, session_id),
            )
            if added:
                return "rated", stars
            row = await self._one(
                db,
                "SELECT stars FROM feedback_ratings WHERE user_id = ? AND session_id = ?",
                (user_id, session_id),
            )
        return ("again", int(row[0])) if row is not None else ("not_asked", None)

    async def my_rating(self, user_id: int, session_id: str) -> int | None:
        row = await self._select_one(
            "SELECT stars FROM feedback_ratings WHERE user_id = ? AND session_id = ?",
            (user_id, session_id),
        )
        return int(row[0]) if row is not None else None

    async def comment_on_rating(
        self, user_id: int, session_id: str, comment: str, now: datetime
    ) -> bool:
        """Add the optional comment while its window is open; False if it is not."""
        return await self._changed(
            "UPDATE feedback_ratings SET comment = ?, commented_at = ?, comment_until = NULL "
            "WHERE user_id = ? AND session_id = ? AND comment IS NULL AND comment_until >= ?",
            (comment, _ts(now), user_id, session_id, _ts(now)),
        )

    async def withdraw_comment(self, user_id: int, session_id: str) -> bool:
        """The attendee's "that was not a comment": the comment goes, the rating stays."""
        return await self._changed(
            "UPDATE feedback_ratings SET comment = NULL, commented_at = NULL "
            "WHERE user_id = ? AND session_id = ? AND comment IS NOT NULL",
            (user_id, session_id),
        )

    async def close_comment(self, user_id: int, session_id: str) -> bool:
        """No comment after all (Skip): the next message is a question for the bot again."""
        return await self._changed(
            "UPDATE feedback_ratings SET comment_until = NULL "
            "WHERE user_id = ? AND session_id = ? AND comment_until IS NOT NULL",
            (user_id, session_id),
        )

    async def open_comments(self, now: datetime) -> list[tuple[int, str, datetime]]:
        """(attendee, session, until) for every comment window still open: loaded once
        after a restart, so a comment sent then is not taken for a question."""
        rows = await self._select(
            "SELECT user_id, session_id, comment_until FROM feedback_ratings "
            "WHERE comment_until IS NOT NULL AND comment_until >= ? ORDER BY comment_until",
            (_ts(now),),
        )
        return [(int(r[0]), str(r[1]), datetime.fromisoformat(r[2])) for r in rows]

    async def feedback_ratings(self, session_id: str | None = None) -> list[Rating]:
        """Every rating (of one session, or all), oldest first."""
        where, params = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
        rows = await self._select(
            "SELECT session_id, stars, rated_at, comment, commented_at FROM feedback_ratings "
            f"{where} ORDER BY rated_at, session_id",
            params,
        )
        return [_rating(row) for row in rows]

    async def feedback_asked(self) -> dict[str, Asked]:
        """Per closed session: attendees prompted, and those still waiting for a prompt."""
        async with self._read() as db:
            closed = await self._all(db, "SELECT session_id FROM feedback_sessions")
            counts = await self._all(
                db,
                "SELECT session_id, COUNT(prompted_at), COUNT(*) - COUNT(prompted_at) "
                "FROM feedback_owed GROUP BY session_id",
            )
        asked = {str(row[0]): Asked() for row in closed}
        for row in counts:
            asked[str(row[0])] = Asked(int(row[1]), int(row[2]))
        return asked
