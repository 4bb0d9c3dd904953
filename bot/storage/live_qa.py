"""Live Q&A: attendees' questions to a session's speaker, their upvotes, and the
moderators' live list messages.

Kept apart from `questions` (the questions for the bot) on purpose: a question to the
speaker is never matched against the FAQ and never enters the unanswered log. Every
change is committed before the handler replies, so nothing is lost on a restart.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.connection import Database, _dt, _ts

LiveStatus = Literal["open", "answered", "hidden"]


@dataclass(frozen=True, slots=True)
class LiveQuestion:
    """A question to the speaker with its vote count (as of the read)."""

    id: int
    session_id: str
    user_id: int
    asker_name: str
    show_name: bool
    text: str
    asked_at: datetime
    status: LiveStatus
    pinned: bool
    votes: int


@dataclass(frozen=True, slots=True)
class LivePanel:
    """A moderator's live list message, edited as questions and votes arrive."""

    session_id: str
    chat_id: int
    message_id: int
    page: int
    lang: str


_SELECT = """
SELECT q.id, q.session_id, q.user_id, q.asker_name, q.show_name, q.text, q.asked_at,
       q.status, q.pinned,
       (SELECT COUNT(*) FROM live_votes AS v WHERE v.question_id = q.id) AS votes
FROM live_questions AS q
"""


def _question(row: sqlite3.Row) -> LiveQuestion:
    asked_at = _dt(row["asked_at"])
    assert asked_at is not None
    return LiveQuestion(
        id=int(row["id"]),
        session_id=row["session_id"],
        user_id=int(row["user_id"]),
        asker_name=row["asker_name"],
        show_name=bool(row["show_name"]),
        text=row["text"],
        asked_at=asked_at,
        status=row["status"],
        pinned=bool(row["pinned"]),
        votes=int(row["votes"]),
    )


class LiveQa(Database):
    """The `live_questions`, `live_votes` and `live_panels` tables."""

    async def add_live_question(
        self, session_id: str, user_id: int, asker_name: str, text: str, now: datetime
    ) -> int:
        """Store a question to the speaker (anonymous until the asker shows the name)."""
        async with self._write() as db:
            return await self._insert(
                db,
                "INSERT INTO live_questions (session_id, user_id, asker_name, text, asked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (session_id, user_id, asker_name, text, _ts(now)),
            )

    async def live_question(self, question_id: int) -> LiveQuestion | None:
        row = await self._select_one(_SELECT + "WHERE q.id = ?", (question_id,))
        return _question(row) if row is not None else None

    async def live_questions(self, session_id: str) -> list[LiveQuestion]:
        """Every question of a session, hidden ones included (callers filter and rank)."""
        rows = await self._select(_SELECT + "WHERE q.session_id = ? ORDER BY q.id", (session_id,))
        return [_question(row) for row in rows]

    async def asker_activity(self, user_id: int, session_id: str) -> tuple[int, datetime | None]:
        """(open questions in this session, when the attendee last asked in any session)."""
        async with self._read() as db:
            open_count = await self._scalar(
                db,
                "SELECT COUNT(*) FROM live_questions "
                "WHERE user_id = ? AND session_id = ? AND status = 'open'",
                (user_id, session_id),
            )
            row = await self._one(
                db, "SELECT MAX(asked_at) FROM live_questions WHERE user_id = ?", (user_id,)
            )
        return open_count, _dt(row[0]) if row is not None else None

    async def show_live_name(self, question_id: int, user_id: int, show: bool) -> bool:
        """The asker (only) chooses whether their name is shown; True if it changed."""
        return await self._changed(
            "UPDATE live_questions SET show_name = ? WHERE id = ? AND user_id = ?",
            (int(show), question_id, user_id),
        )

    async def toggle_live_vote(self, question_id: int, user_id: int, now: datetime) -> bool | None:
        """Add the attendee's vote, or take it back if they had voted; None if refused.

        Refused: the question is gone, hidden, answered, or the voter's own. The primary
        key (question, voter) makes a second concurrent vote a no-op in the database.
        """
        async with self._write() as db:
            row = await self._one(
                db, "SELECT user_id, status FROM live_questions WHERE id = ?", (question_id,)
            )
            if row is None or row["status"] != "open" or int(row["user_id"]) == user_id:
                return None
            removed = await self._rowcount(
                db,
                "DELETE FROM live_votes WHERE question_id = ? AND user_id = ?",
                (question_id, user_id),
            )
            if removed:
                return False
            await db.execute(
                "INSERT INTO live_votes (question_id, user_id, voted_at) VALUES (?, ?, ?) "
                "ON CONFLICT (question_id, user_id) DO NOTHING",
                (question_id, user_id, _ts(now)),
            )
        return True

    async def live_voted(self, session_id: str, user_id: int) -> set[int]:
        """The questions of a session this attendee upvoted."""
        rows = await self._select(
            "SELECT v.question_id FROM live_votes AS v "
            "JOIN live_questions AS q ON q.id = v.question_id "
            "WHERE q.session_id = ? AND v.user_id = ?",
            (session_id, user_id),
        )
        return {int(row[0]) for row in rows}

    async def moderate_live(self, question_id: int, action: str, now: datetime) -> bool:
        """answered / hide / pin (pin again unpins); True if the question changed."""
        if action == "pin":
            sql = (
                "UPDATE live_questions SET pinned = 1 - pinned, changed_at = ? "
                "WHERE id = ? AND status = 'open'"
            )
        elif action in ("answered", "hidden"):
            sql = (
                f"UPDATE live_questions SET status = '{action}', pinned = 0, changed_at = ? "
                "WHERE id = ? AND status = 'open'"
            )
        else:
            raise ValueError(f"unknown moderation {action!r}")
        return await self._changed(sql, (_ts(now), question_id))

    async def add_live_panel(self, panel: LivePanel) -> None:
        await self._changed(
            "INSERT INTO live_panels (session_id, chat_id, message_id, page, lang) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) "
            "DO UPDATE SET page = excluded.page, lang = excluded.lang",
            (panel.session_id, panel.chat_id, panel.message_id, panel.page, panel.lang),
        )

    async def live_panels(self, session_id: str) -> list[LivePanel]:
        rows = await self._select(
            "SELECT session_id, chat_id, message_id, page, lang FROM live_panels "
            "WHERE session_id = ? ORDER BY chat_id, message_id",
            (session_id,),
        )
        return [LivePanel(r[0], int(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows]

    async def drop_live_panel(self, chat_id: int, message_id: int) -> None:
        await self._changed(
            "DELETE FROM live_panels WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
