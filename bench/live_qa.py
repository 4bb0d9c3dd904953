"""Live Q&A under load: 500 attendees in one session, through the fake Bot API server.

    python bench/live_qa.py                  # 500 attendees, in the chat
    python bench/live_qa.py --via miniapp    # the same load through the Mini App's API
    python bench/live_qa.py --via mixed      # half in the chat, half on the page
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

`--via miniapp`: every attendee does the same on the Mini App's page instead, over HTTP to
the bot's own web server (WEB_URL set, as in production): opens Top questions (GET), asks
(POST api/qa/ask), votes (POST api/qa/vote, answered with the refreshed list), and, as the
page does while it is open, reloads the list every 5 s. Each attendee's page connects from
an address of its own (127.x.y.z), as phones do, so the per-address limit applies as in a
hall, not to the whole bench at once. `--via mixed`: even attendees in the chat, odd ones
on the page. A page's vote → answer is the POST's round trip (the list included).
Transactions and list reads are counted by the child at the store's methods
(toggle_live_votes, live_snapshots, live_questions, live_voted, live_question), so the same
script measures any commit: run it at an older commit in a `git worktree` to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import os
import random
import secrets
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

import aiohttp

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
from tests.ports import free_port  # noqa: E402
from tests.web.support import init_data  # noqa: E402

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
PAGE_REFRESH_SECONDS = 5.0  # bot/web/static/questions.js: REFRESH_MS
# The store's methods the live lists and votes use, each call one hold of the store's lock.
COUNTED = ("toggle_live_votes", "live_snapshots", "live_questions", "live_voted", "live_question")


class Counted:
    """Counts calls of a store method (and the items of a batch method) in the child."""

    def __init__(self, method: Any) -> None:
        self.method, self.calls, self.items = method, 0, 0

    async def __call__(self, *args: Any) -> Any:
        self.calls += 1
        if args and isinstance(args[0], list | tuple):
            self.items += len(args[0])
        return await self.method(*args)


async def serve(base_url: str, token: str, database: str, web_port: int) -> None:
    """Child process: the bot (and its Mini App on `web_port`) until SIGTERM; SIGUSR1 moves
    its clock on 31 s. At the end, one JSON line of what only the bot knows (pacer grants,
    the store's calls for votes and lists, slot lends)."""
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
        web_url="https://bench.invalid",
        web_port=web_port,
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
        st = state_of(app)
        # Before any update or page request: the batchers keep the methods they are made with.
        counted = {name: Counted(getattr(st.store, name)) for name in COUNTED}
        for name, wrapper in counted.items():
            setattr(st.store, name, wrapper)
        await stop.wait()
        assert st.pacer is not None
        stats = {
            "granted": {p.name: n for p, n in sorted(st.pacer.granted.items())},
            "calls": {name: [c.calls, c.items] for name, c in counted.items()},
            "lends": st.update_slots.lends if st.update_slots is not None else 0,
        }
    print(json.dumps(stats), flush=True)


async def start_bot(
    fake: FakeTelegram, database: Path, web_port: int
) -> asyncio.subprocess.Process:
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
        "--web-port",
        str(web_port),
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


VIAS = ("chat", "miniapp", "mixed")


def on_page(via: str, user: int) -> bool:
    """Whether this attendee uses the Mini App (else the chat)."""
    return via == "miniapp" or (via == "mixed" and user % 2 == 1)


class Page:
    """One attendee's Mini App page: signed initData, a fresh nonce per POST, and a
    connection from an address of its own."""

    def __init__(self, base: str, token: str, user: int) -> None:
        self.base = base
        self.headers = {"X-Telegram-Init-Data": init_data(token, user, name=f"A{user}")}
        index = user - FIRST_ID + 1
        address = f"127.{index // 65536 % 256}.{index // 256 % 256}.{index % 256 or 1}"
        connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=4)
        self.http = aiohttp.ClientSession(connector=connector)

    async def get(self) -> dict:
        async with self.http.get(
            f"{self.base}api/qa/questions/{SESSION}", headers=self.headers
        ) as response:
            assert response.status == 200, response.status
            return dict(await response.json())

    async def post(self, path: str, **values: object) -> tuple[int, dict]:
        body = {"nonce": secrets.token_hex(16), **values}
        async with self.http.post(self.base + path, json=body, headers=self.headers) as response:
            return response.status, dict(await response.json())


