"""Chatter: greetings, thanks, complaints and the rest of what attendees say that is not a
question. Kept apart from questions so the unanswered log holds only questions, while /stats
still counts chatter by kind and shows complaints to the organisers as feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.connection import Database, _ts, from_row


@dataclass(frozen=True, slots=True)
class NewChatter:
    """A chatter message to record (`Store.record_chatter`), with its kind."""

    user_id: int
    chat_id: int
    message_id: int
    kind: str
    text: str
    now: datetime


@dataclass(frozen=True, slots=True)
class Feedback:
    """A complaint an attendee sent ("you are useless"), for the organisers' /stats."""

    user_id: int
    text: str
    said_at: datetime


@dataclass(frozen=True, slots=True)
class ChatterStats:
    """Chatter by kind (most frequent first) and the latest complaints (newest first)."""

    by_kind: tuple[tuple[str, int], ...]
    feedback: int
    latest_feedback: tuple[Feedback, ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_kind)


FEEDBACK_KIND = "rudeness"


class Chatter(Database):
    """Recording chatter and reading it back for /stats."""

    async def record_chatter(self, chatter: NewChatter) -> int:
        """Store one chatter message with its kind; committed when this returns."""
        async with self._write() as db:
            return await self._insert(
                db,
                "INSERT INTO chatter (user_id, chat_id, message_id, kind, text, said_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    chatter.user_id,
                    chatter.chat_id,
                    chatter.message_id,
                    chatter.kind,
                    chatter.text,
                    _ts(chatter.now),
                ),
            )

    async def chatter_stats(self, latest: int = 3) -> ChatterStats:
        """Chatter counts by kind and the newest complaints, from one snapshot."""
        async with self._read() as db:
            kinds = await self._all(
                db, "SELECT kind, COUNT(*) AS n FROM chatter GROUP BY kind ORDER BY n DESC, kind"
            )
            rows = await self._all(
                db,
                "SELECT user_id, text, said_at FROM chatter WHERE kind = ? "
                "ORDER BY said_at DESC, id DESC LIMIT ?",
                (FEEDBACK_KIND, latest),
            )
        by_kind = tuple((str(row["kind"]), int(row["n"])) for row in kinds)
        return ChatterStats(
            by_kind=by_kind,
            feedback=dict(by_kind).get(FEEDBACK_KIND, 0),
            latest_feedback=tuple(from_row(Feedback, row) for row in rows),
        )
