"""The Mini App's budgets, measured over loopback HTTP against the real server.

    python bench/miniapp.py

1. First load of the programme without cache: the bytes our server transfers for the page,
   its stylesheet and scripts and the two API calls (programme, me), for the bundled sample
   and for a generated 300-session programme. Telegram's own telegram-web-app.js comes from
   telegram.org (the clients cache it; this machine has no internet) and is listed apart.
   Budget: 150 KB.
2. Server time for the programme data with 300 sessions (GET /app/api/programme, initData
   checked): the first request after a (re)load builds and caches the document, later ones
   reuse it; median and worst of 50. Budget: 50 ms.
3. The desk with 5,000 logged questions (about 1,700 groups, a third of them open):
   GET /app/api/desk/questions and GET /app/api/desk/stats, median and worst of 20.
   Budget: 200 ms.

Times are wall clock on this shared machine, measured client-side (so they include the
loopback round trip): an upper bound on the server's own time.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.content.models import Content, Room, Session, Speaker  # noqa: E402
from bot.live_qa_service import LiveBatches  # noqa: E402
from bot.storage import NewQuestion, Store  # noqa: E402
from bot.web.api import WebHost  # noqa: E402
from bot.web.initdata import sign  # noqa: E402
from bot.web.programme import ProgrammeCache  # noqa: E402
from bot.web.server import create_app  # noqa: E402

TOKEN = "123456:bench-token-not-a-real-one"
ORGANISER = 9001
KB = 1000


def init_data(user_id: int) -> str:
    user = f'{{"id":{user_id},"first_name":"Bench","language_code":"en"}}'
    return sign({"auth_date": str(int(time.time())), "user": user}, TOKEN)


def big_programme(sample: Content, sessions: int = 300) -> Content:
    """300 sessions over 3 days in 12 rooms, with descriptions and bios like the sample's.

    The texts are the sample's own words in random order, so they compress like real
    prose (repeated filler would flatter the gzipped size).
    """
    rng = random.Random(7)
    words = " ".join(s.description or "" for s in sample.sessions).split()

    def prose(count: int) -> str:
        return " ".join(rng.choice(words) for _ in range(count)) + "."

    tz = sample.conference.timezone
    rooms = tuple(Room(f"room-{i}", f"Room {i}", f"Floor {i % 3}") for i in range(12))
    speakers = tuple(
        Speaker(f"sp-{i}", f"Speaker {i}", f"Organisation {i}", prose(rng.randint(15, 35)))
        for i in range(150)
    )
    kinds, tracks = ("talk", "panel", "workshop", "keynote"), ("AI", "Policy", "CTF", "Cloud")
    start = datetime(2027, 2, 16, 9, 0, tzinfo=tz)
    items = []
    for i in range(sessions):
        day, slot, room = i // 100, (i % 100) // 12, rooms[i % 12]
        begin = start + timedelta(days=day, minutes=45 * slot)
        items.append(
            Session(
                id=f"s{i}",
                title=prose(rng.randint(3, 8)).rstrip(".").capitalize(),
                start=begin,
                end=begin + timedelta(minutes=40),
                room=room,
                kind=rng.choice(kinds),
                track=rng.choice(tracks),
                speakers=tuple(rng.sample(speakers, 2)),
                description=prose(rng.randint(30, 80)),
            )
        )
    return Content(
        conference=sample.conference, rooms=rooms, speakers=speakers, sessions=tuple(items)
    )


async def fill_log(store: Store, count: int = 5000) -> None:
    rng = random.Random(11)
    now = datetime.now(UTC)
    batch = []
    for i in range(count):
        group = rng.randrange(1700)
        decision = rng.choice(("answer", "suggest", "none", "none"))
        batch.append(
            NewQuestion(
                user_id=100_000 + rng.randrange(3000),
                chat_id=100_000 + i,
                message_id=i + 1,
                text=f"question number {group} about the venue, worded {i}",
                normalized=f"question {group}",
                decision=decision,
                now=now - timedelta(minutes=rng.randrange(3 * 24 * 60)),
                best_kind="faq",
                best_id=f"entry-{group % 60}",
                best_label=f"Entry {group % 60}",
                score=0.5,
            )
        )
    await store.record_questions(batch)
    open_groups = await store.desk_groups("open", 5000)
    for group in open_groups[: len(open_groups) // 2]:
        members = await store.group_members(group.question_id)
        if group.question_id % 2:
            await store.mark_answered([m.id for m in members], "Answered.", ORGANISER, now)
        else:
            await store.dismiss([m.id for m in members], ORGANISER, now)


async def serve(host: WebHost) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(create_app(host), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/app/"


async def timed(http: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    async with http.get(url, headers=headers) as response:
        await response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


async def first_load(http: aiohttp.ClientSession, base: str, user: int) -> dict[str, int]:
    """Bytes on the wire for a cold first load (no cache), by resource."""
    auth = {"X-Telegram-Init-Data": init_data(user)}
    sizes = {}
    for name, path, headers in (
        ("index.html", "", {}),
        ("app.css", "static/app.css", {}),
        ("tg.js", "static/tg.js", {}),
        ("programme.js", "static/programme.js", {}),
        ("questions.js", "static/questions.js", {}),  # Top questions: loaded with the page
        ("api/programme", "api/programme", auth),
        ("api/me", "api/me", auth),
    ):
        async with http.get(base + path, headers={**headers, "Accept-Encoding": "gzip"}) as r:
            body = await r.content.read()  # as transferred (compressed if the server did)
            assert r.status == 200, (path, r.status)
            sizes[name] = len(body) + sum(len(k) + len(v) + 4 for k, v in r.raw_headers)
    return sizes


def verdict(value: float, budget: float) -> str:
    return "within budget" if value <= budget else "OVER BUDGET"


async def main() -> None:
    sample = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    big = big_programme(sample)
    workdir = tempfile.TemporaryDirectory()
    store = await Store.open(Path(workdir.name) / "bench.sqlite3")
    await fill_log(store)
    clock = Clock(sample.conference.timezone, datetime(2027, 2, 16, 11, 30))
    live = LiveBatches(store)
    hosts = {}
    for name, content in (("sample", sample), ("300 sessions", big)):
        hosts[name] = WebHost(
            content=lambda c=content: c,
            now=clock.now,
            store=lambda: store,
            token=TOKEN,
            organiser_ids=frozenset({ORGANISER}),
            language_of=lambda user_id, code: "en",
            live=lambda: live,
        )
        hosts[name].per_user.limit = hosts[name].per_address.limit = 10**9  # not under test
    runners = []
    async with aiohttp.ClientSession(auto_decompress=False) as http:
        print("1. First load of the programme, no cache (budget 150 KB)")
        for name, host in hosts.items():
            runner, base = await serve(host)
            runners.append(runner)
            sizes = await first_load(http, base, 1001)
            total = sum(sizes.values())
            parts = ", ".join(f"{k} {v / KB:.1f}" for k, v in sizes.items())
            print(f"   {name:<13} {total / KB:6.1f} KB  {verdict(total, 150 * KB)}  ({parts})")
        print(
            "   not counted: telegram.org/js/telegram-web-app.js, Telegram's SDK (cached by "
            "the Telegram client; not reachable from this machine)"
        )
    async with aiohttp.ClientSession() as http:
        host = hosts["300 sessions"]
        host.programme = ProgrammeCache()  # cold: as after a start or a /reload
        runner, base = await serve(host)
        runners.append(runner)
        auth = {"X-Telegram-Init-Data": init_data(1001)}
        cold = await timed(http, base + "api/programme", auth)
        warm = [await timed(http, base + "api/programme", auth) for _ in range(50)]
        median = statistics.median(warm)
        print("2. Programme data, 300 sessions, server time incl. loopback (budget 50 ms)")
        print(f"   first request (builds the cached document): {cold:6.1f} ms  {verdict(cold, 50)}")
        print(
            f"   later requests: median {median:5.1f} ms, worst {max(warm):5.1f} ms  "
            f"{verdict(median, 50)}"
        )
        desk = {"X-Telegram-Init-Data": init_data(ORGANISER)}
        counts = {
            s: len(await store.desk_groups(s, 10_000)) for s in ("open", "answered", "dismissed")
        }
        total = len(await store.export_questions("all"))
        print(
            f"3. Desk with {total} logged questions ({counts['open']} open, {counts['answered']} "
            f"answered, {counts['dismissed']} dismissed groups) (budget 200 ms)"
        )
        desk_calls = (
            ("questions (open)", "api/desk/questions?status=open"),
            ("questions (answered)", "api/desk/questions?status=answered"),
            ("stats and charts", "api/desk/stats"),
        )
        link = await (await http.get(base + "api/desk/csv-link", headers=desk)).json()
        for label, path in (*desk_calls, ("CSV download", link["path"])):
            times = [await timed(http, base + path, desk) for _ in range(20)]
            median = statistics.median(times)
            print(
                f"   {label:<21} median {median:6.1f} ms, worst {max(times):6.1f} ms  "
                f"{verdict(max(times), 200)}"
            )
    for runner in runners:
        await runner.cleanup()
    await store.close()
    workdir.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
