"""What can go wrong with the database file itself, as one typed exception.

Why: SQLite reports a full disk, a read-only or failing disk, a damaged file and a file
deleted under the bot as a handful of `sqlite3.OperationalError`/`DatabaseError` codes. The
answer path must tell these apart from a bug in our SQL: for the former an attendee is asked,
kindly, to try again (never told that a question it could not store was "passed to the
organisers"), the organisers are told once, and the bot carries on; a bug is a bug.
`StorageUnavailable` is that distinction, made once here instead of in every caller.
"""

from __future__ import annotations

import sqlite3
from typing import Final, Literal

StorageProblem = Literal["full", "unwritable", "busy", "damaged", "gone"]

# The fault lasts only as long as its cause and the bot recovers by itself when it is gone
# (space is freed, the other process lets go). The others need a person.
TRANSIENT: Final[frozenset[StorageProblem]] = frozenset({"full", "busy"})

# Primary result codes (the low byte of an extended code) and what they mean for us.
# https://www.sqlite.org/rescode.html
_PROBLEM_BY_CODE: Final[dict[int, StorageProblem]] = {
    5: "busy",  # SQLITE_BUSY: another process held the lock past busy_timeout
    6: "busy",  # SQLITE_LOCKED
    8: "unwritable",  # SQLITE_READONLY (a read-only file or file system)
    10: "unwritable",  # SQLITE_IOERR (e.g. a disk remounted read-only after an error)
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "unwritable",  # SQLITE_CANTOPEN (a -wal or -shm file that cannot be created)
    26: "damaged",  # SQLITE_NOTADB
}
_READONLY_DBMOVED: Final = 1032  # SQLITE_READONLY_DBMOVED: the file was unlinked or renamed


class StorageUnavailable(sqlite3.OperationalError):
    """The database cannot do its job right now; `problem` says why, `transient` if it
    will pass by itself.

    Still an `sqlite3.OperationalError`, which is what it was before it had a name: scripts
    and tools that catch SQLite's errors (bot.export, admin scripts) go on catching it.
    """

    def __init__(self, problem: StorageProblem, detail: str) -> None:
        super().__init__(f"{problem}: {detail}")
        self.problem: StorageProblem = problem
        self.detail = detail

    @property
    def transient(self) -> bool:
        return self.problem in TRANSIENT


def from_sqlite(error: sqlite3.Error) -> StorageUnavailable | None:
    """The storage fault behind an SQLite error, or None if the error is ours (bad SQL,
    a constraint), which must keep its own type and traceback."""
    code = getattr(error, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    if code == _READONLY_DBMOVED:
        return StorageUnavailable("gone", str(error))
    problem = _PROBLEM_BY_CODE.get(code & 0xFF)
    if problem is None:
        return None
    return StorageUnavailable(problem, str(error))
