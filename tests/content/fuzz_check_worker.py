"""Feed mutated copies of the sample content through `check`; one JSON line per case.

Run by tests/content/test_fuzz_check.py in a subprocess with a memory ceiling
(RLIMIT_AS), so a mutant that made the loader balloon fails the test as a MemoryError
instead of taking the machine down. Usage: python -m tests.content.fuzz_check_worker
CASES SEED. Each mutant changes one file of a fresh copy; the case records the exit code,
the CPU seconds `check` took, whether the output names the mutated file, and any
exception that escaped `main` (which is the bug this hunts).
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]

SNIPPETS = [
    b"&a ",
    b"*a",
    b"*undefined ",
    b"[",
    b"]",
    b"{",
    b"- ",
    b": ",
    b"? ",
    b"\t",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"!!binary ",
    b"!!python/object:os.system ",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"<<: *a\n",
    "\u202e\u200b\u2066".encode(),
    b"entries: &x [*x]\n",
    b"x: " + b"[" * 300 + b"]" * 300 + b"\n",
    b"x: " + b"{a: " * 200 + b"b" + b"}" * 200 + b"\n",
    b'a: &a ["l","l","l","l","l","l","l","l","l"]\n'
    + b"".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n".encode()
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + b"entries: *i\n",
    b"'unterminated",
    b'"\\xZZ"',
    b"\r",
    b"  \n" * 50,
]


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return b"\x80"
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]


def _delete(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[at + rng.randrange(1, 400) :]


def _duplicate(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    span = data[at : at + rng.randrange(1, 800)]
    to = rng.randrange(len(data) + 1)
    return data[:to] + span * rng.randrange(1, 4) + data[to:]


def _insert(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    column = rng.randrange(len(lines[at]) + 1)
    lines[at] = lines[at][:column] + rng.choice(SNIPPETS) + lines[at][column:]
    return b"\n".join(lines)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _reindent(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randrange(1, 6)):
        at = rng.randrange(len(lines))
        lines[at] = b" " * rng.randrange(0, 7) + lines[at].lstrip(b" ")
    return b"\n".join(lines)


BYTE_MUTATORS: list[Callable[[bytes, random.Random], bytes]] = [
    _flip,
    _delete,
    _duplicate,
    _insert,
    _insert,
    _insert,
    _truncate,
    _reindent,
]


def _replace_with_oddity(path: Path, rng: random.Random) -> str:
    path.unlink()
    kind = rng.choice(["zero", "fifo", "folder", "dangling", "loop", "empty"])
    if kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(path.parent / "missing.yaml")
    elif kind == "loop":
        path.symlink_to(path.name)
    else:
        path.write_bytes(b"")
    return kind


def _check(workdir: Path) -> tuple[int, str, str, float, str | None]:
    out, err = io.StringIO(), io.StringIO()
    started = time.process_time()
    escaped = None
    try:
        code = main(["check"], out=out, err=err)
    except BaseException:  # the bug being hunted: anything escaping main
        code = -1
        escaped = traceback.format_exc()
    seconds = time.process_time() - started
    return code, out.getvalue(), err.getvalue(), seconds, escaped


def run(cases: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as name:
        work = Path(name)
        os.chdir(work)
        os.environ.update({"AGENDA_PATH": "agenda.yaml", "FAQ_DIR": "faq"})
        os.environ.pop("BOT_TOKEN", None)
        pristine = work / "pristine"
        pristine.mkdir()
        shutil.copy(ROOT / "agenda.yaml", pristine / "agenda.yaml")
        shutil.copytree(ROOT / "faq", pristine / "faq")
        files = ["agenda.yaml", *sorted(f"faq/{p.name}" for p in (pristine / "faq").iterdir())]

        def fresh() -> None:
            for target in (work / "agenda.yaml", work / "faq"):
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                elif target.exists() or target.is_symlink():
                    target.unlink()
            shutil.copy(pristine / "agenda.yaml", work / "agenda.yaml")
            shutil.copytree(pristine / "faq", work / "faq")

        baseline = []
        for _ in range(5):
            fresh()
            code, *_, seconds, escaped = _check(work)
            assert code == 0 and escaped is None
            baseline.append(seconds)
        print(json.dumps({"baseline_cpu": statistics.median(baseline)}), flush=True)

        for case in range(cases):
            fresh()
            target = rng.choice(files)
            path = work / target
            if rng.random() < 0.06:
                mutation = _replace_with_oddity(path, rng)
            else:
                data = path.read_bytes()
                for _ in range(rng.randrange(1, 4)):
                    mutator = rng.choice(BYTE_MUTATORS)
                    data = mutator(data, rng)
                mutation = mutator.__name__.strip("_")
                path.write_bytes(data)
            code, out, err, seconds, escaped = _check(work)
            print(
                json.dumps(
                    {
                        "case": case,
                        "file": target,
                        "mutation": mutation,
                        "code": code,
                        "named": target in err,
                        "ok_line": out.startswith("OK:"),
                        "cpu": seconds,
                        "escaped": escaped,
                        "err": err[-2000:],
                    }
                ),
                flush=True,
            )
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"max_rss_mb": rss_kb / 1024}), flush=True)


if __name__ == "__main__":
    run(int(sys.argv[1]), int(sys.argv[2]))
