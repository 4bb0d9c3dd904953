"""How much a content load may cost, and the running account of one load.

The content files are written by organisers, but they are files on a server: a mistake
(a symlink to /dev/zero, a generated file gone wrong) or a hostile edit must not be able
to exhaust memory or time, or hang the bot. Every load therefore runs against a budget:
bytes per file and in total, YAML values after alias expansion, nesting depth, and a
deadline for the whole load. Running out is a named problem, never a crash.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MB = 1024 * 1024

# A large conference's agenda with descriptions is about 3 MB; 5 MB leaves room.
DEFAULT_MAX_FILE_BYTES = 5 * MB
DEFAULT_MAX_TOTAL_BYTES = 50 * MB
# YAML values (scalars, lists and mappings) counted as if every alias were copied out.
# A 2,000-session programme with a 1,000-entry FAQ is about 50,000; memory per value is a
# few hundred bytes, so the cap keeps a load well under a few hundred MB.
DEFAULT_MAX_VALUES = 500_000
# The deepest real structure is five levels (agenda > sessions > item > speakers > id).
DEFAULT_MAX_DEPTH = 50
# The sample loads in well under a second; this is for a busy, shared machine.
DEFAULT_LOAD_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """The ceilings of one content load (files, values, depth, time)."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES
    max_values: int = DEFAULT_MAX_VALUES
    max_depth: int = DEFAULT_MAX_DEPTH
    seconds: float = DEFAULT_LOAD_SECONDS


class BudgetExceeded(Exception):
    """The load ran out of time or bytes; the message says which, for organisers."""


class TooManyValues(BudgetExceeded):
    """One file holds too many values; that file fails and the values it took are returned."""


def describe_bytes(count: int) -> str:
    if count >= MB:
        return f"{count / MB:.1f} MB".replace(".0 MB", " MB")
    if count >= 1024:
        return f"{count // 1024} KB"
    return f"{count} bytes"


@dataclass(slots=True)
class LoadBudget:
    """What is left of the limits during one load (shared by every file it reads)."""

    limits: LoadLimits = field(default_factory=LoadLimits)
    bytes_read: int = 0
    values: int = 0
    deadline: float = 0.0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.seconds

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(
                f"loading took longer than {self.limits.seconds:g} s, the time allowed "
                "(CONTENT_LOAD_SECONDS); the files are too large or too complex"
            )

    def take_bytes(self, count: int) -> None:
        self.bytes_read += count
        if self.bytes_read > self.limits.max_total_bytes:
            raise BudgetExceeded(
                f"the content files together exceed "
                f"{describe_bytes(self.limits.max_total_bytes)} (CONTENT_MAX_TOTAL_MB)"
            )

    def take_values(self, count: int) -> None:
        """Count values held (aliases as if copied); a failed file gives its values back."""
        self.values += count
        if self.values > self.limits.max_values:
            raise TooManyValues(
                f"this file takes the content past {self.limits.max_values:,} values, "
                "counting each alias (*name) as a copy of what it names; are aliases "
                "repeated inside each other (a 'billion laughs' file)?"
            )
