"""What the bot learned: phrasings and entries taught by organisers or proposed by picks.

One table, `learned`, holds every phrasing with its entry, where it came from and its
state (active, proposed, rejected); `learned_pickers` the attendees whose picks made a
proposal (so /forget can take it back); `learned_uses` which questions a learned phrasing
answered (for /stats). The attendees' picks themselves are the `questions` rows whose
`chosen_key` they set, so nothing about a pick is stored twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.connection import Database, _ts, from_row

LearnedSource = Literal["organiser", "picks"]
LearnedStatus = Literal["active", "proposed", "rejected"]


@dataclass(frozen=True, slots=True)
class LearnedRow:
    """One learned phrasing (or, with `answer`, a learned entry whose question it is)."""

    id: int
    entry_id: str
    text: str
    normalized: str
    answer: str | None
    source: LearnedSource
    status: LearnedStatus
    taught_by: int | None  # the organiser who taught or approved it
    taught_by_name: str | None
    question_id: int | None
    pickers: int  # distinct attendees whose picks proposed it
    created_at: datetime
    decided_at: datetime | None

    @property
    def is_entry(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True, slots=True)
class NewLearned:
    entry_id: str
    text: str
    normalized: str
    source: LearnedSource
    status: LearnedStatus
    now: datetime
    answer: str | None = None
    taught_by: int | None = None
    taught_by_name: str | None = None
    question_id: int | None = None
    pickers: Sequence[int] = ()


@dataclass(frozen=True, slots=True)
class PickTally:
    """Attendees' picks of one entry for one wording (a grouping key)."""

    pickers: tuple[int, ...]  # distinct attendees who picked it and did not object
    blocked: bool  # one of them pressed "none of these" or 👎 for that wording
    wording: str  # the most recent picked wording, as asked


