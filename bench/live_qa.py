"""Live Q&A under load: 500 attendees in one session, through the fake Bot API server.

    python bench/live_qa.py                  # 500 attendees
    python bench/live_qa.py --attendees 100 --seed 2

The real bot (python-telegram-bot over HTTP, SQLite file, the pacer, the renderer) long-polls
tests/fake_telegram.py with Telegram's flood limit on (30 sends a second). One session takes
questions (the sample programme narrowed to "Building a SOC on a Pakistani budget") and an
organiser keeps the moderators' live list open throughout. Every attendee, concurrently:
opens the list (📋 Top questions under /now), asks up to 2 questions with /ask (0, 1 or 2 at
random), and casts 10 votes (👍) on random other questions. The per-attendee limit of one
question every 30 s is real, so the second round of questions comes after the conference
clock is moved on 31 s; everything else runs in real time.

Printed, each next to what it must be:
- votes sent vs counted in the database;
- the bot's ranking vs the true ranking (from the votes sent, then time);
- the moderator list's edits per minute and the smallest gap between two edits (floor 3 s);
- p50/p99 time from a 👍 press queued to the bot's answerCallbackQuery arriving;
- 429s from the fake server;
- and, to say where the time went, the messages sent against Telegram's 30 a second, the
  transactions the votes took, and the CPU this one process (bot, fake server and clients
  together) used against the wall time, with the machine's load.
Votes for questions not on an attendee's first page are pressed as data (the client would
page there first); the bot does not care which page a vote comes from.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bot.answering import Answerer  # noqa: E402
from bot.answering.text import key_token  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.live_qa import EDIT_FLOOR_SECONDS, ranked  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.harness import NOW, ORGANISER, Harness, bot_running  # noqa: E402

SESSION = "soc-on-a-budget"
FIRST_ID = 200_000


def one_session_answerer() -> Answerer:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    soc = content.session(SESSION)
    assert soc is not None
    narrowed = dataclasses.replace(content, sessions=(soc,), _by_id={})
    return Answerer(narrowed, Clock(narrowed.conference.timezone, NOW))


class Bench:
    def __init__(self, h: Harness, attendees: int, rng: random.Random) -> None:
        self.h, self.fake, self.rng = h, h.fake, rng
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
        mine = {q.id for q in await self.h.store.live_questions(SESSION) if q.user_id == user}
        others = [q.id for q in await self.h.store.live_questions(SESSION) if q.id not in mine]
        await self.vote(user, self.rng.sample(others, min(10, len(others))))


async def run(attendees: int, seed: int) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            FakeTelegram() as fake,
            bot_running(fake, Path(tmp), one_session_answerer()) as h,
        ):
            b = Bench(h, attendees, rng)
            cpu_before = _cpu_seconds()
            panel = await b.say(ORGANISER, f"/moderate {SESSION}")
            assert "Moderating" in panel["text"], panel["text"]
            asks = {user: rng.choice((0, 1, 2)) for user in b.users}
            started = time.monotonic()
            second_round, first_votes = asyncio.Event(), asyncio.Event()
            askers = [asyncio.create_task(b.attendee(u, asks[u], second_round)) for u in b.users]
            # Voting starts once a first batch of questions is in, and overlaps the asking.
            while len(await h.store.live_questions(SESSION)) < min(50, attendees // 2):
                await asyncio.sleep(0.2)
            first_votes.set()
            voters = [asyncio.create_task(b.voter(u, first_votes)) for u in b.users]
            while b.first_round_done < attendees:
                failed = [t for t in askers if t.done() and t.exception() is not None]
                if failed:
                    raise RuntimeError("an attendee failed") from failed[0].exception()
                await asyncio.sleep(0.2)
            h.set_clock(h.state.now() + timedelta(seconds=31))
            second_round.set()
            await asyncio.gather(*askers, *voters)
            pacer = h.state.live_pacer
            assert pacer is not None
            await asyncio.sleep(EDIT_FLOOR_SECONDS + 0.5)  # the last edit after the last vote
            elapsed = time.monotonic() - started
            cpu = _cpu_seconds() - cpu_before
            sender = h.state.pacer
            assert sender is not None
            pacer_grants = {p.name: n for p, n in sorted(sender.granted.items())}
            slots = h.state.update_slots
            lends = slots.lends if slots is not None else 0
            vote_batches = h.state.live_votes.batches
            stored = await h.store.live_questions(SESSION)
            edits = [
                r.time
                for r in fake.requests
                if r.method == "editMessageText"
                and r.params.get("chat_id") in (ORGANISER, str(ORGANISER))
                and r.status == 200
            ]
            count_429 = fake.count_429
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
    load = os.getloadavg()[0]
    print(
        f"  CPU                        this process (bot + fake server + {attendees} clients) "
        f"{cpu:.0f} s in {elapsed:.0f} s = {cpu / elapsed:.0%} of one core; "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    ok = sent == counted and per_question_ok and same and count_429 == 0
    ok = ok and all(gap >= EDIT_FLOOR_SECONDS - 0.05 for gap in gaps)
    return 0 if ok else 1


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    return asyncio.run(run(args.attendees, args.seed))


if __name__ == "__main__":
    sys.exit(main())
