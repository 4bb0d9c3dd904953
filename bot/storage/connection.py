"""The one connection every aggregate shares: opening, migrating, transactions, plumbing.

`Database` is the base class of every aggregate module's class (see `bot.storage`), so the
aggregates' SQL runs on the same connection, under the same lock, in the same transactions.

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
- The schema version lives in `PRAGMA user_version`; `schema.MIGRATIONS[n]` takes the schema
  from version n to n + 1 inside one transaction, so a failed migration leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

import aiosqlite

from bot.storage import schema
from bot.storage.errors import StorageUnavailable, from_sqlite

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# "SQLite format 3\0" and the page size: what never changes in a healthy database file.
_HEADER_BYTES = 18
R = TypeVar("R", bound="DataclassInstance")


def _ts(moment: datetime) -> str:
    """Aware datetime -> fixed-width UTC ISO-8601, so text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


# How a column's stored value becomes the field's declared type (the annotation, as text under
# `from __future__ import annotations`); other fields take the value as SQLite returns it.
_CONVERSIONS: dict[str, Callable[[Any], object]] = {
    "datetime": datetime.fromisoformat,
    "datetime | None": _dt,
    "bool": bool,
}


def from_row(cls: type[R], row: sqlite3.Row) -> R:
    """A returned-row dataclass from the columns of the same names.

    One mapping for every row type, so a new column needs a field, not a field and a line in
    a hand-written converter that could be forgotten: time stamps become aware datetimes,
    0/1 flags become bools.
    """
    values: dict[str, object] = {}
    for field in dataclasses.fields(cls):
        convert = _CONVERSIONS.get(str(field.type))
        value = row[field.name]
        values[field.name] = value if convert is None else convert(value)
    return cls(**values)


class StorageObserver(Protocol):
    """Told about storage faults and the first good write after them (bot.health)."""

    def storage_failed(self, error: StorageUnavailable) -> None: ...

    def storage_recovered(self) -> None: ...


class _Guard:
    """The connection's lock, which also turns SQLite's storage faults into
    `StorageUnavailable` for everything run while it is held.

    Every use of the connection holds this lock (it is what keeps one task's statements out
    of another's transaction), so translating here covers every aggregate's SQL, including
    the few methods that use the connection directly, without a wrapper in each of them.
    """

    __slots__ = ("_database", "_lock")

    def __init__(self, database: Database) -> None:
        self._lock = asyncio.Lock()
        self._database = database

    async def __aenter__(self) -> None:
        await self._lock.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()
        if isinstance(exc, StorageUnavailable):
            self._database._failed(exc)
        elif isinstance(exc, sqlite3.Error):
            fault = from_sqlite(exc)
            if fault is not None:
                self._database._failed(fault)
                raise fault from exc


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's (device, inode): what the open connection is writing to."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _newer_than_code(version: int) -> RuntimeError:
    return RuntimeError(
        f"database schema version {version} is newer than this code ({len(schema.MIGRATIONS)})"
    )


