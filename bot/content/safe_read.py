"""Reading one content file without being turned against the bot.

A path under `faq/` can be anything the filesystem allows: a folder named `x.yaml`, a
symlink loop, a link to `/dev/zero` (endless bytes) or to a FIFO (a read that never
returns), a file the bot's user may not read. Each becomes `UnreadableFile` with a
sentence an organiser can act on, before a byte is read where possible.

Symlinks to regular files are followed on purpose: deployments mount content that way
(Kubernetes ConfigMaps, `current -> releases/…`). What is never followed is a link into a
device, FIFO or socket: the target is checked with stat() before it is opened, opened
with O_NONBLOCK (a FIFO cannot block the open) and O_NOFOLLOW on the resolved name (it
cannot be swapped for a link in between), and checked again on the open descriptor.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from bot.content.limits import LoadBudget, describe_bytes

_CHUNK = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class UnreadableFile(Exception):
    """The file cannot or must not be read; the message says why, for an organiser."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


def _os_problem(exc: OSError, path: Path) -> UnreadableFile:
    """An OSError from stat/open/read in an organiser's words."""
    if exc.errno == errno.ELOOP:
        return UnreadableFile("is a symbolic link loop (the link points back to itself)")
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:  # pragma: no cover - it was a link a moment ago
                target = "?"
            return UnreadableFile(f"is a symbolic link to '{target}', which does not exist")
        return UnreadableFile("file not found")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnreadableFile(
            "cannot be read: permission denied (make it readable by the user the bot "
            "runs as, e.g. chmod a+r)"
        )
    if exc.errno == errno.EISDIR:
        return UnreadableFile("is a folder, not a file")
    reason = exc.strerror or type(exc).__name__
    return UnreadableFile(f"cannot be read: {reason}")


def read_content_file(path: Path, budget: LoadBudget) -> bytes:
    """The bytes of a regular file within the per-file and total limits, or UnreadableFile."""
    limit = budget.limits.max_file_bytes
    try:
        linked = path.is_symlink()
        target = os.path.realpath(path) if linked else os.fspath(path)
        kind = _kind(os.stat(target).st_mode)
        if kind is not None:
            raise UnreadableFile(f"links to '{target}', {kind}" if linked else f"is {kind}")
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:
        raise _os_problem(exc, path) from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:  # swapped between stat() and open()
            raise UnreadableFile(f"is {kind}")
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            budget.check_time()
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise _too_large(size, limit)
    except OSError as exc:
        raise _os_problem(exc, path) from None
    finally:
        os.close(fd)
    budget.take_bytes(size)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> UnreadableFile:
    return UnreadableFile(
        f"is {describe_bytes(size)}, over the limit of {describe_bytes(limit)} per file "
        "(CONTENT_MAX_FILE_MB); split it into several files or raise the limit"
    )
