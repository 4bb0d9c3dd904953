"""Live Q&A: attendees' questions to a session's speaker, their upvotes, and the
moderators' live list messages.

Kept apart from `questions` (the questions for the bot) on purpose: a question to the
speaker is never matched against the FAQ and never enters the unanswered log. Every
change is committed before the handler replies, so nothing is lost on a restart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from bot.storage.connection import Database, _dt, _ts

LiveStatus = Literal["open", "answered", "hidden"]
_T = TypeVar("_T")


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


@dataclass(frozen=True, slots=True)
class LiveSnapshot:
    """A session's questions (hidden ones included) and the ones a reader upvoted, as of
    one read: what a live list shows."""

    questions: tuple[LiveQuestion, ...]
    voted: frozenset[int]


@dataclass(frozen=True, slots=True)
class VotePress:
    """An attendee pressed 👍 on a question (to vote, or to take the vote back)."""

    question_id: int
    user_id: int
    at: datetime


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    """What a press did: `voted` True (added), False (taken back) or None (refused); and
    the question's session (None if there is no such question), for refreshing its lists."""

    voted: bool | None
    session_id: str | None


# Rows per statement in a batch of votes: 3 values a row stays far below SQLite's limit on
# variables in one statement (999 in old builds).
_ROWS_PER_STATEMENT = 300


def _chunks(items: Sequence[_T]) -> list[Sequence[_T]]:
    return [
        items[start : start + _ROWS_PER_STATEMENT]
        for start in range(0, len(items), _ROWS_PER_STATEMENT)
    ]


def _pairs(count: int) -> str:
    return ", ".join(["(?, ?)"] * count)


