"""Real small file systems for storage-fault tests: a tmpfs to fill, an ext4 to break.

Why real ones: what SQLite does on a full disk or a disk remounted read-only after an error
(which codes, which statements fail, whether the connection recovers) is exactly what is in
question, so nothing is simulated. Both need root (mount, losetup); without it the tests
that use them are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def _skip_unless_root() -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root and mount(8)")


def _unmount(path: Path) -> None:
    # Lazy, so a test that failed with the file still open does not leave a busy mount.
    _run("umount", "-l", str(path))


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at path (created), unmounted afterwards."""
    _skip_unless_root()
    path.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        _unmount(path)


@dataclass
class Filler:
    """A file that takes every free byte of its file system until `release`."""

    path: Path

    def release(self) -> None:
        self.path.unlink(missing_ok=True)


def fill(directory: Path) -> Filler:
    """Write until the file system says ENOSPC; the file is closed, its space held."""
    filler = Filler(directory / "filler")
    chunk = b"\0" * 65536
    with open(filler.path, "wb", buffering=0) as file:
        try:
            while True:
                file.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        # The last bytes: smaller writes until not even one fits.
        for size in (4096, 512, 1):
            with contextlib.suppress(OSError):
                while True:
                    file.write(b"\0" * size)
    return filler


@dataclass
class FailingDisk:
    """An ext4 image, mounted with errors=remount-ro, that can be made to fail."""

    path: Path
    device: str

    def fail(self) -> None:
        """An ext4 error, as a failing disk raises it: the kernel remounts it read-only."""
        trigger = Path("/sys/fs/ext4") / self.device / "trigger_fs_error"
        trigger.write_text("test: a failing disk\n")
        options = _run("findmnt", "-no", "OPTIONS", str(self.path)).stdout
        assert "ro" in options.split(",") or "emergency_ro" in options, options


@contextlib.contextmanager
def failing_ext4(path: Path, image: Path, size_mb: int = 16) -> Iterator[FailingDisk]:
    """A loop-mounted ext4 at path that `FailingDisk.fail` turns read-only mid-test."""
    _skip_unless_root()
    for tool in ("mkfs.ext4", "losetup", "findmnt"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    with open(image, "wb") as file:
        file.truncate(size_mb * 1024 * 1024)
    made = _run("mkfs.ext4", "-q", "-F", str(image))
    if made.returncode != 0:
        pytest.skip(f"cannot make an ext4 image: {made.stderr.strip()}")
    path.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-o", "loop,errors=remount-ro", str(image), str(path))
    if mounted.returncode != 0:
        pytest.skip(f"cannot loop-mount an ext4 image here: {mounted.stderr.strip()}")
    try:
        source = _run("findmnt", "-no", "SOURCE", str(path)).stdout.strip()
        device = Path(os.path.realpath(source)).name
        if not (Path("/sys/fs/ext4") / device / "trigger_fs_error").exists():
            pytest.skip("this kernel cannot inject an ext4 error (no trigger_fs_error)")
        yield FailingDisk(path, device)
    finally:
        _unmount(path)
        image.unlink(missing_ok=True)
