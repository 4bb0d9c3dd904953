"""Persistence for attendees, questions, votes and (later) announcements.

This is the only module that speaks SQL, so the schema, its migrations and every query live
in one place and the rest of the bot deals in frozen dataclasses. It never imports
`telegram`: the storage layer must be testable, and usable from admin scripts, without the
bot framework.

Design choices, and why:
- One aiosqlite connection in autocommit mode with explicit `BEGIN IMMEDIATE` transactions.
  Every write commits before its method returns, so a question the bot has just replied to
  survives a crash right after the reply.
- An `asyncio.Lock` serialises all access to that connection. Many handler tasks share it;
  without the lock one task's statements could land inside another task's transaction (or
  read its uncommitted rows).
- WAL mode with synchronous=NORMAL (commits survive a killed process; see `open`) and a
  busy timeout, so an export script or a second process can read while the
  bot writes, and short write contention waits instead of failing.
- Timestamps are UTC ISO-8601 strings of a fixed width, so they sort correctly as text and
  read unambiguously in a plain `sqlite3` shell. Callers pass aware datetimes (usually from
  the conference clock), which lets tests inject time.
- The schema version lives in `PRAGMA user_version`; `MIGRATIONS[n]` takes the schema from
  version n to n + 1 inside one transaction, so a failed migration leaves nothing behind.
- Tables keyed by an attendee deliberately carry no foreign key to `users`: an update may be
  handled before (or without) `upsert_user`, and a stale button after `forget_user` must not
  crash a handler with an integrity error. `forget_user` deletes those rows explicitly.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

import aiosqlite

Decision = Literal["answer", "suggest", "none"]
QuestionStatus = Literal["answered_by_bot", "suggested", "open", "answered", "dismissed"]
ExportStatus = Literal["open", "all"]

BUSY_TIMEOUT_MS = 5000
# Questions per multi-row INSERT: 12 parameters each stays far below SQLite's limit of
# 32766 bound parameters per statement.
_ROWS_PER_INSERT = 500
TOP_TARGETS = 10

# Status a freshly recorded question gets from the matcher's decision: an answer is done, a
# suggestion waits for the attendee's button, and no match goes straight to the organisers.
_STATUS_FOR_DECISION: dict[str, QuestionStatus] = {
    "answer": "answered_by_bot",
    "suggest": "suggested",
    "none": "open",
}

_SCHEMA_V1 = """
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,
    first_name    TEXT,
    username      TEXT,
    language_code TEXT,              -- what Telegram reports for the client
    lang          TEXT,              -- UI language the attendee chose; NULL = auto
    subscribed    INTEGER NOT NULL DEFAULT 1 CHECK (subscribed IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    blocked_at    TEXT               -- set when Telegram says the bot was blocked
);

CREATE TABLE questions (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                   INTEGER NOT NULL,
    chat_id                   INTEGER NOT NULL,
    message_id                INTEGER NOT NULL,
    text                      TEXT NOT NULL,
    normalized                TEXT NOT NULL,  -- grouping key supplied by the caller
    asked_at                  TEXT NOT NULL,
    decision                  TEXT NOT NULL CHECK (decision IN ('answer', 'suggest', 'none')),
    best_kind                 TEXT,
    best_id                   TEXT,
    best_label                TEXT,
    score                     REAL,
    status                    TEXT NOT NULL CHECK (status IN
                                  ('answered_by_bot', 'suggested', 'open', 'answered',
                                   'dismissed')),
    chosen_key                TEXT,           -- suggestion the attendee pressed, 'faq:wifi'
    organiser_post_chat_id    INTEGER,
    organiser_post_message_id INTEGER,
    answer_text               TEXT,
    answered_at               TEXT,
    answered_by               INTEGER
);
CREATE INDEX questions_status_normalized ON questions (status, normalized, asked_at);
CREATE INDEX questions_user ON questions (user_id);
CREATE INDEX questions_organiser_post
    ON questions (organiser_post_chat_id, organiser_post_message_id);

CREATE TABLE votes (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    target_key  TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at    TEXT NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX votes_user ON votes (user_id);
CREATE INDEX votes_target ON votes (target_key);

CREATE TABLE broadcasts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by          INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    text                TEXT NOT NULL,
    parse_mode          TEXT,
    audience            TEXT NOT NULL DEFAULT 'all',  -- 'all' or 'session:ID'
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN
                            ('draft', 'scheduled', 'sending', 'done', 'cancelled')),
    scheduled_for       TEXT,
    started_at          TEXT,
    finished_at         TEXT,
    progress_chat_id    INTEGER,
    progress_message_id INTEGER
);
CREATE INDEX broadcasts_status ON broadcasts (status, scheduled_for);