class Bench:
    def __init__(
        self,
        fake: FakeTelegram,
        store: Store,
        attendees: int,
        rng: random.Random,
        via: str,
        web_base: str,
    ) -> None:
        self.fake, self.store, self.rng = fake, store, rng
        self.users = [FIRST_ID + i for i in range(attendees)]
        self.token = key_token(f"session:{SESSION}")
        self.lists: dict[int, dict] = {}
        self.pages = {
            user: Page(web_base, fake.token, user) for user in self.users if on_page(via, user)
        }
        self.votes_sent: Counter[int] = Counter()
        self.latencies: dict[str, list[float]] = {"chat": [], "page": []}
        self.sent_by: Counter[str] = Counter()
        self.refused = 0
        self.first_round_done = 0
        self.polls = 0
        self.page_errors: Counter[int] = Counter()
        self.closing = asyncio.Event()

    async def say(self, user: int, text: str) -> dict:
        after = self.fake.mark()
        self.fake.user_sends(user, text)
        return await self.fake.wait_for_message(
            user, after=after, method="sendMessage", timeout=120
        )

    async def open_list(self, user: int) -> None:
        page = self.pages.get(user)
        if page is not None:
            self.lists[user] = await page.get()
            return
        now = await self.say(user, "/now")
        marker = self.fake.mark()
        self.fake.user_presses(user, now, f"qa:top:{self.token}:0")
        self.lists[user] = await self.fake.wait_for_message(
            user, contains="questions", after=marker, timeout=120
        )

    async def refresh(self, page: Page) -> None:
        """The open page reloads its list every 5 s, as questions.js does, until the end."""
        while not self.closing.is_set():
            try:
                await asyncio.wait_for(self.closing.wait(), PAGE_REFRESH_SECONDS)
            except TimeoutError:
                await page.get()
                self.polls += 1

    async def ask(self, user: int, number: int) -> None:
        text = f"Question {number} from attendee {user}: how would this scale <b>&</b>?"
        page = self.pages.get(user)
        if page is not None:
            status, asked = await page.post("api/qa/ask", session=SESSION, text=text)
            assert status == 200, (status, asked)
            return
        reply = await self.say(user, f"/ask {text}")
        assert "is in" in reply["text"], reply["text"]

    async def press(self, user: int, question_id: int) -> tuple[str, bool]:
        """One vote; (channel, whether it was counted as an upvote)."""
        page = self.pages.get(user)
        started = time.monotonic()
        if page is not None:
            status, answer = await page.post("api/qa/vote", id=question_id)
            self.latencies["page"].append(time.monotonic() - started)
            if status != 200 and answer.get("error") != "vote_refused":
                self.page_errors[status] += 1
            return "page", status == 200 and answer.get("voted") is True
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
        self.latencies["chat"].append(record.time - started)
        return "chat", record.params.get("text") == "👍 Upvoted."

    async def vote(self, user: int, question_ids: list[int]) -> None:
        for question_id in question_ids:
            channel, counted = await self.press(user, question_id)
            if counted:
                self.votes_sent[question_id] += 1
                self.sent_by[channel] += 1
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
        # One read: with two, a question the attendee asked in between was "another's".
        others = [q.id for q in await self.store.live_questions(SESSION) if q.user_id != user]
        await self.vote(user, self.rng.sample(others, min(10, len(others))))

    async def close(self) -> None:
        for page in self.pages.values():
            await page.http.close()


def percentiles(latencies: list[float]) -> str:
    if not latencies:
        return "none"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.0f} ms   p99 {p99 * 1000:.0f} ms   "
        f"({len(ordered)} votes)"
    )


