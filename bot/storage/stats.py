"""The organisers' /stats numbers: attendees, questions, what they got and how they voted.

Its own module because it reads across aggregates (users, questions, votes) from one
snapshot, so the numbers on the screen agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.announcements import AUDIENCE_ALL, _audience_query
from bot.storage.connection import Database

TOP_TARGETS = 10


@dataclass(frozen=True, slots=True)
class TargetCount:
    """How often one FAQ/agenda target was the answer an attendee got."""

    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class VoteTally:
    """Helpful / not helpful votes on one target."""

    key: str
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Numbers for the organisers' /stats view."""

    attendees: int
    subscribers: int
    questions: int
    decision_answer: int
    decision_suggest: int
    decision_none: int
    open: int
    top_targets: tuple[TargetCount, ...]  # most asked first, at most TOP_TARGETS
    votes: tuple[VoteTally, ...]  # most voted first
    learned_answers: int = 0  # questions a learned phrasing or entry answered
    # Passed to the organisers after a 👎 on the bot's answer (counted in decision_none too):
    # answers attendees said were wrong, the figure "a wrong answer is worse" watches.
    after_downvote: int = 0


class Statistics(Database):
    """Read-only figures over the whole database."""

    async def stats(self) -> Stats:
        """Everything /stats shows, read from one snapshot so the numbers agree."""
        async with self._read() as db:
            attendees = await self._scalar(db, "SELECT COUNT(*) FROM users")
            # The size of an 'all' announcement: the same filter, not a copy of it.
            audience, params = _audience_query(AUDIENCE_ALL)
            subscribers = await self._scalar(db, f"SELECT COUNT(*) FROM ({audience})", params)
            totals = await self._one(
                db,
                """
                SELECT COUNT(*) AS total,
                       SUM(decision = 'answer') AS answer,
                       SUM(decision = 'suggest') AS suggest,
                       SUM(decision = 'none') AS none,
                       SUM(status = 'open') AS open,
                       SUM(rejected_key IS NOT NULL) AS after_downvote
                FROM questions
                """,
            )
            # What the attendee ended up with: the suggestion they pressed, else the bot's
            # direct answer. Labels come from the newest question that had it as best match.
            targets = await self._all(
                db,
                """
                WITH hits AS (
                    SELECT COALESCE(
                        chosen_key,
                        CASE WHEN decision = 'answer' AND best_kind IS NOT NULL
                                  AND best_id IS NOT NULL
                             THEN best_kind || ':' || best_id END
                    ) AS key
                    FROM questions
                )
                SELECT key, COUNT(*) AS n,
                       (SELECT q.best_label FROM questions AS q
                        WHERE q.best_kind || ':' || q.best_id = hits.key
                          AND q.best_label IS NOT NULL
                        ORDER BY q.id DESC LIMIT 1) AS label
                FROM hits
                WHERE key IS NOT NULL
                GROUP BY key
                ORDER BY n DESC, key
                LIMIT ?
                """,
                (TOP_TARGETS,),
            )
            votes = await self._all(
                db,
                """
                SELECT target_key, SUM(value > 0) AS up, SUM(value < 0) AS down
                FROM votes
                GROUP BY target_key
                ORDER BY COUNT(*) DESC, target_key
                """,
            )
            learned_answers = await self._scalar(db, "SELECT COUNT(*) FROM learned_uses")
        assert totals is not None
        return Stats(
            learned_answers=learned_answers,
            attendees=attendees,
            subscribers=subscribers,
            questions=totals["total"] or 0,
            decision_answer=totals["answer"] or 0,
            decision_suggest=totals["suggest"] or 0,
            decision_none=totals["none"] or 0,
            open=totals["open"] or 0,
            after_downvote=totals["after_downvote"] or 0,
            top_targets=tuple(
                TargetCount(key=row["key"], label=row["label"] or row["key"], count=row["n"])
                for row in targets
            ),
            votes=tuple(
                VoteTally(key=row["target_key"], up=row["up"], down=row["down"]) for row in votes
            ),
        )
