"""The child process a running bot loads its content in: `python -m bot.content.load_worker`.

Why a process: a load the bot can abandon. However hostile the files, the bot's own memory
and event loop are untouched, the child runs under a memory ceiling (RLIMIT_AS), and
shutdown or a blown time budget ends it with a kill, which no thread allows.

Protocol: one JSON object on stdin (paths, limits, memory ceiling); one pickle on stdout,
("content", Content) or ("problems", [Problem, ...]). Only the bot starts this process
and reads its output, so the pickle crosses no trust boundary.
"""

from __future__ import annotations

import json
import pickle
import sys
from typing import Any, BinaryIO

from bot.content.limits import LoadLimits
from bot.content.loader import load_content
from bot.content.problems import ContentError, Problem


def request(agenda: str, faq_dir: str, limits: LoadLimits, memory_bytes: int) -> bytes:
    """The stdin of one load, as the parent writes it."""
    return json.dumps(
        {
            "agenda": agenda,
            "faq_dir": faq_dir,
            "memory_bytes": memory_bytes,
            "limits": {
                "max_file_bytes": limits.max_file_bytes,
                "max_total_bytes": limits.max_total_bytes,
                "max_values": limits.max_values,
                "max_depth": limits.max_depth,
                "seconds": limits.seconds,
            },
        }
    ).encode()


def _limit_memory(memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX: the parent's timeout still holds
        return
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def load(job: dict[str, Any]) -> tuple[str, Any]:
    limits = LoadLimits(**job["limits"])
    try:
        return "content", load_content(job["agenda"], job["faq_dir"], limits)
    except ContentError as exc:
        return "problems", exc.problems
    except MemoryError:
        where = f"{job['agenda']} and {job['faq_dir']}"
        megabytes = job["memory_bytes"] // (1024 * 1024)
        problem = Problem(where, f"loading needed more than {megabytes} MB of memory; stopped")
        return "problems", [problem]


def main(stdin: BinaryIO, stdout: BinaryIO) -> int:
    job = json.loads(stdin.read())
    _limit_memory(job["memory_bytes"])
    pickle.dump(load(job), stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.stdin.buffer, sys.stdout.buffer))