async def run(attendees: int, seed: int, via: str) -> int:
    rng = random.Random(seed)
    print(uptime())
    web_port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        async with FakeTelegram() as fake:
            child = await start_bot(fake, database, web_port)
            assert child.stdout is not None
            try:
                after = fake.mark()
                fake.user_sends(ORGANISER, f"/moderate {SESSION}")
                panel = await fake.wait_for_message(
                    ORGANISER, after=after, method="sendMessage", timeout=120
                )
                assert "Moderating" in panel["text"], panel["text"]
                store = await Store.open_readonly(database)
                b = Bench(fake, store, attendees, rng, via, f"http://127.0.0.1:{web_port}/app/")
                try:
                    cpu_bench_before = time.process_time()
                    cpu_bot_before = cpu_seconds(child.pid)
                    asks = {user: rng.choice((0, 1, 2)) for user in b.users}
                    started = time.monotonic()
                    second_round, first_votes = asyncio.Event(), asyncio.Event()
                    askers = [
                        asyncio.create_task(b.attendee(u, asks[u], second_round)) for u in b.users
                    ]
                    refreshes = [asyncio.create_task(b.refresh(p)) for p in b.pages.values()]
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
                    b.closing.set()
                    await asyncio.gather(*refreshes)
                    elapsed = time.monotonic() - started
                    cpu_bench = time.process_time() - cpu_bench_before
                    cpu_bot = cpu_seconds(child.pid) - cpu_bot_before
                    load = os.getloadavg()[0]
                    stored = await store.live_questions(SESSION)
                finally:
                    await b.close()
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
    calls: dict[str, list[int]] = stats.get("calls", {})
    lends = stats.get("lends")
    counted = sum(q.votes for q in stored)
    sent = sum(b.votes_sent.values())
    truth = sorted(stored, key=lambda q: (-b.votes_sent[q.id], q.asked_at, q.id))
    bot_order = [q.id for q in ranked(stored)]
    same = bot_order == [q.id for q in truth]
    per_question_ok = all(q.votes == b.votes_sent[q.id] for q in stored)
    gaps = [later - earlier for earlier, later in itertools.pairwise(edits)]
    minutes = elapsed / 60
    on_pages = len(b.pages)
    print(
        f"live Q&A bench: {attendees} attendees ({attendees - on_pages} in the chat, "
        f"{on_pages} on the Mini App), 1 session, seed {seed}, {elapsed:.1f} s"
    )
    print(f"  questions asked            {len(stored)}")
    print(
        f"  votes sent vs counted      {sent} vs {counted}   per question equal: "
        f"{per_question_ok}   (must be equal; {b.refused} presses refused; sent: "
        f"{b.sent_by['chat']} in the chat, {b.sent_by['page']} on the page)"
    )
    print(
        f"  ranking vs true ranking    {'identical' if same else 'DIFFERENT'}   (must be identical)"
    )
    print(
        f"  moderator edits            {len(edits)} in {elapsed:.0f} s = "
        f"{len(edits) / minutes:.1f}/min; smallest gap {min(gaps) if gaps else 0:.2f} s   "
        f"(floor {EDIT_FLOOR_SECONDS:.0f} s = at most {60 / EDIT_FLOOR_SECONDS:.0f}/min)"
    )
    if b.latencies["chat"]:
        print(f"  vote → acknowledgement     {percentiles(b.latencies['chat'])}   (chat 👍)")
    if b.latencies["page"]:
        print(
            f"  vote → answer (page)       {percentiles(b.latencies['page'])}   "
            f"(POST api/qa/vote with its list; errors {dict(b.page_errors) or 0})"
        )
        print(
            f"  page list reloads          {b.polls} "
            f"(every {PAGE_REFRESH_SECONDS:.0f} s per open page)"
        )
    print(f"  429s                       {count_429}   (must be 0)")
    sends = sum(pacer_grants.values())
    print(
        f"  messages sent              {sends} = {sends / elapsed:.1f}/s of Telegram's 30/s "
        f"(pacer grants {pacer_grants}); update slots lent while waiting {lends} times"
    )
    votes_calls, votes_items = calls.get("toggle_live_votes", [0, 0])
    reads = {name: calls.get(name, [0, 0])[0] for name in COUNTED[1:]}
    print(
        f"  store                      votes committed in {votes_calls} transactions "
        f"({votes_items} presses); list reads {sum(reads.values())} holds of the lock {reads}"
    )
    print(
        f"  CPU                        bot process {cpu_bot:.0f} s in {elapsed:.0f} s = "
        f"{cpu_bot / elapsed:.0%} of one core; bench process (fake server + {attendees} "
        f"clients) {cpu_bench:.0f} s = {cpu_bench / elapsed:.0%}; load average {load:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print(uptime())
    ok = sent == counted and per_question_ok and same and count_429 == 0 and not b.page_errors
    ok = ok and all(gap >= EDIT_FLOOR_SECONDS - 0.05 for gap in gaps)
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--via",
        choices=VIAS,
        default="chat",
        help="the attendees use the chat, the Mini App, or half and half",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--web-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.base_url, args.token, args.database, args.web_port))
        return 0
    return asyncio.run(run(args.attendees, args.seed, args.via))


if __name__ == "__main__":
    sys.exit(main())