CREATE TABLE deliveries (
    broadcast_id        INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id             INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                            ('pending', 'sent', 'blocked', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0,
    telegram_message_id INTEGER,
    last_error          TEXT,
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX deliveries_status ON deliveries (broadcast_id, status);
CREATE INDEX deliveries_user ON deliveries (user_id);

CREATE TABLE stars (
    user_id    INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    starred_at TEXT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX stars_session ON stars (session_id);

CREATE TABLE reminder_prefs (
    user_id        INTEGER PRIMARY KEY,
    minutes_before INTEGER CHECK (minutes_before IS NULL OR minutes_before >= 0)  -- NULL = off
);

CREATE TABLE reminders_sent (
    user_id    INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# MIGRATIONS[n] upgrades a database at user_version n to n + 1. Append only; never edit a
# released entry, because databases in the field have already run it.
# Version 2 (announcements): `late` marks a scheduled broadcast that went out after its time
# because the bot was down then; the index lets the sender walk a broadcast's pending rows in
# user order without sorting them all for every batch.
_SCHEMA_V2 = """
ALTER TABLE broadcasts ADD COLUMN late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1));
CREATE INDEX deliveries_pending ON deliveries (broadcast_id, status, user_id);
"""

MIGRATIONS: list[str] = [_SCHEMA_V1, _SCHEMA_V2]


# --- returned rows ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    """An attendee as last seen by the bot."""

    user_id: int
    first_name: str | None
    username: str | None
    language_code: str | None
    lang: str | None
    subscribed: bool
    created_at: datetime
    updated_at: datetime
    blocked_at: datetime | None


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

    @property
    def best_key(self) -> str | None:
        """The matcher's best target as the 'kind:id' key the rest of the bot uses."""
        if self.best_kind is None or self.best_id is None:
            return None
        return f"{self.best_kind}:{self.best_id}"


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
class QuestionGroup:
    """Open questions sharing a normalized key, so organisers answer a repeat only once."""

    normalized: str
    representative_id: int  # the newest member
    text: str  # the newest member's wording
    count: int  # number of open questions in the group
    question_ids: tuple[int, ...]  # newest first
    user_ids: tuple[int, ...]  # distinct askers, newest first
    newest_asked_at: datetime


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


BroadcastStatus = Literal["draft", "scheduled", "sending", "done", "cancelled"]
DeliveryStatus = Literal["pending", "sent", "blocked", "failed"]
FinalDeliveryStatus = Literal["sent", "blocked", "failed"]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An organiser's announcement: its text, audience and where it is in its life.

    `audience` is 'all' (every subscribed attendee) or 'session:ID' (those who starred
    it). `late` marks a scheduled announcement that went out after its time because the
    bot was down at that moment.
    """

    id: int
    created_by: int
    created_at: datetime
    text: str
    parse_mode: str | None
    audience: str
    status: BroadcastStatus
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    late: bool


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Where a broadcast's recipients stand; `total` is the audience fixed at confirm."""

    pending: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.blocked + self.failed

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """One recipient still to be sent to, with the attempts already spent on them."""

    user_id: int
    attempts: int


@dataclass(frozen=True, slots=True)
class ReminderCandidate:
    """A starred session not yet reminded of, with the attendee's reminder preference.

    `has_pref` False means the attendee never used /remind (the default lead applies);
    True with `minutes_before` None would be "off", and such rows are not returned.
    """

    user_id: int
    session_id: str
    has_pref: bool
    minutes_before: int | None


AUDIENCE_ALL = "all"
AUDIENCE_SESSION_PREFIX = "session:"


# --- helpers ----------------------------------------------------------------------------


def _ts(moment: datetime) -> str:
    """Aware datetime -> fixed-width UTC ISO-8601, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _statements(script: str) -> list[str]:
    """Split a migration script into single statements (sqlite3 runs one per execute).

    `executescript` would be simpler but commits first, which would break the
    one-transaction-per-migration guarantee. `complete_statement` keeps semicolons inside
    string literals or trigger bodies from splitting a statement.
    """
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_code(pending):
                statements.append(pending.strip())
            pending = ""
    if _has_code(pending):
        raise ValueError(f"incomplete SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


def _has_code(sql: str) -> bool:
    """False for chunks that are only whitespace, `--` comment lines and semicolons."""
    lines = (line.strip() for line in sql.splitlines())
    return any(line.strip(";").strip() for line in lines if not line.startswith("--"))


def _user(row: sqlite3.Row) -> User:
    return User(
        user_id=row["user_id"],
        first_name=row["first_name"],
        username=row["username"],
        language_code=row["language_code"],
        lang=row["lang"],
        subscribed=bool(row["subscribed"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        blocked_at=_dt(row["blocked_at"]),
    )


def _question(row: sqlite3.Row) -> Question:
    return Question(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        text=row["text"],
        normalized=row["normalized"],
        asked_at=datetime.fromisoformat(row["asked_at"]),
        decision=row["decision"],
        best_kind=row["best_kind"],
        best_id=row["best_id"],
        best_label=row["best_label"],
        score=row["score"],
        status=row["status"],
        chosen_key=row["chosen_key"],
        organiser_post_chat_id=row["organiser_post_chat_id"],
        organiser_post_message_id=row["organiser_post_message_id"],
        answer_text=row["answer_text"],
        answered_at=_dt(row["answered_at"]),
        answered_by=row["answered_by"],
    )


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
        text=row["text"],
        parse_mode=row["parse_mode"],
        audience=row["audience"],
        status=row["status"],
        scheduled_for=_dt(row["scheduled_for"]),
        started_at=_dt(row["started_at"]),
        finished_at=_dt(row["finished_at"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        late=bool(row["late"]),
    )


def _audience_query(audience: str) -> tuple[str, tuple[object, ...]]:
    """SELECT user_id ... for an audience; raises ValueError for an unknown audience.

    Only subscribed attendees not known to have blocked the bot are reached, for a
    session's audience too: /stop means no announcements at all.
    """
    if audience == AUDIENCE_ALL:
        return ("SELECT user_id FROM users WHERE subscribed = 1 AND blocked_at IS NULL", ())
    if audience.startswith(AUDIENCE_SESSION_PREFIX) and len(audience) > len(
        AUDIENCE_SESSION_PREFIX
    ):
        session_id = audience[len(AUDIENCE_SESSION_PREFIX) :]
        return (
            "SELECT u.user_id FROM users AS u JOIN stars AS s ON s.user_id = u.user_id "
            "WHERE s.session_id = ? AND u.subscribed = 1 AND u.blocked_at IS NULL",
            (session_id,),
        )
    raise ValueError(f"unknown audience {audience!r}: 'all' or 'session:ID'")


# --- the store --------------------------------------------------------------------------


class Store:
    """The bot's database. Open with `await Store.open(path)`; close it (or `async with`)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        """Wrap an open connection; use `Store.open`, which also configures and migrates."""
        self._db = db
        self._lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        """Open (creating folders and file as needed), configure and migrate the database."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit, so transactions are exactly the explicit
        # BEGIN/COMMIT pairs below and Python's sqlite3 never opens one behind our back.
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            await db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            await db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives any crash of the bot process (kill -9
            # included) without losing a committed question; only a power cut can drop
            # the last transactions. FULL would fsync on every commit: measured, that
            # tripled the time to store a question, at the moment attendees queue up.
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
            store = cls(db)
            await store._migrate()
        except BaseException:
            await db.close()
            raise
        return store

    @classmethod
    async def open_readonly(cls, path: str | Path) -> Store:
        """Open an existing database for reading only: no migrations, no file created.

        For exports and admin scripts running next to the bot: WAL lets them read a
        consistent snapshot while the bot keeps writing. Raises FileNotFoundError if the
        database does not exist, and RuntimeError if it is newer than this code.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(path)
        db = await aiosqlite.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
        try:
            db.row_factory = sqlite3.Row
            await db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            store = cls(db)
            version = await store.schema_version()
            if version > len(MIGRATIONS):
                raise RuntimeError(
                    f"database schema version {version} is newer than this code ({len(MIGRATIONS)})"
                )
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        """Close the connection; safe to call twice (shutdown paths often overlap)."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._db.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- plumbing -----------------------------------------------------------------------

    @asynccontextmanager
    async def _write(self, *, one_statement: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction, serialised against every other use of the connection.

        IMMEDIATE takes SQLite's write lock up front, so a second process makes us wait
        (busy_timeout) at BEGIN rather than fail half-way through.

        `one_statement`: the body runs a single statement, which SQLite already makes a
        transaction of its own in autocommit mode (taking the write lock first, exactly like
        BEGIN IMMEDIATE, and committed before the statement returns). That saves the BEGIN
        and COMMIT round trips to the database thread on the hot path (recording questions).
        """
        async with self._lock:
            if one_statement:
                yield self._db
                return
            try:
                # BEGIN inside the try: if the task is cancelled while BEGIN is queued, the
                # rollback below is queued after it and the connection is left clean.
                await self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException:
                # rollback() is a no-op when no transaction is open (e.g. BEGIN failed).
                await self._db.rollback()
                raise

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent read: one snapshot even across several SELECTs."""
        async with self._lock:
            try:
                await self._db.execute("BEGIN")
                yield self._db
            finally:
                await self._db.rollback()

    # Each `await` on the connection is a round trip to its thread (a queue hand-off and a
    # wake-up of the event loop): execute_fetchall runs, fetches and closes in one trip,
    # where execute + fetch + close through a cursor took three.

    async def _all(
        self, db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()
    ) -> list[sqlite3.Row]:
        return list(await db.execute_fetchall(sql, params))

    async def _one(
        self, db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()
    ) -> sqlite3.Row | None:
        """The first row; only for queries that return one row (or a handful) at most."""
        return next(iter(await db.execute_fetchall(sql, params)), None)

    async def _scalar(
        self, db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()
    ) -> int:
        row = await self._one(db, sql, params)
        return 0 if row is None or row[0] is None else int(row[0])

    async def _rowcount(
        self, db: aiosqlite.Connection, sql: str, params: Sequence[object] = ()
    ) -> int:
        async with db.execute(sql, params) as cursor:
            return cursor.rowcount

    # -- schema -------------------------------------------------------------------------

    async def _migrate(self) -> None:
        """Bring the schema to len(MIGRATIONS), one transaction per version.

        The version is re-read after taking the write lock, so two processes starting at
        once don't both run the same migration.
        """
        target = len(MIGRATIONS)
        async with self._lock:
            current = await self._scalar(self._db, "PRAGMA user_version")
            if current > target:
                raise RuntimeError(
                    f"database schema version {current} is newer than this code ({target})"
                )
            for version in range(current + 1, target + 1):
                try:
                    await self._db.execute("BEGIN IMMEDIATE")
                    if await self._scalar(self._db, "PRAGMA user_version") < version:
                        for statement in _statements(MIGRATIONS[version - 1]):
                            await self._db.execute(statement)
                        # PRAGMA takes no parameters; `version` is an int we computed.
                        await self._db.execute(f"PRAGMA user_version = {int(version)}")
                    await self._db.execute("COMMIT")
                except BaseException:
                    await self._db.rollback()
                    raise

    async def schema_version(self) -> int:
        """The migration level of the open database (PRAGMA user_version)."""
        async with self._lock:
            return await self._scalar(self._db, "PRAGMA user_version")

    # -- attendees ----------------------------------------------------------------------

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
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                """
                UPDATE users
                SET subscribed = ?, updated_at = ?,
                    blocked_at = CASE WHEN ? THEN NULL ELSE blocked_at END
                WHERE user_id = ?
                """,
                (int(subscribed), _ts(now), int(subscribed), user_id),
            )
        return changed > 0

    async def mark_blocked(self, user_id: int, now: datetime) -> bool:
        """Record that the attendee blocked the bot and stop sending them announcements."""
        stamp = _ts(now)
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE users SET subscribed = 0, blocked_at = ?, updated_at = ? WHERE user_id = ?",
                (stamp, stamp, user_id),
            )
        return changed > 0

    async def get_user(self, user_id: int) -> User | None:
        """The attendee's row, or None if the bot has never seen them (or forgot them)."""
        async with self._lock:
            row = await self._one(self._db, "SELECT * FROM users WHERE user_id = ?", (user_id,))
        return None if row is None else _user(row)

    async def set_language(self, user_id: int, lang: str | None) -> bool:
        """Store the chosen UI language; None returns to following the Telegram client."""
        async with self._write() as db:
            changed = await self._rowcount(
                db, "UPDATE users SET lang = ? WHERE user_id = ?", (lang, user_id)
            )
        return changed > 0

    async def user_languages(self) -> list[tuple[int, str | None, str | None]]:
        """(user_id, chosen language or None, client language_code) for every attendee.

        Loaded once at start so replies pick their language without a query each.
        """
        async with self._lock:
            cursor = await self._db.execute(
                "SELECT user_id, lang, language_code FROM users "
                "WHERE lang IS NOT NULL OR language_code IS NOT NULL"
            )
            rows = await cursor.fetchall()
            await cursor.close()
        return [(int(row[0]), row[1], row[2]) for row in rows]

    async def subscriber_ids(self) -> list[int]:
        """Who gets an 'all' announcement: subscribed and not known to have blocked us."""
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT user_id FROM users WHERE subscribed = 1 AND blocked_at IS NULL "
                "ORDER BY user_id",
            )
        return [row[0] for row in rows]

    async def count_users(self) -> int:
        """Everyone the bot knows, subscribed or not."""
        async with self._lock:
            return await self._scalar(self._db, "SELECT COUNT(*) FROM users")

    async def count_subscribers(self) -> int:
        """The size of an 'all' announcement (same filter as `subscriber_ids`)."""
        async with self._lock:
            return await self._scalar(
                self._db,
                "SELECT COUNT(*) FROM users WHERE subscribed = 1 AND blocked_at IS NULL",
            )

    # -- questions ----------------------------------------------------------------------

    async def record_question(
        self,
        *,
        user_id: int,
        chat_id: int,
        message_id: int,
        text: str,
        normalized: str,
        decision: Decision,
        now: datetime,
        best_kind: str | None = None,
        best_id: str | None = None,
        best_label: str | None = None,
        score: float | None = None,
        status: QuestionStatus | None = None,
    ) -> int:
        """Store a question and return its id; it is committed when this returns.

        The status follows from the decision unless given: 'answer' -> 'answered_by_bot',
        'suggest' -> 'suggested', 'none' -> 'open' (the organisers' queue).
        """
        if decision not in _STATUS_FOR_DECISION:
            raise ValueError(f"unknown decision {decision!r}")
        resolved = status or _STATUS_FOR_DECISION[decision]
        async with self._write() as db:
            cursor = await db.execute(
                """
                INSERT INTO questions (user_id, chat_id, message_id, text, normalized, asked_at,
                                       decision, best_kind, best_id, best_label, score, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    user_id,
                    chat_id,
                    message_id,
                    text,
                    normalized,
                    _ts(now),
                    decision,
                    best_kind,
                    best_id,
                    best_label,
                    score,
                    resolved,
                ),
            )
            question_id = cursor.lastrowid
            await cursor.close()
        assert question_id is not None
        return question_id

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
        async with self._lock:
            row = await self._one(self._db, "SELECT * FROM questions WHERE id = ?", (question_id,))
        return None if row is None else _question(row)

    async def set_chosen(
        self, question_id: int, key: str, status: QuestionStatus = "answered_by_bot"
    ) -> bool:
        """Record which suggestion the attendee pressed.

        An organiser's answer or dismissal is final, so those questions are left alone;
        returns False then (or if the question is gone).
        """
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE questions SET chosen_key = ?, status = ? "
                "WHERE id = ? AND status NOT IN ('answered', 'dismissed')",
                (key, status, question_id),
            )
        return changed > 0

    async def mark_unanswered(self, question_id: int) -> bool:
        """The attendee pressed "None of these": send the question to the organisers.

        Returns True only on the transition into 'open', so a double press does not post
        the question to the organisers twice.
        """
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE questions SET status = 'open', decision = 'none', chosen_key = NULL "
                "WHERE id = ? AND status IN ('suggested', 'answered_by_bot')",
                (question_id,),
            )
        return changed > 0

    async def set_organiser_post(self, question_id: int, chat_id: int, message_id: int) -> bool:
        """Remember the organiser-chat message for a question, so a reply to it finds it."""
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE questions SET organiser_post_chat_id = ?, organiser_post_message_id = ? "
                "WHERE id = ?",
                (chat_id, message_id, question_id),
            )
        return changed > 0

    async def question_by_organiser_post(self, chat_id: int, message_id: int) -> Question | None:
        """The question an organiser is replying to, found by the post they replied to."""
        async with self._lock:
            row = await self._one(
                self._db,
                "SELECT * FROM questions "
                "WHERE organiser_post_chat_id = ? AND organiser_post_message_id = ? "
                "ORDER BY id DESC LIMIT 1",
                (chat_id, message_id),
            )
        return None if row is None else _question(row)

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
                    "SELECT id, user_id FROM questions "
                    "WHERE status = 'open' AND normalized = ? ORDER BY asked_at DESC, id DESC",
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
                )
            )
        return groups

    async def count_open_groups(self) -> int:
        """How many groups `open_groups` pages through."""
        async with self._lock:
            return await self._scalar(
                self._db,
                "SELECT COUNT(DISTINCT normalized) FROM questions WHERE status = 'open'",
            )

    async def group_members(self, question_id: int) -> list[Question]:
        """All open questions sharing this question's key, newest first (may be empty)."""
        async with self._lock:
            rows = await self._all(
                self._db,
                """
                SELECT * FROM questions
                WHERE status = 'open'
                  AND normalized = (SELECT normalized FROM questions WHERE id = ?)
                ORDER BY asked_at DESC, id DESC
                """,
                (question_id,),
            )
        return [_question(row) for row in rows]

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
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT * FROM questions WHERE (? = 'all' OR status = ?) ORDER BY id",
                (status, status),
            )
        return [_question(row) for row in rows]

    # -- votes --------------------------------------------------------------------------

    async def record_vote(
        self, question_id: int, user_id: int, target_key: str, value: int, now: datetime
    ) -> bool:
        """Store a helpful (+1) / not helpful (-1) vote; a later vote replaces the earlier.

        Returns False (instead of raising) if the question no longer exists, because the
        vote button outlives `forget_user`.
        """
        if value not in (1, -1):
            raise ValueError(f"vote value must be +1 or -1, not {value!r}")
        async with self._write() as db:
            changed = await self._rowcount(
                db,
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
        return changed > 0

    # -- stats --------------------------------------------------------------------------

    async def stats(self) -> Stats:
        """Everything /stats shows, read from one snapshot so the numbers agree."""
        async with self._read() as db:
            attendees = await self._scalar(db, "SELECT COUNT(*) FROM users")
            subscribers = await self._scalar(
                db, "SELECT COUNT(*) FROM users WHERE subscribed = 1 AND blocked_at IS NULL"
            )
            totals = await self._one(
                db,
                """
                SELECT COUNT(*) AS total,
                       SUM(decision = 'answer') AS answer,
                       SUM(decision = 'suggest') AS suggest,
                       SUM(decision = 'none') AS none,
                       SUM(status = 'open') AS open
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
        assert totals is not None
        return Stats(
            attendees=attendees,
            subscribers=subscribers,
            questions=totals["total"] or 0,
            decision_answer=totals["answer"] or 0,
            decision_suggest=totals["suggest"] or 0,
            decision_none=totals["none"] or 0,
            open=totals["open"] or 0,
            top_targets=tuple(
                TargetCount(key=row["key"], label=row["label"] or row["key"], count=row["n"])
                for row in targets
            ),
            votes=tuple(
                VoteTally(key=row["target_key"], up=row["up"], down=row["down"]) for row in votes
            ),
        )

    # -- forget -------------------------------------------------------------------------

    async def forget_user(self, user_id: int) -> bool:
        """Delete everything held about an attendee, all or nothing; True if anything was.

        Sent/failed delivery rows stay (they are the broadcast's own record and hold no
        content from the attendee); pending ones go so the attendee is not messaged again.
        """
        statements = (
            "DELETE FROM votes WHERE user_id = ?",
            "DELETE FROM votes WHERE question_id IN (SELECT id FROM questions WHERE user_id = ?)",
            "DELETE FROM questions WHERE user_id = ?",
            "DELETE FROM stars WHERE user_id = ?",
            "DELETE FROM reminder_prefs WHERE user_id = ?",
            "DELETE FROM reminders_sent WHERE user_id = ?",
            "DELETE FROM deliveries WHERE user_id = ? AND status = 'pending'",
            "DELETE FROM users WHERE user_id = ?",
        )
        removed = 0
        async with self._write() as db:
            for statement in statements:
                removed += await self._rowcount(db, statement, (user_id,))
        return removed > 0

    # -- operations: backup, retention, next year's FAQ --------------------------------

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
        """Delete attendees' questions and votes older than cutoff; return both counts.

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
        return [_question(row) for row in rows]

    # -- stars --------------------------------------------------------------------------

    async def toggle_star(self, user_id: int, session_id: str, now: datetime) -> bool:
        """Star a session, or unstar it if already starred; return whether it is starred."""
        async with self._write() as db:
            removed = await self._rowcount(
                db,
                "DELETE FROM stars WHERE user_id = ? AND session_id = ?",
                (user_id, session_id),
            )
            if removed:
                return False
            await db.execute(
                "INSERT INTO stars (user_id, session_id, starred_at) VALUES (?, ?, ?)",
                (user_id, session_id, _ts(now)),
            )
        return True

    async def starred_sessions(self, user_id: int) -> list[str]:
        """Session ids the attendee starred, in the order they starred them."""
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT session_id FROM stars WHERE user_id = ? ORDER BY starred_at, session_id",
                (user_id,),
            )
        return [row[0] for row in rows]

    async def stargazers(self, session_id: str) -> list[int]:
        """Attendees who starred a session (reminders and 'session:ID' announcements)."""
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT user_id FROM stars WHERE session_id = ? ORDER BY user_id",
                (session_id,),
            )
        return [row[0] for row in rows]

    # -- settings -----------------------------------------------------------------------

    async def get_setting(self, key: str) -> str | None:
        """A persisted bot setting (e.g. the generated webhook secret), or None."""
        async with self._lock:
            row = await self._one(self._db, "SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else row[0]

    async def set_setting(self, key: str, value: str) -> None:
        """Create or replace a persisted bot setting."""
        async with self._write() as db:
            await db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- announcements ------------------------------------------------------------------

    async def count_audience(self, audience: str) -> int:
        """How many attendees an audience reaches right now (the preview's number)."""
        query, params = _audience_query(audience)
        async with self._lock:
            return await self._scalar(self._db, f"SELECT COUNT(*) FROM ({query})", params)

    async def create_broadcast(
        self,
        *,
        created_by: int,
        text: str,
        parse_mode: str | None,
        audience: str,
        now: datetime,
        scheduled_for: datetime | None = None,
        progress_chat_id: int | None = None,
        progress_message_id: int | None = None,
    ) -> int:
        """Store a draft (nothing is sent until it is confirmed); return its id."""
        _audience_query(audience)  # validate
        async with self._write() as db:
            cursor = await db.execute(
                """
                INSERT INTO broadcasts (created_by, created_at, text, parse_mode, audience,
                                        status, scheduled_for, progress_chat_id,
                                        progress_message_id)
                VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?)
                """,
                (
                    created_by,
                    _ts(now),
                    text,
                    parse_mode,
                    audience,
                    None if scheduled_for is None else _ts(scheduled_for),
                    progress_chat_id,
                    progress_message_id,
                ),
            )
            broadcast_id = cursor.lastrowid
            await cursor.close()
        assert broadcast_id is not None
        return broadcast_id

    async def set_broadcast_progress_message(
        self, broadcast_id: int, chat_id: int, message_id: int
    ) -> bool:
        """Remember the organiser's message that shows this broadcast's progress."""
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, broadcast_id),
            )
        return changed > 0

    async def get_broadcast(self, broadcast_id: int) -> Broadcast | None:
        async with self._lock:
            row = await self._one(
                self._db, "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
        return None if row is None else _broadcast(row)

    async def broadcasts_with_status(self, *statuses: BroadcastStatus) -> list[Broadcast]:
        """Broadcasts in any of these states, oldest first (the sender's work order)."""
        marks = ", ".join("?" for _ in statuses)
        async with self._lock:
            rows = await self._all(
                self._db,
                f"SELECT * FROM broadcasts WHERE status IN ({marks}) ORDER BY id",
                statuses,
            )
        return [_broadcast(row) for row in rows]

    async def recent_broadcasts(self, limit: int = 10) -> list[Broadcast]:
        """Scheduled ones (soonest first), then the most recent others, newest first."""
        async with self._lock:
            scheduled = await self._all(
                self._db,
                "SELECT * FROM broadcasts WHERE status = 'scheduled' ORDER BY scheduled_for, id",
            )
            others = await self._all(
                self._db,
                "SELECT * FROM broadcasts WHERE status IN ('sending', 'done', 'cancelled') "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        return [_broadcast(row) for row in (*scheduled, *others)]

    async def schedule_broadcast(self, broadcast_id: int) -> bool:
        """A confirmed draft with a time: wait for it (True on the draft -> scheduled move)."""
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "UPDATE broadcasts SET status = 'scheduled' "
                "WHERE id = ? AND status = 'draft' AND scheduled_for IS NOT NULL",
                (broadcast_id,),
            )
        return changed > 0

    async def start_broadcast(
        self,
        broadcast_id: int,
        now: datetime,
        *,
        from_status: tuple[BroadcastStatus, ...] = ("draft",),
        late: bool = False,
    ) -> int | None:
        """Move to 'sending' and write one pending delivery per recipient, all at once.

        One transaction: either the broadcast is sending with its whole audience fixed in
        `deliveries`, or nothing changed. So a crash right after confirming still sends to
        everyone, and a second press of the button (or a second process) finds the status
        moved on and returns None instead of writing the audience twice.
        """
        marks = ", ".join("?" for _ in from_status)
        async with self._write() as db:
            row = await self._one(
                db,
                f"SELECT audience FROM broadcasts WHERE id = ? AND status IN ({marks})",
                (broadcast_id, *from_status),
            )
            if row is None:
                return None
            query, params = _audience_query(row["audience"])
            stamp = _ts(now)
            await db.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, late = ? WHERE id = ?",
                (stamp, int(late), broadcast_id),
            )
            count = await self._rowcount(
                db,
                f"""
                INSERT INTO deliveries (broadcast_id, user_id, status, attempts, updated_at)
                SELECT ?, user_id, 'pending', 0, ? FROM ({query}) WHERE true
                ON CONFLICT (broadcast_id, user_id) DO NOTHING
                """,
                (broadcast_id, stamp, *params),
            )
        return count

    async def cancel_broadcast(self, broadcast_id: int, now: datetime) -> BroadcastStatus | None:
        """Stop a draft, scheduled or sending broadcast; return the status it had, or None.

        Pending deliveries stay as they are (the record of who was not reached); the sender
        only works on broadcasts that are 'sending'.
        """
        async with self._write() as db:
            row = await self._one(
                db,
                "SELECT status FROM broadcasts WHERE id = ? "
                "AND status IN ('draft', 'scheduled', 'sending')",
                (broadcast_id,),
            )
            if row is None:
                return None
            await db.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?",
                (_ts(now), broadcast_id),
            )
        return row["status"]

    async def finish_broadcast(self, broadcast_id: int, now: datetime) -> bool:
        """'sending' -> 'done' once no delivery is pending; False otherwise."""
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                """
                UPDATE broadcasts SET status = 'done', finished_at = ?
                WHERE id = ? AND status = 'sending'
                  AND NOT EXISTS (SELECT 1 FROM deliveries
                                  WHERE broadcast_id = ? AND status = 'pending')
                """,
                (_ts(now), broadcast_id, broadcast_id),
            )
        return changed > 0

    async def pending_deliveries(
        self, broadcast_id: int, *, after_user: int | None = None, limit: int = 200
    ) -> list[PendingDelivery]:
        """The next pending recipients in user-id order, after `after_user`."""
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT user_id, attempts FROM deliveries "
                "WHERE broadcast_id = ? AND status = 'pending' AND user_id > ? "
                "ORDER BY user_id LIMIT ?",
                (broadcast_id, -(2**63) if after_user is None else after_user, limit),
            )
        return [PendingDelivery(row["user_id"], row["attempts"]) for row in rows]

    async def finish_delivery(
        self,
        broadcast_id: int,
        user_id: int,
        status: FinalDeliveryStatus,
        now: datetime,
        *,
        message_id: int | None = None,
        error: str | None = None,
        count_attempt: bool = True,
    ) -> bool:
        """Close a pending delivery as sent, blocked or failed; False if it was not pending.

        'blocked' also unsubscribes the attendee (and stamps blocked_at) in the same
        transaction, so later announcements skip them even if the process dies right here.
        """
        stamp = _ts(now)
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                """
                UPDATE deliveries
                SET status = ?, attempts = attempts + ?, telegram_message_id = ?,
                    last_error = ?, updated_at = ?
                WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'
                """,
                (status, int(count_attempt), message_id, error, stamp, broadcast_id, user_id),
            )
            if changed and status == "blocked":
                await db.execute(
                    "UPDATE users SET subscribed = 0, blocked_at = ?, updated_at = ? "
                    "WHERE user_id = ?",
                    (stamp, stamp, user_id),
                )
        return changed > 0

    async def retry_delivery(
        self,
        broadcast_id: int,
        user_id: int,
        error: str,
        now: datetime,
        *,
        count_attempt: bool = True,
    ) -> int | None:
        """A try failed but may succeed later: note it; return the attempts so far.

        None if the delivery is no longer pending (e.g. the attendee was forgotten).
        """
        async with self._write() as db:
            row = await self._one(
                db,
                """
                UPDATE deliveries SET attempts = attempts + ?, last_error = ?, updated_at = ?
                WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'
                RETURNING attempts
                """,
                (int(count_attempt), error, _ts(now), broadcast_id, user_id),
            )
        return None if row is None else int(row[0])

    async def delivery_counts(self, broadcast_id: int) -> DeliveryCounts:
        async with self._lock:
            rows = await self._all(
                self._db,
                "SELECT status, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
                (broadcast_id,),
            )
        return DeliveryCounts(**{row[0]: int(row[1]) for row in rows})

    # -- reminders ----------------------------------------------------------------------

    async def set_reminder_minutes(self, user_id: int, minutes: int | None) -> None:
        """Minutes before a starred session to remind; None turns reminders off."""
        if minutes is not None and minutes < 0:
            raise ValueError("minutes must be non-negative")
        async with self._write() as db:
            await db.execute(
                "INSERT INTO reminder_prefs (user_id, minutes_before) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET minutes_before = excluded.minutes_before",
                (user_id, minutes),
            )

    async def reminder_pref(self, user_id: int) -> tuple[bool, int | None]:
        """(has the attendee set a preference, minutes or None for off)."""
        async with self._lock:
            row = await self._one(
                self._db,
                "SELECT minutes_before FROM reminder_prefs WHERE user_id = ?",
                (user_id,),
            )
        return (False, None) if row is None else (True, row[0])

    async def reminder_candidates(self, session_ids: Sequence[str]) -> list[ReminderCandidate]:
        """Stars on these sessions not yet reminded of, minus reminders off and blocked bots.

        The caller passes only sessions starting soon, so this stays a small query however
        many stars the conference collects.
        """
        if not session_ids:
            return []
        rows: list[sqlite3.Row] = []
        ids = list(dict.fromkeys(session_ids))
        async with self._lock:
            for start in range(0, len(ids), 500):  # SQLite's variable limit, with room
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                rows += await self._all(
                    self._db,
                    f"""
                    SELECT s.user_id, s.session_id, p.user_id IS NOT NULL AS has_pref,
                           p.minutes_before
                    FROM stars AS s
                    LEFT JOIN reminder_prefs AS p ON p.user_id = s.user_id
                    LEFT JOIN users AS u ON u.user_id = s.user_id
                    WHERE s.session_id IN ({marks})
                      AND (p.user_id IS NULL OR p.minutes_before IS NOT NULL)
                      AND (u.user_id IS NULL OR u.blocked_at IS NULL)
                      AND NOT EXISTS (SELECT 1 FROM reminders_sent AS r
                                      WHERE r.user_id = s.user_id
                                        AND r.session_id = s.session_id)
                    ORDER BY s.user_id, s.session_id
                    """,
                    chunk,
                )
        return [
            ReminderCandidate(
                row["user_id"], row["session_id"], bool(row["has_pref"]), row["minutes_before"]
            )
            for row in rows
        ]

    async def claim_reminder(self, user_id: int, session_id: str, now: datetime) -> bool:
        """Record a reminder as sent *before* sending it; False if it already was.

        Claiming first is what makes "never twice" hold across crashes and across two
        processes: the price is that a crash between claim and send loses that one
        reminder, which is the better failure for a nudge.
        """
        async with self._write() as db:
            changed = await self._rowcount(
                db,
                "INSERT INTO reminders_sent (user_id, session_id, sent_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id, session_id) DO NOTHING",
                (user_id, session_id, _ts(now)),
            )
        return changed > 0
