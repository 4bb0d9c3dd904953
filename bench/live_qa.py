"""Live Q&A under load: 500 attendees in one session, through the fake Bot API server.

    python bench/live_qa.py                  # 500 attendees
    python bench/live_qa.py --attendees 100 --seed 2

The real bot (python-telegram-bot over HTTP, SQLite file, the production pacer, the renderer)
runs in its own process, as in production, and long-polls tests/fake_telegram.py, which runs
with the simulated attendees in this process, with Telegram's flood limit on (30 sends a
second). Sharing one process made the attendees' and the fake's work count as the bot's
latency (it held 89% of a core). One session takes
questions (the sample programme narrowed to "Building a SOC on a Pakistani budget") and an
organiser keeps the moderators' live list open throughout. Every attendee, concurrently:
opens the list (📋 Top questions under /now), asks up to 2 questions with /ask (0, 1 or 2 at
random), and casts 10 votes (👍) on random other questions. The per-attendee limit of one
question every 30 s is real, so the second round of questions comes after the bot's conference
clock is moved on 31 s (SIGUSR1 to its process); everything else runs in real time.

Printed, each next to what it must be:
- votes sent vs counted in the database;
- the bot's ranking vs the true ranking (from the votes sent, then time);
- the moderator list's edits per minute and the smallest gap between two edits (floor 3 s);
- p50/p99 time from a 👍 press queued to the bot's answerCallbackQuery arriving;
- 429s from the fake server;
- and, to say where the time went, the messages sent against Telegram's 30 a second, the
  transactions the votes took, the CPU the bot's process and this one (fake server and
  clients) each used against the wall time, and the machine's load (`uptime`).
Votes for questions not on an attendee's first page are pressed as data (the client would
page there first); the bot does not care which page a vote comes from.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bot.answering import Answerer  # noqa: E402
from bot.answering.text import key_token  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.handlers.context import state_of  # noqa: E402
from bot.live_qa import EDIT_FLOOR_SECONDS, ranked  # noqa: E402
from bot.storage import Store  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.harness import NOW, ORGANISER, ORGANISER_CHAT, running  # noqa: E402

SESSION = "soc-on-a-budget"
FIRST_ID = 200_000


def one_session_answerer() -> Answerer:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    soc = content.session(SESSION)
    assert soc is not None
    narrowed = dataclasses.replace(content, sessions=(soc,), _by_id={})
    return Answerer(narrowed, Clock(narrowed.conference.timezone, NOW))


# --- the bot's process --------------------------------------------------------------------

CLOCK_MOVED = "clock moved"


async def serve(base_url: str, token: str, database: str) -> None:
    """Child process: the bot until SIGTERM; SIGUSR1 moves its clock on 31 s. At the end, one
    JSON line of what only the bot knows (pacer grants, vote transactions, slot lends)."""
    answerer = one_session_answerer()
    settings = Settings(
        agenda_path=ROOT / "agenda.yaml",
        faq_dir=ROOT / "faq",
        bot_now=NOW,
        token=token,
        api_url=base_url,
        organiser_ids=frozenset({ORGANISER}),
        organiser_chat_id=ORGANISER_CHAT,
        database_path=Path(database),
    )
    app = build_application(settings, answerer.content, answerer=answerer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def move_clock() -> None:
        answerer.clock.set(answerer.clock.now() + timedelta(seconds=31))
        print(CLOCK_MOVED, flush=True)

    loop.add_signal_handler(signal.SIGUSR1, move_clock)
    async with running(app):
        await stop.wait()
        st = state_of(app)
        assert st.pacer is not None
        stats = {
            "granted": {p.name: n for p, n in sorted(st.pacer.granted.items())},
            "vote_batches": st.live.votes.batches,
            "lends": st.update_slots.lends if st.update_slots is not None else 0,
        }
    print(json.dumps(stats), flush=True)


async def start_bot(fake: FakeTelegram, database: Path) -> asyncio.subprocess.Process:
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
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a running process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


# --- the attendees ------------------------------------------------------------------------


class Bench:
    def __init__(
        self, fake: FakeTelegram, store: Store, attendees: int, rng: random.Random
    ) -> None:
        self.fake, self.store, self.rng = fake, store, rng
        self.users = [FIRST_ID + i for i in range(attendees)]
        self.token = key_token(f"session:{SESSION}")
        self.lists: dict[int, dict] = {}
        self.votes_sent: Counter[int] = Counter()
        self.latencies: list[float] = []
        self.refused = 0
        self.first_round_done = 0

    async def say(self, user: int, text: str) -> dict:
        after = self.fake.mark()
        self.fake.user_sends(user, text)
        return await self.fake.wait_for_message(
            user, after=after, method="sendMessage", timeout=120
        )

    async def open_list(self, user: int) -> None:
        now = await self.say(user, "/now")
        marker = self.fake.mark()
        self.fake.user_presses(user, now, f"qa:top:{self.token}:0")
        self.lists[user] = await self.fake.wait_for_message(
            user, contains="questions", after=marker, timeout=120
        )

    async def ask(self, user: int, number: int) -> None:
        text = f"Question {number} from attendee {user}: how would this scale <b>&</b>?"
        reply = await self.say(user, f"/ask {text}")
        assert "is in" in reply["text"], reply["text"]

    async def vote(self, user: int, question_ids: list[int]) -> None:
        for question_id in question_ids:
            started = time.monotonic()
            marker = self.fake.request_mark()
            update = self.fake.user_presses(
                user, self.lists[user], f"qa:up:{question_id}:0", forged=True
            )
            query_id = update["callback_query"]["id"]
            record = await self.fake.wait_for_request(
                "answerCallbackQuery",
                lambda r, q=query_id: r.params.get("callback_query_id") == q,
                after=marker,
                timeout=120,
            )
            self.latencies.append(record.time - started)
            if record.params.get("text") == "👍 Upvoted.":
                self.votes_sent[question_id] += 1
            else:
                self.refused += 1
            await asyncio.sleep(self.rng.uniform(0, 0.5))

    async def attendee(self, user: int, asks: int, ready: asyncio.Event) -> None:
        await self.open_list(user)
        if asks >= 1:
            await self.ask(user, 1)
        self.first_round_done += 1
        await ready.wait()  # the second round, after the clock moved on 31 s
        if asks >= 2:
            await self.ask(user, 2)

    async def voter(self, user: int, done_asking: asyncio.Event) -> None:
        await done_asking.wait()
        while user not in self.lists:  # the attendee's list is open first
            await asyncio.sleep(0.1)
        mine = {q.id for q in await self.store.live_questions(SESSION) if q.user_id == user}
        others = [q.id for q in await self.store.live_questions(SESSION) if q.id not in mine]
        await self.vote(user, self.rng.sample(others, min(10, len(others))))


async def run(attendees: int, seed: int) -> int:
    rng = random.Random(seed)
    print(uptime())
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        async with FakeTelegram() as fake:
            child = await start_bot(fake, database)
            assert child.stdout is not None
            try:
                after = fake.mark()
                fake.user_sends(ORGANISER, f"/moderate {SESSION}")
                panel = await fake.wait_for_message(
                    ORGANISER, after=after, method="sendMessage", timeout=120
                )
                assert "Moderating" in panel["text"], panel["text"]
                store = await Store.open_readonly(database)
                try:
                    b = Bench(fake, store, attendees, rng)
                    cpu_bench_before = time.process_time()
                    cpu_bot_before = cpu_seconds(child.pid)
                    asks = {user: rng.choice((0, 1, 2)) for user in b.users}
                    started = time.monotonic()
                    second_round, first_votes = asyncio.Event(), asyncio.Event()
                    askers = [
                        asyncio.create_task(b.attendee(u, asks[u], second_round)) for u in b.users
                    ]
                    # Voting starts once a first batch of questions is in, and overlaps the asking.
                    while len(await store.live_questions(SESSION)) < min(50, attendees // 2):
                        await asyncio.sleep(0.2)
                    first_votes.set()
                    voters = [asyncio.create_task(b.voter(u, first_votes)) for u in b.users]
                    while b.first_round_done < attendees:
                        failed = [t for t in askers if t.done() and t.exception() is not None]
                        if failed:
                            raise RuntimeError("an attendee failed") from failed[0].exception()
                        await asyncio.sleep(0.2)
                    child.send_signal(signal.SIGUSR1)  # the bot's clock moves on 31 s
                    while (await child.stdout.readline()).decode().strip() != CLOCK_MOVED:
                        pass
                    second_round.set()
                    await asyncio.gather(*askers, *voters)
                    await asyncio.sleep(
                        EDIT_FLOOR_SECONDS + 0.5
                    )  # the last edit after the last vote
                    elapsed = time.monotonic() - started
                    cpu_bench = time.process_time() - cpu_bench_before
                    cpu_bot = cpu_seconds(child.pid) - cpu_bot_before
                    load = os.getloadavg()[0]
                    stored = await store.live_questions(SESSION)
                finally:
                    await store.close()
            finally:
                if child.returncode is None:
                    child.terminate()
                output, _ = await child.communicate()
            stats: dict[str, Any] = {}
            for line in output.decode().splitlines():
                if line.startswith("{"):
                    stats = json.loads(line)
            edits = [
                r.time
                for r in fake.requests
                if r.method == "editMessageText"
                and r.params.get("chat_id") in (ORGANISER, str(ORGANISER))
                and r.status == 200
            ]
            count_429 = fake.count_429
    pacer_grants: dict[str, int] = stats.get("granted", {})
    vote_batches = stats.get("vote_batches")
    lends = stats.get("lends")
    counted = sum(q.votes for q in stored)
    sent = sum(b.votes_sent.values())
    truth = sorted(stored, key=lambda q: (-b.votes_sent[q.id], q.asked_at, q.id))
    bot_order = [q.id for q in ranked(stored)]
    same = bot_order == [q.id for q in truth]
    per_question_ok = all(q.votes == b.votes_sent[q.id] for q in stored)
    gaps = [later - earlier for earlier, later in itertools.pairwise(edits)]
    minutes = elapsed / 60
    latencies = sorted(b.latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"live Q&A bench: {attendees} attendees, 1 session, seed {seed}, {elapsed:.1f} s")
    print(f"  questions asked            {len(stored)}")
    print(
        f"  votes sent vs counted      {sent} vs {counted}   per question equal: "
        f"{per_question_ok}   (must be equal; {b.refused} presses refused)"
    )
    print(
        f"  ranking vs true ranking    {'identical' if same else 'DIFFERENT'}   (must be identical)"
    )
    print(
        f"  moderator edits            {len(edits)} in {elapsed:.0f} s = "
        f"{len(edits) / minutes:.1f}/min; smallest gap {min(gaps) if gaps else 0:.2f} s   "
        f"(floor {EDIT_FLOOR_SECONDS:.0f} s = at most {60 / EDIT_FLOOR_SECONDS:.0f}/min)"
    )
    print(
        f"  vote → acknowledgement     p50 {statistics.median(latencies) * 1000:.0f} ms   "
        f"p99 {p99 * 1000:.0f} ms   ({len(latencies)} votes)"
    )
    print(f"  429s                       {count_429}   (must be 0)")
    sends = sum(pacer_grants.values())
    print(
        f"  messages sent              {sends} = {sends / elapsed:.1f}/s of Telegram's 30/s "
        f"(pacer grants {pacer_grants}); votes committed in {vote_batches} transactions; "
        f"update slots lent while waiting {lends} times"
    )
    print(
        f"  CPU                        bot process {cpu_bot:.0f} s in {elapsed:.0f} s = "
        f"{cpu_bot / elapsed:.0%} of one core; bench process (fake server + {attendees} "
        f"clients) {cpu_bench:.0f} s = {cpu_bench / elapsed:.0%}; load average {load:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(uptime())
    ok = sent == counted and per_question_ok and same and count_429 == 0
    ok = ok and all(gap >= EDIT_FLOOR_SECONDS - 0.05 for gap in gaps)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.base_url, args.token, args.database))
        return 0
    return asyncio.run(run(args.attendees, args.seed))


if __name__ == "__main__":
    sys.exit(main())
