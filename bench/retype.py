"""What "still waiting" after a 👎 passed on costs per question, next to what a question costs.

    python bench/retype.py                        # 2,000 attendees x 25 questions
    python bench/retype.py --attendees 500 --per-attendee 100

Every question the bot answers or suggests on now checks whether that attendee has an
answer passed on after a 👎 still open. The bot keeps who may have one in memory and asks
the database only on a "maybe" (`bot.etiquette.PassedOn`); the alternative was asking the
database every time (`Store.open_rejections`). This prints, per question, in one run on
the same database file:
- decide: the matcher's decision and answer text (`Answerer.decide`, no answer cache), on
  the project's labelled attendee questions;
- record: storing the question (one `record_questions` call: a write every question
  already makes before the reply);
- the lookup through aiosqlite with the partial index of schema v9, and the same lookup
  with that index dropped (SQLite then walks the attendee's questions by `questions_user`);
- `PassedOn.withhold` as the bot runs it (memory first, the database on a "maybe").
The database holds attendees x per-attendee questions over three days, 1% of them passed
on after a 👎 during the last 8 hours (rejecting FAQ entries at random) and still open.
Lookups go to attendees chosen at random (most have no open rejection, as in real use),
each asking a question the bot answers with "faq:wifi". Figures are medians of 5 passes;
the machine is shared, so compare the shares within one run, and quote `uptime` with them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering import Answerer  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content.loader import load_content  # noqa: E402
from bot.etiquette import REPEAT_WINDOW, PassedOn  # noqa: E402
from bot.storage import NewQuestion, Rejection, Store  # noqa: E402

NOW = datetime(2027, 2, 16, 11, 30, tzinfo=UTC)
PASSES = 5


def per_call_us(times: list[float], calls: int) -> float:
    return statistics.median(times) / calls * 1e6


async def timed(make: Callable[[int], Awaitable[object]], calls: int) -> float:
    times = []
    for _ in range(PASSES):
        start = time.perf_counter()
        for i in range(calls):
            await make(i)
        times.append(time.perf_counter() - start)
    return per_call_us(times, calls)


async def fill(
    store: Store, attendees: int, per_attendee: int, keys: list[str], rng: random.Random
) -> int:
    """attendees x per_attendee answered questions over three days; 1% of them passed on
    after a 👎 some time in the last 8 hours (a conference day), rejecting one of `keys`;
    none answered by the organisers yet."""
    rows = [
        NewQuestion(
            user,
            user,
            n,
            f"question {n}",
            f"key {n % 97}",
            "answer",
            NOW - timedelta(minutes=rng.randrange(0, 3 * 24 * 60)),
            "faq",
            "wifi",
            "Wi-Fi",
        )
        for user in range(1, attendees + 1)
        for n in range(per_attendee)
    ]
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        ids += await store.record_questions(rows[start : start + 5000])
    passed = rng.sample(ids, max(1, len(ids) // 100))
    for qid in passed:
        moment = NOW - timedelta(minutes=rng.randrange(8 * 60))
        await store.pass_on_rejected(qid, rng.choice(keys), moment)
    return len(passed)


async def run(attendees: int, per_attendee: int) -> None:
    rng = random.Random(7)
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    answerer = Answerer(content, Clock(content.conference.timezone, NOW))
    data = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text("utf-8"))
    questions = [item["q"] for item in data["questions"]]
    since = NOW - REPEAT_WINDOW
    users = [rng.randrange(1, attendees + 1) for _ in range(2000)]

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        store = await Store.open(path)
        keys = [f"faq:{entry.id}" for entry in content.faq]
        passed = await fill(store, attendees, per_attendee, keys, rng)
        record = PassedOn()
        record.load(await store.open_rejections(None, since))
        with_rejections = sum(1 for user in range(1, attendees + 1) if record.recent(user, NOW))
        wifi = answerer.decide("wifi password", "en")
        assert wifi.reply.best is not None and wifi.reply.best.target.key == "faq:wifi"

        for q in questions:  # warm the analyser's word caches, as a running bot has
            answerer.decide(q, "en")
        decide = await timed(lambda i: _sync(answerer.decide, questions[i], "en"), len(questions))
        write = await timed(
            lambda i: store.record_questions(
                [NewQuestion(users[i], users[i], i, "wifi?", "wifi", "answer", NOW)]
            ),
            300,
        )
        indexed = await timed(lambda i: store.open_rejections(users[i], since), len(users))
        asked = 0

        async def counted(user_id: int, since: datetime) -> list[Rejection]:
            nonlocal asked
            asked += 1
            return await store.open_rejections(user_id, since)

        in_memory = await timed(lambda i: record.withhold(wifi, users[i], NOW, counted), len(users))
        to_db = asked / (PASSES * len(users))
        await store.close()

        conn = sqlite3.connect(path)
        conn.execute("DROP INDEX questions_open_rejections")
        conn.close()
        store = await Store.open(path)
        unindexed = await timed(lambda i: store.open_rejections(users[i], since), len(users))
        await store.close()

    base = decide + write
    print(
        f"Database: {attendees:,} attendees x {per_attendee} questions = "
        f"{attendees * per_attendee:,} questions, {passed:,} passed on after a 👎 "
        f"({with_rejections:,} attendees with one open in the last 30 minutes)"
    )
    print(f"Per question (median of {PASSES} passes), and as a share of decide + record:")
    decide_name = f"decide (matcher, {len(questions)} labelled questions)"
    print(f"  {decide_name:<44} {decide:8.1f} µs")
    print(f"  {'record (the write every question makes)':<44} {write:8.1f} µs")
    for name, cost in (
        ("open_rejections, partial index (v9)", indexed),
        ("open_rejections, index dropped", unindexed),
        ("PassedOn.withhold (memory, DB on a maybe)", in_memory),
    ):
        print(f"  {name:<44} {cost:8.1f} µs  = {cost / base:6.1%}")
    print(f'  (PassedOn asked the database for {to_db:.2%} of the questions: a "maybe")')


async def _sync(function: Callable[..., object], *args: object) -> object:
    return function(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--per-attendee", type=int, default=25)
    args = parser.parse_args()
    asyncio.run(run(args.attendees, args.per_attendee))


if __name__ == "__main__":
    main()
