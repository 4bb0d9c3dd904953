"""Questions and votes: what attendees asked, what the bot and the organisers did about it,
and whether the answer helped."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from bot.matching.decision import Decision
from bot.storage.connection import Database, _ts, from_row

QuestionStatus = Literal["answered_by_bot", "suggested", "open", "answered", "dismissed"]
ExportStatus = Literal["open", "all"]

# Questions per multi-row INSERT: 12 parameters each stays far below SQLite's limit of
# 32766 bound parameters per statement.
_ROWS_PER_INSERT = 500

# Status a freshly recorded question gets from the matcher's decision: an answer is done, a
# suggestion waits for the attendee's button, and no match goes straight to the organisers.
# An attendee's handoffs ("talk to a human") are stored as open questions under one key per
# attendee: organisers see and answer them in the same loop, a second one while the first is
# open is a repeat, and they never group with other attendees' questions.
_HANDOFF_PREFIX = "handoff:"


def handoff_key(user_id: int) -> str:
    """The grouping key of an attendee's handoffs to the organisers."""
    return f"{_HANDOFF_PREFIX}{user_id}"


_STATUS_FOR_DECISION: dict[str, QuestionStatus] = {
    "answer": "answered_by_bot",
    "suggest": "suggested",
    "none": "open",
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question an attendee sent, with what the bot and the organisers did about it."""

    id: int
    user_id: int
    chat_id: int
    message_id: int
    text: str
    normalized: str
    asked_at: datetime
    decision: Decision
    best_kind: str | None
    best_id: str | None
    best_label: str | None
    score: float | None
    status: QuestionStatus
    chosen_key: str | None
    organiser_post_chat_id: int | None
    organiser_post_message_id: int | None
    answer_text: str | None
    answered_at: datetime | None
    answered_by: int | None
    # The answer the attendee rejected (👎, then "Ask the organisers"), as a 'kind:id' key.
    rejected_key: str | None = None
    # When they passed it on (the repeat window after a rejection starts here).
    rejected_at: datetime | None = None

    @property
    def best_key(self) -> str | None:
        """The matcher's best target as the 'kind:id' key the rest of the bot uses."""
        if self.best_kind is None or self.best_id is None:
            return None
        return f"{self.best_kind}:{self.best_id}"


@dataclass(frozen=True, slots=True)
class Rejection:
    """An answer an attendee rejected and passed on (👎, "Ask the organisers"), still open.

    `key` is the rejected entry ('faq:wifi'), `normalized` the grouping key of the question
    it answered (`bot.etiquette.withhold_rejected` needs both), `at` when it was passed on.
    """

    user_id: int
    key: str
    normalized: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NewQuestion:
    """A question to record (`Store.record_questions`); status follows from the decision."""

    user_id: int
    chat_id: int
    message_id: int
    text: str
    normalized: str
    decision: Decision
    now: datetime
    best_kind: str | None = None
    best_id: str | None = None
    best_label: str | None = None
    score: float | None = None
    status: QuestionStatus | None = None


@dataclass(frozen=True, slots=True)
class RejectedAnswer:
    """An answer shown to the organisers as one an attendee passed on after a 👎.

    `stored_label` is the label kept with the question when that entry was the bot's best
    match: the entry may have been reloaded away since, and its label should still show.
    """

    key: str
    stored_label: str | None


def rejected_answers(rows: Iterable[sqlite3.Row]) -> tuple[RejectedAnswer, ...]:
    """The distinct rejected answers among question rows (with `rejected_key`, `best_kind`,
    `best_id`, `best_label`), in the rows' order."""
    found: dict[str, RejectedAnswer] = {}
    for row in rows:
        key = row["rejected_key"]
        if key is None or key in found:
            continue
        best = f"{row['best_kind']}:{row['best_id']}" if row["best_kind"] else None
        found[key] = RejectedAnswer(key, row["best_label"] if best == key else None)
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Open questions sharing a normalized key, so organisers answer a repeat only once."""

    normalized: str
    representative_id: int  # the newest member
    text: str  # the newest member's wording
    count: int  # number of open questions in the group
    question_ids: tuple[int, ...]  # newest first
    user_ids: tuple[int, ...]  # distinct askers, newest first
    newest_asked_at: datetime
    # Answers members were passed on after a 👎 with (/unanswered marks the group so).
    rejected: tuple[RejectedAnswer, ...] = ()


class Questions(Database):
    """The `questions` and `votes` tables."""

    async def record_questions(self, questions: Sequence[NewQuestion]) -> list[int]:
        """Store several questions in one transaction; their ids, in order.

        One commit and, for a batch of up to `_ROWS_PER_INSERT` questions, a single round
        trip to the database thread: one multi-row INSERT ... RETURNING, which autocommit
        makes its own transaction (see `_write`). Under a burst the bot records what arrived
        while the previous batch was committing (see bot.question_log). The ids come back
        sorted: AUTOINCREMENT hands them out in VALUES order within the statement.
        """
        rows: list[tuple[object, ...]] = []
        for q in questions:
            if q.decision not in _STATUS_FOR_DECISION:
                raise ValueError(f"unknown decision {q.decision!r}")
            rows.append(
                (
                    q.user_id,
                    q.chat_id,
                    q.message_id,
                    q.text,
                    q.normalized,
                    _ts(q.now),
                    q.decision,
                    q.best_kind,
                    q.best_id,
                    q.best_label,
                    q.score,
                    q.status or _STATUS_FOR_DECISION[q.decision],
                )
            )
        if not rows:
            return []
        if len(rows) <= _ROWS_PER_INSERT:
            async with self._write(one_statement=True) as db:
                return await self._insert_questions(db, rows)
        ids: list[int] = []
        async with self._write() as db:
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                ids += await self._insert_questions(db, rows[start : start + _ROWS_PER_INSERT])
        return ids

    async def _insert_questions(
        self, db: aiosqlite.Connection, rows: Sequence[tuple[object, ...]]
    ) -> list[int]:
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
        found = await db.execute_fetchall(
            f"""
            INSERT INTO questions (user_id, chat_id, message_id, text, normalized, asked_at,
                                   decision, best_kind, best_id, best_label, score, status)
            VALUES {values}
            RETURNING id
            """,
            [value for row in rows for value in row],
        )
        return sorted(int(row[0]) for row in found)

    async def get_question(self, question_id: int) -> Question | None:
        """One question by id (None after `forget_user` removed it: buttons can be stale)."""
        row = await self._select_one("SELECT * FROM questions WHERE id = ?", (question_id,))
        return None if row is None else from_row(Question, row)

    async def set_chosen(
        self, question_id: int, key: str, status: QuestionStatus = "answered_by_bot"
    ) -> bool:
        """Record which suggestion the attendee pressed.

        An organiser's answer or dismissal is final, so those questions are left alone;
        returns False then (or if the question is gone).
        """
        return await self._changed(
            "UPDATE questions SET chosen_key = ?, status = ? "
            "WHERE id = ? AND status NOT IN ('answered', 'dismissed')",
            (key, status, question_id),
        )

    async def mark_unanswered(self, question_id: int) -> bool:
        """The attendee pressed "None of these": send the question to the organisers.

        Returns True only on the transition into 'open', so a double press does not post
        the question to the organisers twice.
        """
        return await self._changed(
            "UPDATE questions SET status = 'open', decision = 'none', chosen_key = NULL "
            "WHERE id = ? AND status IN ('suggested', 'answered_by_bot')",
            (question_id,),
        )

    async def pass_on_rejected(self, question_id: int, rejected_key: str, now: datetime) -> bool:
        """The attendee pressed 👎 and then "Ask the organisers": reopen it for them.

        Like "None of these" (`mark_unanswered`): the question becomes an open, unanswered
        one (decision 'none', so /stats and the desk count it with the others passed on)
        and the pick it had is dropped, so it no longer counts as that entry's answer or
        as support for a learned phrasing; the rejected entry is kept in `rejected_key`.
        `now` starts the repeat window (`open_rejections`). True only on the transition, so
        a double press posts once.
        """
        return await self._changed(
            "UPDATE questions SET status = 'open', decision = 'none', chosen_key = NULL, "
            "rejected_key = ?, rejected_at = ? WHERE id = ? AND status = 'answered_by_bot'",
            (rejected_key, _ts(now), question_id),
        )

    async def open_rejections(self, user_id: int | None, since: datetime) -> list[Rejection]:
        """Answers passed on after a 👎 since `since` and still open: one attendee's, or all.

        The bot reads one attendee's only when its record in memory says they may have one
        (`bot.etiquette.PassedOn`), and everyone's once at start to rebuild that record. The
        partial index `questions_open_rejections` (schema v9) holds only open rejections,
        so either read touches those rows and no attendee's history.
        """
        query = (
            "SELECT user_id, rejected_key, normalized, rejected_at FROM questions "
            "WHERE rejected_key IS NOT NULL AND status = 'open' AND rejected_at >= ?"
        )
        params: tuple[object, ...] = (_ts(since),)
        if user_id is not None:
            query, params = f"{query} AND user_id = ?", (*params, user_id)
        rows = await self._select(f"{query} ORDER BY rejected_at, id", params)
        return [
            Rejection(
                row["user_id"],
                row["rejected_key"],
                row["normalized"],
                datetime.fromisoformat(row["rejected_at"]),
            )
            for row in rows
        ]

    async def set_organiser_post(self, question_id: int, chat_id: int, message_id: int) -> bool:
        """Remember the organiser-chat message for a question, so a reply to it finds it."""
        return await self._changed(
            "UPDATE questions SET organiser_post_chat_id = ?, organiser_post_message_id = ? "
            "WHERE id = ?",
            (chat_id, message_id, question_id),
        )

    async def question_by_organiser_post(self, chat_id: int, message_id: int) -> Question | None:
        """The question an organiser is replying to, found by the post they replied to."""
        row = await self._select_one(
            "SELECT * FROM questions "
            "WHERE organiser_post_chat_id = ? AND organiser_post_message_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        return None if row is None else from_row(Question, row)

    async def questions_by_organiser_post(self, chat_id: int, message_id: int) -> list[Question]:
        """Every question one organisers' post carries (a batched post carries several)."""
        rows = await self._select(
            "SELECT * FROM questions "
            "WHERE organiser_post_chat_id = ? AND organiser_post_message_id = ? ORDER BY id",
            (chat_id, message_id),
        )
        return [from_row(Question, row) for row in rows]

    async def last_question(self, user_id: int) -> Question | None:
        """The attendee's most recent question ("thanks" after it, a handoff with it).

        Handoffs themselves are not questions here: "talk to a human" twice is not the
        question the organisers should see with the second.
        """
        row = await self._select_one(
            "SELECT * FROM questions WHERE user_id = ? AND normalized NOT LIKE ? "
            "ORDER BY asked_at DESC, id DESC LIMIT 1",
            (user_id, f"{_HANDOFF_PREFIX}%"),
        )
        return None if row is None else from_row(Question, row)

    async def open_repeat(self, user_id: int, normalized: str, since: datetime) -> Question | None:
        """The attendee's still-open question with this key, asked since `since`, if any."""
        row = await self._select_one(
            "SELECT * FROM questions WHERE user_id = ? AND normalized = ? AND status = 'open' "
            "AND asked_at >= ? ORDER BY asked_at DESC, id DESC LIMIT 1",
            (user_id, normalized, _ts(since)),
        )
        return None if row is None else from_row(Question, row)

    async def open_groups(self, limit: int = 10, offset: int = 0) -> list[QuestionGroup]:
        """A page of open questions grouped by normalized key, most recently asked first.

        Grouping lets organisers answer ten copies of "where is lunch" once.
        """
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must be non-negative")
        async with self._read() as db:
            heads = await self._all(
                db,
                """
                WITH ranked AS (
                    SELECT id, normalized, text, asked_at,
                           ROW_NUMBER() OVER (PARTITION BY normalized
                                              ORDER BY asked_at DESC, id DESC) AS position
                    FROM questions
                    WHERE status = 'open'
                )
                SELECT id, normalized, text, asked_at FROM ranked
                WHERE position = 1
                ORDER BY asked_at DESC, id DESC
                LIMIT ? OFFSET ?
                """,
                (limit, offset),
            )
            members: dict[str, list[sqlite3.Row]] = {head["normalized"]: [] for head in heads}
            for head in heads:
                members[head["normalized"]] = await self._all(
                    db,
                    "SELECT id, user_id, rejected_key, best_kind, best_id, best_label "
                    "FROM questions WHERE status = 'open' AND normalized = ? "
                    "ORDER BY asked_at DESC, id DESC",
                    (head["normalized"],),
                )
        groups: list[QuestionGroup] = []
        for head in heads:
            rows = members[head["normalized"]]
            groups.append(
                QuestionGroup(
                    normalized=head["normalized"],
                    representative_id=head["id"],
                    text=head["text"],
                    count=len(rows),
                    question_ids=tuple(row["id"] for row in rows),
                    user_ids=tuple(dict.fromkeys(row["user_id"] for row in rows)),
                    newest_asked_at=datetime.fromisoformat(head["asked_at"]),
                    rejected=rejected_answers(rows),
                )
            )
        return groups

    async def count_open_groups(self) -> int:
        """How many groups `open_groups` pages through."""
        return await self._count(
            "SELECT COUNT(DISTINCT normalized) FROM questions WHERE status = 'open'"
        )

    async def group_members(self, question_id: int) -> list[Question]:
        """All open questions sharing this question's key, newest first (may be empty)."""
        rows = await self._select(
            """
            SELECT * FROM questions
            WHERE status = 'open'
              AND normalized = (SELECT normalized FROM questions WHERE id = ?)
            ORDER BY asked_at DESC, id DESC
            """,
            (question_id,),
        )
        return [from_row(Question, row) for row in rows]

    async def _resolve(
        self,
        question_ids: Sequence[int],
        status: QuestionStatus,
        answer_text: str | None,
        organiser_id: int,
        now: datetime,
    ) -> list[int]:
        """Close open questions; return the ids that were still open.

        Only open ones change, so when two organisers answer the same group at once the
        second learns (empty list) that the attendees already have an answer.
        """
        stamp = _ts(now)
        resolved: list[int] = []
        async with self._write() as db:
            for question_id in dict.fromkeys(question_ids):
                changed = await self._rowcount(
                    db,
                    "UPDATE questions "
                    "SET status = ?, answer_text = ?, answered_at = ?, answered_by = ? "
                    "WHERE id = ? AND status = 'open'",
                    (status, answer_text, stamp, organiser_id, question_id),
                )
                if changed:
                    resolved.append(question_id)
        return resolved

    async def mark_answered(
        self, question_ids: Sequence[int], answer_text: str, organiser_id: int, now: datetime
    ) -> list[int]:
        """Store an organiser's answer on open questions; return the ids it applied to."""
        return await self._resolve(question_ids, "answered", answer_text, organiser_id, now)

    async def dismiss(
        self, question_ids: Sequence[int], organiser_id: int, now: datetime
    ) -> list[int]:
        """Take open questions off the queue without an answer; return the ids dismissed."""
        return await self._resolve(question_ids, "dismissed", None, organiser_id, now)

    async def export_questions(self, status: ExportStatus = "all") -> list[Question]:
        """Questions for a CSV export, oldest first; 'open' gives the organisers' backlog."""
        if status not in ("open", "all"):
            raise ValueError(f"unknown export status {status!r}")
        rows = await self._select(
            "SELECT * FROM questions WHERE (? = 'all' OR status = ?) ORDER BY id",
            (status, status),
        )
        return [from_row(Question, row) for row in rows]

    # -- votes --------------------------------------------------------------------------

    async def add_vote(
        self, question_id: int, user_id: int, target_key: str, value: int, now: datetime
    ) -> bool:
        """A vote only if the attendee has none on this question yet (a 👎 stays a 👎).

        For votes the attendee did not press ("thanks" after an answer is its 👍): a button
        they pressed says more and is never overwritten.
        """
        if value not in (1, -1):
            raise ValueError(f"vote value must be +1 or -1, not {value!r}")
        return await self._changed(
            """
            INSERT INTO votes (question_id, user_id, target_key, value, voted_at)
            SELECT ?, ?, ?, ?, ?
            WHERE EXISTS (SELECT 1 FROM questions WHERE id = ?)
            ON CONFLICT (question_id, user_id) DO NOTHING
            """,
            (question_id, user_id, target_key, value, _ts(now), question_id),
        )

    async def vote_of(self, question_id: int, user_id: int) -> int | None:
        """The attendee's current vote on a question (+1, -1), or None if they gave none."""
        row = await self._select_one(
            "SELECT value FROM votes WHERE question_id = ? AND user_id = ?",
            (question_id, user_id),
        )
        return None if row is None else int(row["value"])

    async def record_vote(
        self, question_id: int, user_id: int, target_key: str, value: int, now: datetime
    ) -> bool:
        """Store a helpful (+1) / not helpful (-1) vote; a later vote replaces the earlier.

        Returns False (instead of raising) if the question no longer exists, because the
        vote button outlives `forget_user`.
        """
        if value not in (1, -1):
            raise ValueError(f"vote value must be +1 or -1, not {value!r}")
        return await self._changed(
            """
            INSERT INTO votes (question_id, user_id, target_key, value, voted_at)
            SELECT ?, ?, ?, ?, ?
            WHERE EXISTS (SELECT 1 FROM questions WHERE id = ?)
            ON CONFLICT (question_id, user_id) DO UPDATE SET
                target_key = excluded.target_key,
                value = excluded.value,
                voted_at = excluded.voted_at
            """,
            (question_id, user_id, target_key, value, _ts(now), question_id),
        )
