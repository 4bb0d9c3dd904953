"""Issue 15's failures, measured again next to the figures the issue reported.

    python bench/hostile_content.py            # about 30 s

Part 1 runs `python -m bot check` as a subprocess on a copy of the sample content with one
hostile file added to faq/, and reports the exit code, the wall time, the child's peak
memory (ru_maxrss from wait4) and the first problem line, beside what the issue saw.

Part 2 runs the bot (in this process, through the real PTB stack against the fake Bot API
server) while getUpdates answers `{"ok":true,"result":"surprise"}` for 10 s, with the
shipped backoff (1 s doubling to 60 s), and counts the log records and bytes written and
the getUpdates requests made. Then an organiser sends /reload with a billion-laughs file
in faq/: the bot's own peak RSS before and after, and whether it answered.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from tests.content.test_hostile_files import HOSTILE  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.harness import ATTENDEE, NOW, ORGANISER, bot_running  # noqa: E402

CASES: list[tuple[str, str]] = [
    ("(pristine sample)", "exit 0"),
    ("laughs.yaml", "past 10 s and past 1 GB"),
    ("zero.yaml", "MemoryError at 2.9 GB"),
    ("fifo.yaml", "hangs forever"),
    ("recursive.yaml", "RecursionError traceback, file not named"),
    ("deep.yaml", "RecursionError traceback, file not named"),
    ("folder.yaml", "traceback"),
    ("loop.yaml", "traceback"),
    ("dangling.yaml", "traceback"),
]
FLOOD_SECONDS = 10.0
# `python -m bot check`, reporting its own peak RSS on the way out (however it exits).
CHECK_WITH_PEAK = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: print('PEAK_KB', "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))\n"
    "sys.argv = ['bot', 'check']\n"
    "runpy.run_module('bot', run_name='__main__')\n"
)


def run_check(name: str) -> tuple[int | str, float, float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "agenda.yaml", work / "agenda.yaml")
        shutil.copytree(ROOT / "faq", work / "faq")
        if name in HOSTILE:
            HOSTILE[name][0](work / "faq" / name)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENDA_PATH": "agenda.yaml"}
        env["FAQ_DIR"] = "faq"
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHECK_WITH_PEAK],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = child.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            return "hung (killed at 120 s)", 120.0, 0.0, ""
        seconds = time.perf_counter() - started
        text = (out + err).decode("utf-8", "replace")
        peak_lines = [line for line in text.splitlines() if line.startswith("PEAK_KB ")]
        peak = int(peak_lines[-1].split()[1]) / 1024 if peak_lines else 0.0
        text = "\n".join(line for line in text.splitlines() if not line.startswith("PEAK_KB "))
        first = next((line.strip() for line in text.splitlines() if name in line), "")
        if "Traceback" in text:
            first = "TRACEBACK: " + text.strip().splitlines()[-1]
        return child.returncode, seconds, peak, first or text.strip()[:90]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0  # pragma: no cover - not Linux


class Counting(logging.Handler):
    def __init__(self, formatter: Callable[[logging.LogRecord], str]) -> None:
        super().__init__(logging.WARNING)
        self.records = 0
        self.bytes = 0
        self.critical = 0
        self.render = formatter

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        self.critical += record.levelno >= logging.CRITICAL
        self.bytes += len(self.render(record).encode()) + 1


async def flood_and_bomb() -> None:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    answerer = Answerer(content, Clock(content.conference.timezone, NOW))
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    counter = Counting(formatter.format)
    root = logging.getLogger()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "faq", work / "faq")
        async with (
            FakeTelegram() as fake,
            bot_running(
                fake, work, answerer, faq_dir=work / "faq", agenda_path=ROOT / "agenda.yaml"
            ),
        ):
            root.addHandler(counter)
            marker = fake.request_mark()
            fake.garble("getUpdates", "surprise")
            await asyncio.sleep(FLOOD_SECONDS)
            polls = sum(1 for r in fake.requests[marker:] if r.method == "getUpdates")
            fake.ungarble("getUpdates")
            root.removeHandler(counter)
            print(
                f"\n2. getUpdates answering 'surprise' for {FLOOD_SECONDS:.0f} s "
                "(issue: about 12,700 CRITICAL tracebacks, 15 MB, no backoff)"
            )
            print(
                f"   now: {counter.records} log records at WARNING or above "
                f"({counter.critical} CRITICAL), {counter.bytes:,} bytes; "
                f"{polls} getUpdates requests"
            )
            fake.user_sends(ATTENDEE, "wifi password")
            await fake.wait_for_message(ATTENDEE, timeout=120)

            HOSTILE["laughs.yaml"][0](work / "faq" / "laughs.yaml")
            before = rss_mb()
            started = time.perf_counter()
            after = fake.mark()
            fake.user_sends(ORGANISER, "/reload")
            reply = await fake.wait_for_message(ORGANISER, after=after, timeout=120)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                "\n3. /reload with a billion-laughs file in faq/ "
                "(issue: no answer, RSS past 2.7 GB, SIGTERM no longer stops the bot)"
            )
            print(
                f"   now: answered in {seconds:.1f} s: "
                f"{reply['text'].splitlines()[0][:70]!r}; bot RSS {before:.0f} MB before, "
                f"{rss_mb():.0f} MB after (peak of the process so far {peak:.0f} MB)"
            )


def main() -> None:
    print("1. python -m bot check with one hostile file in faq/")
    print(f"   {'case':<20} {'issue saw':<42} {'exit':>4} {'seconds':>8} {'peak MB':>8}  output")
    for name, before in CASES:
        code, seconds, peak, first = run_check(name)
        shown = first.replace(str(ROOT), "")[:110]
        print(f"   {name:<20} {before:<42} {code!s:>4} {seconds:>8.2f} {peak:>8.0f}  {shown}")
    logging.basicConfig(level=logging.WARNING, stream=io.StringIO())
    asyncio.run(flood_and_bomb())


if __name__ == "__main__":
    main()
