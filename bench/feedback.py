"""Feedback prompts over a conference day, through the fake Bot API server.

    python bench/feedback.py                  # 1,000 attendees
    python bench/feedback.py --attendees 300 --seed 2

The real bot (python-telegram-bot over HTTP, SQLite file, the pacer, the broadcast engine)
long-polls tests/fake_telegram.py with Telegram's flood limit on (30 sends a second). Every
attendee stars 2–6 rated sessions of day 1 at random (the sample programme). The
conference clock walks through the day in 15-minute steps; at each step the feedback
service looks once (as its loop does every 30 s) and the step waits until the engine has
sent what it queued. Half-way through the afternoon the bot is stopped and started again
on the same database (the sessions that end meanwhile are asked about on the start). At
the biggest round, attendees ask /venue while the prompts go out: replies go first.

Printed, each next to what it must be:
- (attendee, session) pairs owed vs asked, and asked twice (every owed pair once, never twice);
- prompt messages sent vs queued (each queued prompt delivered once, across the restart);
- the smallest gap between two prompts to one attendee, in conference time (2 h at least);
- messages per attendee (batching: fewer messages than sessions);
- the biggest round: prompts, time to send, messages a second (at most 30);
- /venue reply p50/p99 during that round (replies are not queued behind the prompts);
- 429s from the fake server (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import announcement_engine  # noqa: E402
from bot.answering import Answerer  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.feedback import SPACING, is_rated  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.harness import Harness, bot_running  # noqa: E402

FIRST_ID = 300_000
START = datetime(2027, 2, 16, 9, 0)
END = datetime(2027, 2, 16, 21, 0)
RESTART_AT = datetime(2027, 2, 16, 14, 30)
STEP = timedelta(minutes=15)
REPLY_PROBES = 20


def answerer() -> Answerer:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    return Answerer(content, Clock(content.conference.timezone, START))


async def drained(h: Harness, timeout: float = 600.0) -> None:
    async def idle() -> bool:
        return not await h.store.broadcasts_with_status("sending")

    await h.until(idle, timeout=timeout)


def sessions_offered(record: dict) -> set[str]:
    """The session tokens a message's ⭐ buttons (fb:r:TOKEN:N) or batch buttons (fb:o:TOKEN)
    ask about."""
    markup = record.get("reply_markup") or {}
    data = [
        str(button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
    return {d.split(":")[2] for d in data if d.startswith(("fb:r:", "fb:o:"))}


def is_prompt(record: dict) -> bool:
    return record["method"] == "sendMessage" and bool(sessions_offered(record))


async def probe_replies(h: Harness, users: list[int]) -> list[float]:
    """/venue from a few attendees while a round goes out: seconds to each reply."""

    async def one(user: int) -> float:
        started = time.monotonic()
        after = h.fake.mark()
        h.fake.user_sends(user, "/venue")
        await h.fake.wait_for_message(user, after=after, contains="Jinnah", timeout=120)
        return time.monotonic() - started

    return list(await asyncio.gather(*(one(u) for u in users)))


async def walk(
    h: Harness, start: datetime, end: datetime, biggest: dict[str, float], users: list[int]
) -> None:
    """Step the conference clock; at each step one look of the service, then drain."""
    moment = start
    service = announcement_engine.of(h.app).feedback
    while moment <= end:
        h.set_clock(moment)
        before = h.fake.mark()
        started = time.monotonic()
        queued = await service.run_once()
        probes: list[float] = []
        if queued > biggest.get("prompts", 0) and queued >= 2 * REPLY_PROBES:
            probes = await probe_replies(h, users[:REPLY_PROBES])
        await drained(h)
        took = time.monotonic() - started
        if queued > biggest.get("prompts", 0):
            sent = [r for r in h.fake.sent[before:] if is_prompt(r)]
            biggest.update(prompts=queued, seconds=took, sent=len(sent))
            if probes:
                biggest["probes"] = probes  # type: ignore[assignment]
        moment += STEP


async def run(attendees: int, seed: int) -> int:
    rng = random.Random(seed)
    content = answerer().content
    day1 = [s for s in content.sessions if s.start.date() == START.date() and is_rated(s)]
    users = [FIRST_ID + i for i in range(attendees)]
    stars = {u: rng.sample(day1, rng.randint(2, 6)) for u in users}
    owed = {(u, s.id) for u, sessions in stars.items() for s in sessions}
    biggest: dict[str, float] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeTelegram() as fake:
            async with bot_running(fake, Path(tmp), answerer(), bot_now=START) as h:
                for user, sessions in stars.items():
                    for session in sessions:
                        await h.store.toggle_star(user, session.id, h.state.now())
                await walk(h, START, RESTART_AT, biggest, users)
            async with bot_running(fake, Path(tmp), answerer(), bot_now=RESTART_AT + STEP) as h:
                await drained(h)  # what the start queued (ended while down)
                await walk(h, RESTART_AT + STEP, END + SPACING, biggest, users)
                rows = await h.store._select(  # a bench reads the table whole, once
                    "SELECT user_id, session_id, prompted_at FROM feedback_owed"
                )
                sending = await h.store.broadcasts_with_status("sending")
            count_429 = fake.count_429
            prompts = [r for r in fake.sent if is_prompt(r)]
    elapsed = time.monotonic() - started
    asked = {(int(r[0]), str(r[1])) for r in rows if r[2] is not None}
    times: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        if r[2] is not None:
            times[int(r[0])].add(str(r[2]))
    queued = sum(len(t) for t in times.values())
    per_user = Counter(int(r["chat_id"]) for r in prompts)
    gaps = [
        (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 3600
        for stamps in times.values()
        for a, b in zip(sorted(stamps), sorted(stamps)[1:], strict=False)
    ]
    # A session offered in two prompt messages to one attendee = asked twice.
    offered = Counter((int(r["chat_id"]), token) for r in prompts for token in sessions_offered(r))
    twice = sum(1 for n in offered.values() if n > 1)
    rate = biggest["sent"] / biggest["seconds"] if biggest.get("seconds") else 0.0
    probes = sorted(biggest.get("probes", []))  # type: ignore[arg-type]
    sessions_per_user = statistics.mean(len(s) for s in stars.values())
    print(
        f"feedback bench: {attendees} attendees, {len(day1)} rated sessions on day 1, "
        f"seed {seed}, restart at {RESTART_AT:%H:%M}, {elapsed:.1f} s"
    )
    print(
        f"  pairs owed vs asked        {len(owed)} vs {len(asked & owed)}   asked twice: "
        f"{twice}   (must be equal, 0 twice)"
    )
    print(f"  prompts sent vs queued     {len(prompts)} vs {queued}   (must be equal)")
    print(
        f"  smallest gap per attendee  {min(gaps) if gaps else 0:.2f} h of conference time   "
        f"(at least {SPACING.total_seconds() / 3600:.0f} h)"
    )
    print(
        f"  messages per attendee      {statistics.mean(per_user.values()):.2f} for "
        f"{sessions_per_user:.2f} sessions each   (batched: fewer)"
    )
    print(
        f"  biggest round              {biggest.get('prompts', 0):.0f} prompts in "
        f"{biggest.get('seconds', 0):.1f} s = {rate:.1f}/s   (at most 30/s)"
    )
    if probes:
        p99 = probes[min(len(probes) - 1, int(0.99 * len(probes)))]
        print(
            f"  /venue during that round   p50 {statistics.median(probes) * 1000:.0f} ms   "
            f"p99 {p99 * 1000:.0f} ms   ({len(probes)} replies; the round alone takes "
            f"{biggest.get('seconds', 0):.1f} s)"
        )
    print(f"  429s                       {count_429}   (must be 0)")
    ok = len(owed) == len(asked & owed) and twice == 0 and len(prompts) == queued
    ok = ok and (not gaps or min(gaps) >= SPACING.total_seconds() / 3600) and count_429 == 0
    ok = ok and not sending and rate <= 30.5
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    return asyncio.run(run(args.attendees, args.seed))


if __name__ == "__main__":
    sys.exit(main())
