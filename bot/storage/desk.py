"""The organisers' desk (bot.web): the question log grouped by status, questions per hour.

Kept apart from `questions` because these are the Mini App's read models: one query each,
so the desk stays fast with thousands of logged questions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.matching.decision import Decision
from bot.storage.connection import Database, _dt
from bot.storage.questions import RejectedAnswer, rejected_answers

DeskStatus = Literal["open", "answered", "dismissed"]


@dataclass(frozen=True, slots=True)
class DeskGroup:
    """Near-identical questions with one status, for the desk (newest member's wording)."""

    question_id: int  # the newest member: answering it answers the open group
    text: str
    count: int
    askers: int
    newest_asked_at: datetime
    answer_text: str | None
    answered_at: datetime | None
    # Answers members were passed on after a 👎 with (the desk marks the group so).
    rejected: tuple[RejectedAnswer, ...] = ()


class Desk(Database):
    async def desk_groups(self, status: DeskStatus, limit: int = 200) -> list[DeskGroup]:
        """Questions with this status grouped by normalized key, newest group first.

        SQLite returns the bare columns of the row holding MAX(asked_at), so the newest
        wording and its id come with the counts in one pass over the status index. The
        members passed on after a 👎 come from a second query over the same status (few
        rows: only those with a rejected answer), so the groups they belong to are marked.
        """
        if status not in ("open", "answered", "dismissed"):
            raise ValueError(f"unknown desk status {status!r}")
        rows = await self._select(
            """
            SELECT id, normalized, text, answer_text, answered_at, MAX(asked_at) AS newest,
                   COUNT(*) AS n, COUNT(DISTINCT user_id) AS askers
            FROM questions WHERE status = ?
            GROUP BY normalized
            ORDER BY newest DESC, id DESC
            LIMIT ?
            """,
            (status, limit),
        )
        marked = await self._select(
            "SELECT normalized, rejected_key, best_kind, best_id, best_label FROM questions "
            "WHERE status = ? AND rejected_key IS NOT NULL ORDER BY asked_at DESC, id DESC",
            (status,),
        )
        by_group: dict[str, list[sqlite3.Row]] = {}
        for row in marked:
            by_group.setdefault(row["normalized"], []).append(row)
        return [
            DeskGroup(
                question_id=row["id"],
                text=row["text"],
                count=row["n"],
                askers=row["askers"],
                newest_asked_at=datetime.fromisoformat(row["newest"]),
                answer_text=row["answer_text"],
                answered_at=_dt(row["answered_at"]),
                rejected=rejected_answers(by_group.get(row["normalized"], ())),
            )
            for row in rows
        ]

    async def desk_log(self) -> list[tuple[object, ...]]:
        """Every question as the export's columns (bot.export.COLUMNS), oldest first.

        Plain tuples straight from SQL: the desk's CSV of thousands of questions must not
        pay for a dataclass and date parsing per row only to print them again.
        """
        rows = await self._select(
            """
            SELECT id, asked_at, user_id, text, status, decision, best_label,
                   CASE WHEN best_kind IS NOT NULL AND best_id IS NOT NULL
                        THEN best_kind || ':' || best_id END,
                   score, answer_text, answered_at, rejected_key
            FROM questions ORDER BY id
            """
        )
        return [tuple(row) for row in rows]

    async def questions_per_hour(self) -> list[tuple[datetime, Decision, int]]:
        """(UTC hour, decision, count) for every hour with questions, oldest first."""
        rows = await self._select(
            "SELECT substr(asked_at, 1, 13) AS hour, decision, COUNT(*) FROM questions "
            "GROUP BY hour, decision ORDER BY hour"
        )
        return [
            (datetime.fromisoformat(row[0] + ":00:00+00:00"), row[1], int(row[2])) for row in rows
        ]