class Database:
    """The bot's database connection. Open with `await Store.open(path)`; close it (or
    `async with`). Aggregates subclass this; `bot.storage.Store` combines them."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        """Wrap an open connection; use `open`, which also configures and migrates."""
        self._db = db
        self._lock = _Guard(self)
        self._closed = False
        # Set by `open`: where the file is and which file it was, to notice it deleted or
        # replaced under the bot (SQLite would go on writing into the unlinked file, and
        # everything written from then on would vanish when the bot stops).
        self._path: Path | None = None
        self._identity: tuple[int, int] | None = None
        self.observer: StorageObserver | None = None
        self._failing = False
        self._header = b""  # the file's first bytes: SQLite's magic and the page size
        self._broken: StorageUnavailable | None = None

    @classmethod
    async def open(cls, path: str | Path) -> Self:
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
        except sqlite3.Error as exc:
            await db.close()
            fault = exc if isinstance(exc, StorageUnavailable) else from_sqlite(exc)
            if fault is None or fault is exc:
                raise
            raise fault from exc
        except BaseException:
            await db.close()
            raise
        store._identity = _identity(path)
        if store._identity is not None:  # a file, not one of SQLite's special names
            store._path = path
            with open(path, "rb") as file:
                store._header = file.read(_HEADER_BYTES)
        return store

    @classmethod
    async def open_readonly(cls, path: str | Path) -> Self:
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
            if version > len(schema.MIGRATIONS):
                raise _newer_than_code(version)
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

    # -- transactions -------------------------------------------------------------------

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
            await self._check_file()
            if one_statement:
                yield self._db
                self._wrote()
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
            self._wrote()

    # -- faults -------------------------------------------------------------------------

    async def _check_file(self) -> None:
        """Refuse to write to a file that is no longer the bot's database. Called with the lock.

        SQLite does not notice either case below: the connection goes on writing into a
        deleted file (gone when the bot stops), or into its page cache and WAL over a file
        whose header was overwritten (unreadable at the next start). Every question
        acknowledged meanwhile would be lost. A stat and a 100-byte read per write
        transaction, microseconds next to a commit, are what it costs to notice.

        The first time the file is found deleted or replaced, everything the open
        connection still holds is copied next to where it was (`_rescue`). The fault is then
        kept: only a restart (after the file is put right) makes the store write again.
        """
        if self._broken is not None:
            raise StorageUnavailable(self._broken.problem, self._broken.detail)
        fault = self._file_fault()
        if fault is None:
            return
        if fault.problem == "gone":
            assert self._path is not None
            rescued = await self._rescue(self._path)
            if rescued:
                fault = StorageUnavailable(
                    "gone", f"{fault.detail}; everything stored until then is saved in {rescued}"
                )
        self._broken = fault
        raise StorageUnavailable(fault.problem, fault.detail)

    def _file_fault(self) -> StorageUnavailable | None:
        if self._path is None or self._identity is None:
            return None
        now = _identity(self._path)
        if now != self._identity:
            what = "deleted" if now is None else "replaced by another file"
            return StorageUnavailable("gone", f"{self._path} was {what} while the bot had it open")
        try:
            with open(self._path, "rb") as file:
                header = file.read(len(self._header))
        except OSError as exc:
            return StorageUnavailable("unwritable", f"{self._path} cannot be read: {exc}")
        if header != self._header:
            return StorageUnavailable(
                "damaged", f"{self._path} was overwritten: its header is not SQLite's any more"
            )
        return None

    async def check_file(self) -> None:
        """Raise `StorageUnavailable` if the file was deleted, replaced or overwritten.

        Writes check this themselves; the bot also calls it now and then, so a fault is
        noticed (and the organisers told) in a quiet hour too.
        """
        async with self._lock:
            await self._check_file()

    async def _rescue(self, path: Path) -> str:
        """Copy the still-open (deleted or replaced) database next to its old path.

        The connection keeps the unlinked file alive until it closes, so SQLite's backup can
        still read all of it. Returns the copy's path, or "" if it could not be written.
        """
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.rescued-{stamp}")
        try:
            async with aiosqlite.connect(target) as copy:
                await self._db.backup(copy)
        except (OSError, sqlite3.Error) as exc:
            logger.error("could not save a copy of the deleted database to %s: %s", target, exc)
            with contextlib.suppress(OSError):
                target.unlink()
            return ""
        return str(target)

    def _failed(self, fault: StorageUnavailable) -> None:
        self._failing = True
        if self.observer is not None:
            self.observer.storage_failed(fault)

    def _wrote(self) -> None:
        """A write committed: if writes were failing, the fault is over."""
        if self._failing:
            self._failing = False
            if self.observer is not None:
                self.observer.storage_recovered()

    @property
    def path(self) -> Path | None:
        """The database file this store opened (None for a store built around a connection)."""
        return self._path

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent read: one snapshot even across several SELECTs."""
        async with self._lock:
            try:
                await self._db.execute("BEGIN")
                yield self._db
            finally:
                await self._db.rollback()

    # -- statements inside a transaction ------------------------------------------------
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

    async def _insert(self, db: aiosqlite.Connection, sql: str, params: Sequence[object]) -> int:
        """Run an INSERT of one row and return the new row's id."""
        async with db.execute(sql, params) as cursor:
            row_id = cursor.lastrowid
        assert row_id is not None
        return row_id

    # -- one statement, its own transaction ---------------------------------------------
    # Most methods run a single statement; these keep the lock-and-transaction lines in one
    # place instead of in each of them.

    async def _changed(self, sql: str, params: Sequence[object] = ()) -> bool:
        """Run one write in its own transaction; True if it changed (or added) any row.

        The True/False is what callers act on: a double press, a stale button or a second
        organiser finds nothing left to change and is told so instead of acting twice.
        """
        async with self._write() as db:
            return await self._rowcount(db, sql, params) > 0

    async def _select(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Every row of one query."""
        async with self._lock:
            return await self._all(self._db, sql, params)

    async def _select_one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        """The first row of one query, or None."""
        async with self._lock:
            return await self._one(self._db, sql, params)

    async def _count(self, sql: str, params: Sequence[object] = ()) -> int:
        """The first column of the first row as an int; 0 for no row or NULL."""
        async with self._lock:
            return await self._scalar(self._db, sql, params)

    # -- schema -------------------------------------------------------------------------

    async def _migrate(self) -> None:
        """Bring the schema to len(MIGRATIONS), one transaction per version.

        The version is re-read after taking the write lock, so two processes starting at
        once don't both run the same migration.
        """
        migrations = schema.MIGRATIONS
        target = len(migrations)
        async with self._lock:
            current = await self._scalar(self._db, "PRAGMA user_version")
            if current > target:
                raise _newer_than_code(current)
            for version in range(current + 1, target + 1):
                try:
                    await self._db.execute("BEGIN IMMEDIATE")
                    if await self._scalar(self._db, "PRAGMA user_version") < version:
                        for statement in schema.split_statements(migrations[version - 1]):
                            await self._db.execute(statement)
                        # PRAGMA takes no parameters; `version` is an int we computed.
                        await self._db.execute(f"PRAGMA user_version = {int(version)}")
                    await self._db.execute("COMMIT")
                except BaseException:
                    await self._db.rollback()
                    raise

    async def schema_version(self) -> int:
        """The migration level of the open database (PRAGMA user_version)."""
        return await self._count("PRAGMA user_version")
