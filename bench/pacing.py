"""One pacer for every message: an announcement while attendees ask, against a strict fake.

    python bench/pacing.py                  # free: 2,000 recipients, 15 questions a second
    python bench/pacing.py --paid           # paid broadcasts: 10,000 subscribers, 1,000/s
    python bench/pacing.py --recipients 500 --rate 10     # a quicker look

The fake Bot API server (tests/fake_telegram.py) runs in this process and counts *every*
request to a sending method the moment it arrives, whatever its answer (403s from blocked
attendees and 429s included), with Telegram's limits: 30 in any sliding second, one a
second per chat, 20 a minute per group, and (with --paid) 1,000 a second for paid
broadcasts. Past a limit it answers 429 with retry_after.

The conference bot runs in its own process, exactly as in production (python-telegram-bot
over HTTP, SQLite file, matcher, organisers'-chat posts). An organiser announces to every
subscriber (5% of whom have blocked the bot) and presses Send; meanwhile 1,000 attendees
ask the project's labelled questions (tests/data/questions.yaml) at about 15 a second
(Poisson arrivals), until the announcement is done.

Printed, each next to its target:
- 429s answered by the server (target 0);
- attendees' reply time, from the question reaching the server to the first reply reaching
  it: p50 and p99 (target p99 <= 1.5 s);
- the announcement's rate as a share of what the other sends (replies, organisers'-chat
  posts, progress edits) leave of 30 a second, over the time it ran (target >= 90%);
- the most requests the server counted in any sliding second (at most 30).

With --paid: BROADCAST_PAID=on, 10,000 subscribers; the rate reached, and where the limit
lies: each process's CPU use while sending (a process near 100% of a core is the
bottleneck; the machine has `os.cpu_count()` cores, shared) and, for comparison, how fast
the fake alone accepts sends from 64 concurrent bare clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import resource
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402

from bot.answering import Answerer  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.handlers.context import state_of  # noqa: E402
from bot.pacing import TELEGRAM_LIMIT, Priority  # noqa: E402
from bot.storage import Store  # noqa: E402
from bot.transport import AiohttpRequest  # noqa: E402
from tests.fake_telegram import SENDING_METHODS, FakeTelegram  # noqa: E402
from tests.harness import running  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
NOW = datetime(2027, 2, 16, 11, 30)
ORGANISER = 9001
ORGANISER_CHAT = -1009000
FIRST_RECIPIENT = 200_000
FIRST_ASKER = 100_000
TEXT = "📣 <b>Keynote moved to Hall B</b>. The 14:00 keynote is now in Hall B (first floor)."


# --- the bot's process --------------------------------------------------------------------


async def serve(base_url: str, token: str, database: str, paid: bool) -> None:
    """Child process: the conference bot until SIGTERM, then its CPU time and pacer counts."""
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    settings = Settings(
        agenda_path=ROOT / "agenda.yaml",
        faq_dir=ROOT / "faq",
        bot_now=NOW,
        token=token,
        api_url=base_url,
        organiser_ids=frozenset({ORGANISER}),
        organiser_chat_id=ORGANISER_CHAT,
        database_path=Path(database),
        broadcast_paid=paid,
        broadcast_rate=1000.0 if paid else 30.0,
    )
    answerer = Answerer(content, Clock(content.conference.timezone, NOW))
    app = build_application(settings, content, answerer=answerer)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with running(app):
        await stop.wait()
        pacer = state_of(app).pacer
        assert pacer is not None
        granted = {p.name: pacer.granted[p] for p in Priority}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "granted": granted}), flush=True)


# --- the benchmark ------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def questions() -> list[str]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [str(item["q"]) for item in data["questions"]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def max_in_window(times: list[float], window: float = 1.0) -> int:
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - window:
            start += 1
        best = max(best, end - start + 1)
    return best


async def seed(database: Path, recipients: list[int]) -> None:
    store = await Store.open(database)
    try:
        moment = datetime(2027, 2, 16, 6, 0, tzinfo=UTC)
        for user_id in recipients:
            await store.upsert_user(user_id, f"Attendee {user_id}", None, "en", moment)
    finally:
        await store.close()


async def start_bot(fake: FakeTelegram, database: Path, paid: bool) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve",
        "--base-url",
        fake.base_url,
        "--token",
        fake.token,
        "--database",
        str(database),
        *(["--paid"] if paid else []),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


async def ask(
    fake: FakeTelegram, rate: float, askers: int, done: asyncio.Event
) -> list[tuple[int, float]]:
    """Questions at about `rate` a second (Poisson) from `askers` attendees, until `done`."""
    rng = random.Random(15)
    pool = questions()
    asked: list[tuple[int, float]] = []
    turn = 0
    while not done.is_set():
        user = FIRST_ASKER + turn % askers
        fake.user_sends(user, pool[turn % len(pool)], first_name="Attendee")
        asked.append((user, time.monotonic()))
        turn += 1
        await asyncio.sleep(rng.expovariate(rate))
    return asked


def reply_times(fake: FakeTelegram, asked: list[tuple[int, float]]) -> list[float]:
    """Seconds from each question reaching the server to the first reply reaching it."""
    sent: dict[int, list[float]] = {}
    for record in fake.sent:
        sent.setdefault(record["chat_id"], []).append(record["time"])
    waits = []
    for user, moment in asked:
        later = [t for t in sent.get(user, []) if t >= moment]
        waits.append(min(later) - moment if later else float("inf"))
    return waits


async def raw_capacity(fake: FakeTelegram, sends: int, concurrency: int = 64) -> float:
    """How many sends a second the fake accepts from bare clients (no pacer, no bot)."""
    fake.reset_flood()
    bot = Bot(fake.token, base_url=fake.base_url, request=AiohttpRequest(concurrency))
    queue = iter(range(sends))
    async with bot:

        async def client() -> None:
            for n in queue:
                await bot.send_message(900_000 + n, "capacity probe", allow_paid_broadcast=True)

        start = time.monotonic()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return sends / (time.monotonic() - start)


async def run(args: argparse.Namespace) -> int:
    paid = args.paid
    recipients = [FIRST_RECIPIENT + n for n in range(args.recipients)]
    blocked = set(recipients[:: round(1 / args.blocked)]) if args.blocked else set()
    print(
        f"{'paid' if paid else 'free'} announcement to {len(recipients):,} subscribers "
        f"({len(blocked)} blocked), {args.rate:g} questions/s from {args.askers:,} attendees; "
        f"the fake counts every request: 30/s, 1/s per chat, 20/min per group"
        + (", 1,000/s paid" if paid else "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        await seed(database, recipients)
        async with FakeTelegram(
            count_every_request=True,
            per_chat_limit_per_second=1,
            group_limit_per_minute=20,
            paid_limit=1000 if paid else None,
        ) as fake:
            for user_id in blocked:
                fake.block(user_id)
            child = await start_bot(fake, database, paid)
            try:
                fake.user_sends(ORGANISER, "/start")
                await fake.wait_for_message(ORGANISER, timeout=120)
                fake.user_sends(ORGANISER, f"/announce {TEXT}")
                preview = await fake.wait_for_message(
                    ORGANISER, contains="Announcement preview", timeout=60
                )
                cost = [line for line in preview["text"].splitlines() if "Stars" in line]
                button = preview["reply_markup"]["inline_keyboard"][0][0]
                done = asyncio.Event()
                questions_task = (
                    asyncio.create_task(ask(fake, args.rate, args.askers, done))
                    if args.rate > 0
                    else None
                )
                cpu_fake_start = time.process_time()
                cpu_bot_start = cpu_seconds(child.pid)
                wall_start = time.monotonic()
                mark = len(fake.requests)
                fake.user_presses(ORGANISER, preview, button["callback_data"])
                await fake.wait_for_message(
                    ORGANISER,
                    predicate=lambda r: r["method"] == "sendMessage" and r["text"].startswith("✅"),
                    timeout=3600,
                )
                cpu_fake = time.process_time() - cpu_fake_start
                cpu_bot = cpu_seconds(child.pid) - cpu_bot_start
                wall = time.monotonic() - wall_start
                done.set()
                asked = await questions_task if questions_task is not None else []
                if asked:  # the last questions' replies
                    with_reply = {u for u, _ in asked[-50:]}
                    for user in with_reply:
                        await fake.wait_for_message(user, after=mark, timeout=30)
            finally:
                if child.returncode is None:
                    child.terminate()
                output, _ = await child.communicate()
            stats: dict[str, object] = {}
            for line in output.decode().splitlines():
                if line.startswith("{"):
                    stats = json.loads(line)
            requests = [r for r in fake.requests[mark:] if r.method in SENDING_METHODS]
            announced = [
                r
                for r in requests
                if r.method == "sendMessage" and r.params.get("chat_id") in recipients
            ]
            first, last = announced[0].time, announced[-1].time
            seconds = max(1e-9, last - first)
            others = [r for r in requests if r not in announced and first <= r.time <= last]
            capacity = await raw_capacity(fake, 3000) if paid else None
            counted_max = max_in_window(fake.counted_times)
            paid_max = max_in_window(fake.paid_times) if paid else 0
            errors_429 = fake.count_429
    rate = len(announced) / seconds
    other_rate = len(others) / seconds
    print(
        f"  announcement: {len(announced):,} requests in {seconds:.1f} s = {rate:.1f}/s "
        f"({sum(1 for r in announced if r.status == 403)} refused 403, counted)"
    )
    print(f"  429s answered by the server: {errors_429}  (target 0)")
    if asked:
        waits = reply_times(fake, asked)
        unanswered = sum(1 for w in waits if w == float("inf"))
        print(
            f"  replies: {len(asked):,} questions; p50 {percentile(waits, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(waits, 0.99) * 1000:.0f} ms  (target p99 <= 1500 ms)"
            + (f"; {unanswered} unanswered" if unanswered else "")
        )
    if not paid:
        left = TELEGRAM_LIMIT - other_rate
        print(
            f"  other sends meanwhile: {other_rate:.1f}/s (replies, organisers'-chat posts, "
            f"progress); they leave {left:.1f}/s of {TELEGRAM_LIMIT}"
        )
        print(f"  announcement share of what is left: {rate / left:.1%}  (target >= 90%)")
        print(f"  most requests counted in any sliding second: {counted_max}  (limit 30)")
    else:
        print(
            f"  paid rate reached: {rate:.0f}/s of the 1,000/s allowed; most paid requests in "
            f"any sliding second: {paid_max}"
        )
        print(f"  preview: {cost[0] if cost else '(no cost line!)'}")
        print(
            f"  CPU while sending: fake server (this process) {cpu_fake / wall:.0%} of a "
            f"core, bot process {cpu_bot / wall:.0%} of a core; "
            f"{os.cpu_count()} cores shared, load average {os.getloadavg()[0]:.1f}"
        )
        print(f"  the fake alone, 64 bare clients, no pacing: {capacity:.0f} sends/s")
        per_bot = cpu_bot / len(announced) * 1000
        per_fake = cpu_fake / len(announced) * 1000
        limit_bot, limit_fake = 1000 / per_bot, 1000 / per_fake
        slower = "the bot's process" if limit_bot < limit_fake else "the fake server"
        print(
            f"  CPU per announcement message: bot {per_bot:.2f} ms, fake {per_fake:.2f} ms; "
            f"with a whole core each that is at most {limit_bot:.0f}/s (bot) and "
            f"{limit_fake:.0f}/s (fake): {slower} is the limit; neither got a whole core "
            f"here, so the machine's load set the rate reached"
        )
    print(f"  pacer grants by priority: {stats.get('granted')}")
    ok = errors_429 == 0
    if asked:
        ok = ok and percentile(reply_times(fake, asked), 0.99) <= 1.5
    if not paid:
        ok = ok and rate / (TELEGRAM_LIMIT - other_rate) >= 0.9
    print("all targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paid", action="store_true", help="paid broadcasts, 10,000 by default")
    parser.add_argument("--recipients", type=int)
    parser.add_argument("--blocked", type=float, default=0.05)
    parser.add_argument("--rate", type=float, help="questions a second (default 15; 0 paid)")
    parser.add_argument("--askers", type=int, default=1000)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.serve:
        asyncio.run(serve(args.base_url, args.token, args.database, args.paid))
        return 0
    if args.recipients is None:
        args.recipients = 10_000 if args.paid else 2_000
    if args.rate is None:
        args.rate = 0.0 if args.paid else 15.0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