class LiveQa(Database):
    """The `live_questions`, `live_votes` and `live_panels` tables."""

    async def add_live_question(
        self, session_id: str, user_id: int, asker_name: str, text: str, now: datetime
    ) -> int:
        """Store a question to the speaker (anonymous until the asker shows the name).

        One statement, its own transaction, one round trip to the database thread (each
        round trip under the store's lock is what a burst of questions waits for)."""
        async with self._write(one_statement=True) as db:
            row = await self._one(
                db,
                "INSERT INTO live_questions (session_id, user_id, asker_name, text, asked_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (session_id, user_id, asker_name, text, _ts(now)),
            )
        assert row is not None
        return int(row[0])

    async def live_question(self, question_id: int) -> LiveQuestion | None:
        row = await self._select_one(_SELECT + "WHERE q.id = ?", (question_id,))
        return _question(row) if row is not None else None

    async def live_questions(self, session_id: str) -> list[LiveQuestion]:
        """Every question of a session, hidden ones included (callers filter and rank)."""
        rows = await self._select(_SELECT + "WHERE q.session_id = ? ORDER BY q.id", (session_id,))
        return [_question(row) for row in rows]

    async def live_snapshots(
        self, requests: Sequence[tuple[str, int | None]]
    ) -> list[LiveSnapshot]:
        """For each (session, reader) asked for, in order: the session's questions and the
        ones the reader upvoted (none for reader None). Two statements however many lists
        they serve (bot.batching): each round trip to the database thread is what costs
        under a burst."""
        if not requests:
            return []
        sessions = sorted({session for session, _ in requests})
        readers = sorted({reader for _, reader in requests if reader is not None})
        async with self._lock:  # writes take it too: both statements see one state
            rows = await self._all(
                self._db,
                _SELECT + f"WHERE q.session_id IN ({', '.join('?' * len(sessions))}) ORDER BY q.id",
                sessions,
            )
            votes: list[sqlite3.Row] = []
            for chunk in _chunks(readers):
                votes += await self._all(
                    self._db,
                    "SELECT v.question_id, v.user_id, q.session_id FROM live_votes AS v "
                    "JOIN live_questions AS q ON q.id = v.question_id "
                    f"WHERE v.user_id IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
        questions: dict[str, list[LiveQuestion]] = {session: [] for session in sessions}
        for row in rows:
            questions[row["session_id"]].append(_question(row))
        voted: dict[tuple[str, int], set[int]] = {}
        for row in votes:
            voted.setdefault((row[2], int(row[1])), set()).add(int(row[0]))
        return [
            LiveSnapshot(
                tuple(questions[session]),
                frozenset(voted.get((session, reader), ()) if reader is not None else ()),
            )
            for session, reader in requests
        ]

    async def asker_activity(self, user_id: int, session_id: str) -> tuple[int, datetime | None]:
        """(open questions in this session, when the attendee last asked in any session);
        one statement, so one consistent read and one round trip."""
        row = await self._select_one(
            "SELECT (SELECT COUNT(*) FROM live_questions "
            "        WHERE user_id = ? AND session_id = ? AND status = 'open'), "
            "       (SELECT MAX(asked_at) FROM live_questions WHERE user_id = ?)",
            (user_id, session_id, user_id),
        )
        assert row is not None  # a SELECT without FROM always returns its one row
        return int(row[0]), _dt(row[1])

    async def show_live_name(self, question_id: int, user_id: int, show: bool) -> bool:
        """The asker (only) chooses whether their name is shown; True if it changed."""
        return await self._changed(
            "UPDATE live_questions SET show_name = ? WHERE id = ? AND user_id = ?",
            (int(show), question_id, user_id),
        )

    async def toggle_live_vote(self, question_id: int, user_id: int, now: datetime) -> bool | None:
        """Add the attendee's vote, or take it back if they had voted; None if refused."""
        (outcome,) = await self.toggle_live_votes([VotePress(question_id, user_id, now)])
        return outcome.voted

    async def toggle_live_votes(self, presses: Sequence[VotePress]) -> list[VoteOutcome]:
        """Toggle several votes in one transaction; an outcome per press, in order.

        Refused: the question is gone, hidden, answered, or the voter's own. Presses apply
        in order, so two presses of one attendee on one question in a batch cancel out,
        exactly as one after the other would. A handful of round trips to the database
        thread serve the whole batch (the vote path's cost under a burst is those round
        trips under the store's lock, not SQLite's work). The primary key (question,
        voter) keeps counts exact whatever runs concurrently: a vote is a row, never a
        counter read and written back.
        """
        if not presses:
            return []
        async with self._write() as db:
            questions: dict[int, sqlite3.Row] = {}
            for ids in _chunks(sorted({p.question_id for p in presses})):
                rows = await self._all(
                    db,
                    "SELECT id, session_id, user_id, status FROM live_questions "
                    f"WHERE id IN ({', '.join('?' * len(ids))})",
                    ids,
                )
                questions.update((int(row["id"]), row) for row in rows)
            pairs = sorted({(p.question_id, p.user_id) for p in presses})
            had: set[tuple[int, int]] = set()
            for chunk in _chunks(pairs):
                rows = await self._all(
                    db,
                    "SELECT question_id, user_id FROM live_votes "
                    f"WHERE (question_id, user_id) IN (VALUES {_pairs(len(chunk))})",
                    [value for pair in chunk for value in pair],
                )
                had.update((int(row[0]), int(row[1])) for row in rows)
            voted = {pair: pair in had for pair in pairs}
            voted_at: dict[tuple[int, int], datetime] = {}
            outcomes: list[VoteOutcome] = []
            for press in presses:
                row = questions.get(press.question_id)
                session_id = row["session_id"] if row is not None else None
                if row is None or row["status"] != "open" or int(row["user_id"]) == press.user_id:
                    outcomes.append(VoteOutcome(None, session_id))
                    continue
                pair = (press.question_id, press.user_id)
                voted[pair] = not voted[pair]
                voted_at[pair] = press.at
                outcomes.append(VoteOutcome(voted[pair], session_id))
            taken_back = [pair for pair in pairs if pair in had and not voted[pair]]
            for chunk in _chunks(taken_back):
                await db.execute(
                    "DELETE FROM live_votes "
                    f"WHERE (question_id, user_id) IN (VALUES {_pairs(len(chunk))})",
                    [value for pair in chunk for value in pair],
                )
            added = [pair for pair in pairs if pair not in had and voted[pair]]
            for chunk in _chunks(added):
                await db.execute(
                    "INSERT INTO live_votes (question_id, user_id, voted_at) VALUES "
                    + ", ".join(["(?, ?, ?)"] * len(chunk))
                    + " ON CONFLICT (question_id, user_id) DO NOTHING",
                    [value for q, u in chunk for value in (q, u, _ts(voted_at[(q, u)]))],
                )
        return outcomes

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