class Learning(Database):
    """The `learned`, `learned_pickers` and `learned_uses` tables."""

    async def add_learned(self, new: NewLearned) -> int:
        """Store a learned phrasing; teaching what was proposed or rejected makes it active.

        Returns its id. Committed before it returns: the bot acknowledges only then.
        """
        async with self._write() as db:
            existing = await self._one(
                db,
                "SELECT id FROM learned WHERE entry_id = ? AND normalized = ?",
                (new.entry_id, new.normalized),
            )
            if existing is not None:
                learned_id = int(existing[0])
                await db.execute(
                    """
                    UPDATE learned SET text = ?, answer = COALESCE(?, answer), source = ?,
                        status = ?, taught_by = ?, taught_by_name = ?,
                        question_id = COALESCE(?, question_id), decided_at = ?
                    WHERE id = ?
                    """,
                    (
                        new.text,
                        new.answer,
                        new.source,
                        new.status,
                        new.taught_by,
                        new.taught_by_name,
                        new.question_id,
                        _ts(new.now),
                        learned_id,
                    ),
                )
            else:
                learned_id = await self._insert(
                    db,
                    """
                    INSERT INTO learned (entry_id, text, normalized, answer, source, status,
                        taught_by, taught_by_name, question_id, pickers, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    (
                        new.entry_id,
                        new.text,
                        new.normalized,
                        new.answer,
                        new.source,
                        new.status,
                        new.taught_by,
                        new.taught_by_name,
                        new.question_id,
                        len(set(new.pickers)),
                        _ts(new.now),
                    ),
                )
            await db.executemany(
                "INSERT OR IGNORE INTO learned_pickers (learned_id, user_id) VALUES (?, ?)",
                [(learned_id, user) for user in sorted(set(new.pickers))],
            )
            return learned_id

    async def learned(self, *statuses: LearnedStatus) -> list[LearnedRow]:
        """Learned rows in these states (all when none given), newest first."""
        wanted = statuses or ("active", "proposed", "rejected")
        marks = ", ".join("?" * len(wanted))
        rows = await self._select(
            f"SELECT * FROM learned WHERE status IN ({marks}) ORDER BY id DESC", wanted
        )
        return [from_row(LearnedRow, row) for row in rows]

    async def get_learned(self, learned_id: int) -> LearnedRow | None:
        row = await self._select_one("SELECT * FROM learned WHERE id = ?", (learned_id,))
        return None if row is None else from_row(LearnedRow, row)

    async def learned_for(self, entry_id: str, normalized: str) -> LearnedRow | None:
        row = await self._select_one(
            "SELECT * FROM learned WHERE entry_id = ? AND normalized = ?", (entry_id, normalized)
        )
        return None if row is None else from_row(LearnedRow, row)

    async def learned_for_question(self, question_id: int) -> LearnedRow | None:
        """The learned entry taught from this question, if one was."""
        row = await self._select_one(
            "SELECT * FROM learned WHERE question_id = ? AND answer IS NOT NULL", (question_id,)
        )
        return None if row is None else from_row(LearnedRow, row)

    async def decide_learned(
        self,
        learned_id: int,
        status: LearnedStatus,
        organiser: int,
        name: str | None,
        now: datetime,
    ) -> bool:
        """Approve (active) or reject a proposal; False if it is no longer a proposal."""
        return await self._changed(
            """
            UPDATE learned SET status = ?, taught_by = ?, taught_by_name = ?, decided_at = ?
            WHERE id = ? AND status = 'proposed'
            """,
            (status, organiser, name, _ts(now), learned_id),
        )

    async def remove_learned(self, *learned_ids: int) -> int:
        """Delete learned rows (and their pickers and uses); how many there were."""
        if not learned_ids:
            return 0
        marks = ", ".join("?" * len(learned_ids))
        async with self._write() as db:
            await db.execute(
                f"DELETE FROM learned_pickers WHERE learned_id IN ({marks})", learned_ids
            )
            await db.execute(f"DELETE FROM learned_uses WHERE learned_id IN ({marks})", learned_ids)
            return await self._rowcount(
                db, f"DELETE FROM learned WHERE id IN ({marks})", learned_ids
            )

    async def withdraw_unapproved(self, entry_id: str, normalized: str) -> list[int]:
        """Drop a picks-made phrasing no organiser approved (its support is gone); its ids."""
        rows = await self._select(
            """
            SELECT id FROM learned
            WHERE entry_id = ? AND normalized = ? AND source = 'picks'
              AND taught_by IS NULL AND status IN ('active', 'proposed')
            """,
            (entry_id, normalized),
        )
        ids = [int(row[0]) for row in rows]
        await self.remove_learned(*ids)
        return ids

    async def pick_tally(self, entry_key: str, normalized: str) -> PickTally:
        """Who picked `entry_key` for this wording, and whether any of them objected.

        An objection is a 👎 on that entry for that wording, or "none of these" pressed
        on that wording (a suggested question left without a pick and sent on).
        """
        async with self._read() as db:
            rows = await self._all(
                db,
                """
                SELECT user_id, text FROM questions
                WHERE normalized = ? AND chosen_key = ? AND decision = 'suggest'
                ORDER BY id DESC
                """,
                (normalized, entry_key),
            )
            pickers = tuple(dict.fromkeys(int(row["user_id"]) for row in rows))
            if not pickers:
                return PickTally((), False, "")
            marks = ", ".join("?" * len(pickers))
            objections = await self._scalar(
                db,
                f"""
                SELECT COUNT(*) FROM questions AS q
                WHERE q.normalized = ? AND q.user_id IN ({marks}) AND (
                    (q.decision = 'suggest' AND q.chosen_key IS NULL AND q.status != 'suggested')
                    OR EXISTS (SELECT 1 FROM votes AS v WHERE v.question_id = q.id
                               AND v.value < 0 AND v.target_key = ?)
                )
                """,
                (normalized, *pickers, entry_key),
            )
        return PickTally(pickers, objections > 0, str(rows[0]["text"]))

    async def record_learned_use(self, question_id: int, learned_id: int) -> None:
        """A question answered through a learned phrasing (counted in /stats)."""
        await self._changed(
            "INSERT OR IGNORE INTO learned_uses (question_id, learned_id) VALUES (?, ?)",
            (question_id, learned_id),
        )

    async def learned_use_count(self) -> int:
        return await self._count("SELECT COUNT(*) FROM learned_uses")

    async def learned_uses_by_id(self) -> dict[int, int]:
        """How many questions each learned phrasing answered."""
        rows = await self._select(
            "SELECT learned_id, COUNT(*) FROM learned_uses GROUP BY learned_id"
        )
        return {int(row[0]): int(row[1]) for row in rows}
