"""Change notices through the real bot and the fake Bot API (issue 18 §3).

A programme change (here: /reload of an edited agenda.yaml) gives the organisers one
preview; Send gives each affected attendee one message in their language; cancelled
sessions are unstarred; reminders follow the new times; a crash half-way through the
notices misses nobody and tells nobody twice.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot import announcement_engine
from bot.answering import Answerer
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.handlers.asking import labels
from tests.harness import ORGANISER, ORGANISER_CHAT, ROOT, Harness, bot_running
from tests.test_schedule_sync import ExportServer, server

__all__ = ["server"]  # the export server fixture, shared with tests/test_schedule_sync.py

MOVED, CANCELLED, NEW_SPEAKER = "ai-keynote", "banking-security-talk", "telecom-security-talk"
UNCHANGED = "d1-morning-tea"
EN_USER, UR_USER, SPEAKER_FAN, UNAFFECTED, STOPPED = 2001, 2002, 2003, 2004, 2005


def content_copy(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "faq", root / "faq")
    shutil.copy(ROOT / "agenda.yaml", root / "agenda.yaml")
    return root / "agenda.yaml", root / "faq"


def edit_agenda(path: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def session(data: dict[str, Any], session_id: str) -> dict[str, Any]:
    return next(s for s in data["sessions"] if s["id"] == session_id)


def the_changes(data: dict[str, Any]) -> None:
    """Keynote to 14:00 in Hall B, banking talk cancelled, new telecom speaker, one added."""
    keynote = session(data, MOVED)
    keynote.update(start="2027-02-16 14:00", end="2027-02-16 14:45", room="hall-b")
    data["sessions"].remove(session(data, CANCELLED))
    session(data, NEW_SPEAKER)["speakers"] = ["elena-varga"]
    data["sessions"].append(
        {
            "id": "late-addition",
            "title": "Lightning talks",
            "start": "2027-02-16 17:00",
            "end": "2027-02-16 17:30",
            "room": "hall-c",
        }
    )


async def attendees(h: Harness) -> None:
    now = h.state.now()
    stars = {
        EN_USER: [MOVED, CANCELLED, UNCHANGED],
        UR_USER: [MOVED],
        SPEAKER_FAN: [NEW_SPEAKER],
        UNAFFECTED: [UNCHANGED],
        STOPPED: [CANCELLED],
    }
    for user_id, starred in stars.items():
        await h.store.upsert_user(user_id, f"Attendee {user_id}", None, "en", now)
        for session_id in starred:
            await h.store.toggle_star(user_id, session_id, now)
    await h.store.set_subscribed(STOPPED, False, now)
    h.state.chosen_languages[UR_USER] = "ur"


async def reload_and_preview(h: Harness) -> SentMessage:
    after = h.fake.mark()
    h.fake.user_sends(ORGANISER, "/reload")
    await h.fake.wait_for_message(ORGANISER, contains="Reloaded", after=after, timeout=60)
    return await h.fake.wait_for_message(
        ORGANISER_CHAT, contains="Programme changes", after=after, timeout=10
    )


async def report(h: Harness, after: int, timeout: float = 20.0) -> SentMessage:
    return await h.fake.wait_for_message(
        ORGANISER_CHAT,
        predicate=lambda r: (
            r["method"] == "sendMessage" and r["text"].startswith("✅ Announcement")
        ),
        after=after,
        timeout=timeout,
    )


async def reload_without_preview(h: Harness) -> None:
    """/reload, wait until its review is over (a positive signal), then: no preview."""
    hook = h.state.on_programme_change
    assert hook is not None
    reviewed = asyncio.Event()

    async def observed(source: str) -> None:
        await hook(source)
        reviewed.set()

    h.state.on_programme_change = observed
    after = h.fake.mark()
    h.fake.user_sends(ORGANISER, "/reload")
    await h.fake.wait_for_message(ORGANISER, contains="Reloaded", after=after, timeout=60)
    await asyncio.wait_for(reviewed.wait(), 10)
    h.state.on_programme_change = hook
    await h.fake.assert_no_message(ORGANISER_CHAT, after=after, within=0.1)


def notices(fake: FakeTelegram, user_id: int, after: int = 0) -> list[SentMessage]:
    return [
        r for r in fake.sent[after:] if r["chat_id"] == user_id and r["method"] == "sendMessage"
    ]


async def test_preview_send_one_message_each_unstar_and_reminders_follow(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    agenda, faq = content_copy(tmp_path)
    async with bot_running(fake, tmp_path, sample_answerer, agenda_path=agenda, faq_dir=faq) as h:
        await attendees(h)
        edit_agenda(agenda, the_changes)
        shown = await reload_and_preview(h)
        text = shown["text"]
        assert "Moved: AI: the defender" in text and "Tue 16 Feb 12:15–13:00" in text
        assert "→ Tue 16 Feb 14:00–14:45 · Hall B, Ground floor" in text
        assert "Cancelled: Securing financial networks" in text
        assert "Speakers: Telecom networks under attack" in text
        assert "Added: Lightning talks" in text
        assert "3 attendee(s)" in text
        assert labels(shown) == ["📣 Send to 3 attendees", "Cancel"]
        assert notices(fake, EN_USER) == []  # nothing before Send

        mark = fake.mark()
        await h.press(ORGANISER, shown, button_text="📣 Send to 3 attendees")
        done = await report(h, mark)
        assert "3 delivered" in done["text"]

        [en] = notices(fake, EN_USER, mark)
        assert en["text"].startswith("📢 Programme change")
        assert "AI: the defender" in en["text"] and "now: Tue 16 Feb 14:00–14:45" in en["text"]
        assert "Securing financial networks" in en["text"] and "is cancelled" in en["text"]
        assert "Telecom" not in en["text"]  # not starred by them
        [ur] = notices(fake, UR_USER, mark)
        assert ur["text"].startswith("📢 پروگرام میں تبدیلی") and "AI: the defender" in ur["text"]
        [fan] = notices(fake, SPEAKER_FAN, mark)
        assert "speakers now Dr. Elena Varga" in fan["text"] and "was Faisal Shah" in fan["text"]
        assert notices(fake, UNAFFECTED, mark) == []
        assert notices(fake, STOPPED, mark) == []  # /stop means no announcements

        # Cancelled sessions are unstarred (for those who stopped announcements too).
        assert await h.store.starred_sessions(EN_USER) == [MOVED, UNCHANGED]
        assert await h.store.starred_sessions(STOPPED) == []
        progress = fake.message(ORGANISER_CHAT, shown["message_id"])
        assert progress is not None and "reply_markup" not in progress

        # Reminders follow the new time: none at the old one, one at the new, never twice.
        reminders = announcement_engine.of(h.app).reminders
        before = fake.mark()
        h.set_clock(datetime(2027, 2, 16, 12, 7))
        await reminders.run_once()
        assert not [r for r in notices(fake, UR_USER, before) if "Starting soon" in r["text"]]
        h.set_clock(datetime(2027, 2, 16, 13, 52))
        await reminders.run_once()
        await reminders.run_once()
        for user_id in (EN_USER, UR_USER):
            [reminder] = notices(fake, user_id, before)
            assert "AI: the defender" in reminder["text"] and "14:00–14:45" in reminder["text"]

        # Nothing changed since: another reload shows no preview.
        await reload_without_preview(h)


async def test_a_newer_change_replaces_the_unsent_preview_and_cancel_settles(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    agenda, faq = content_copy(tmp_path)
    async with bot_running(fake, tmp_path, sample_answerer, agenda_path=agenda, faq_dir=faq) as h:
        await attendees(h)
        edit_agenda(agenda, lambda d: session(d, MOVED).update(room="hall-c"))
        first = await reload_and_preview(h)
        assert labels(first) == ["📣 Send to 2 attendees", "Cancel"]
        edit_agenda(agenda, lambda d: session(d, NEW_SPEAKER).update(speakers=["elena-varga"]))
        second = await reload_and_preview(h)
        # The newer preview covers both changes since attendees were last told.
        assert "Moved: AI: the defender" in second["text"]
        assert "Speakers: Telecom" in second["text"]
        assert labels(second) == ["📣 Send to 3 attendees", "Cancel"]
        old = fake.message(ORGANISER_CHAT, first["message_id"])
        assert old is not None and "out of date" in old["text"] and "reply_markup" not in old
        gone = await h.press(ORGANISER, first, data=f"ann:send:{1}", forged=True)
        assert gone["text"]  # "already sent or cancelled"
        await h.press(ORGANISER, second, button_text="Cancel")
        await fake.wait_for_message(ORGANISER_CHAT, contains="was not sent")
        # Cancelled: nobody is told, and a reload with nothing new shows nothing.
        await reload_without_preview(h)
        assert notices(fake, EN_USER) == [] and notices(fake, SPEAKER_FAN) == []


async def test_a_change_made_while_the_bot_was_down_is_previewed_at_start(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    agenda, faq = content_copy(tmp_path)
    async with bot_running(fake, tmp_path, sample_answerer, agenda_path=agenda, faq_dir=faq) as h:
        await attendees(h)
    edit_agenda(agenda, the_changes)
    from bot.content import load_content

    changed = Answerer(load_content(agenda, faq), sample_answerer.clock)
    after = fake.mark()
    async with bot_running(fake, tmp_path, changed, agenda_path=agenda, faq_dir=faq):
        shown = await fake.wait_for_message(
            ORGANISER_CHAT, contains="Programme changes", after=after, timeout=10
        )
        assert "made while the bot was stopped" in shown["text"]
        assert labels(shown) == ["📣 Send to 3 attendees", "Cancel"]


async def test_crash_half_way_through_the_notices_misses_nobody_and_repeats_nobody(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
) -> None:
    agenda, faq = content_copy(tmp_path)
    users = list(range(3000, 3040))
    options: dict[str, Any] = {"agenda_path": agenda, "faq_dir": faq}
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=20, **options) as h:
        for user_id in users:
            await h.store.upsert_user(user_id, f"Attendee {user_id}", None, "en", h.state.now())
            await h.store.toggle_star(user_id, MOVED, h.state.now())
        edit_agenda(agenda, the_changes)
        shown = await reload_and_preview(h)
        await h.press(ORGANISER, shown, button_text="📣 Send to 40 attendees")
        await fake.wait_for_message(users[9], timeout=10)
        # Die without finishing or recording anything more (as kill -9 would).
        engine = announcement_engine.of(h.app)
        engine.broadcaster._stopping = True
        task = engine.broadcaster._task
        assert task is not None
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        got_before = {r["chat_id"] for r in fake.sent if r["chat_id"] in users}
        assert len(got_before) < 40
    from bot.content import load_content

    changed = Answerer(load_content(agenda, faq), sample_answerer.clock)
    mark = fake.mark()
    async with bot_running(fake, tmp_path, changed, **options) as h:
        await report(h, 0)
        counts = Counter(
            r["chat_id"]
            for r in fake.sent
            if r["chat_id"] in users and r["method"] == "sendMessage"
        )
        assert set(counts) == set(users)  # nobody missed
        assert sum(n - 1 for n in counts.values()) <= 2  # at most what was in flight
        for user_id in users:
            assert all("AI: the defender" in r["text"] for r in notices(fake, user_id))
        # The restart did not take the change for a new one.
        assert not [r for r in fake.sent[mark:] if "Programme changes" in r["text"]]


async def test_sync_previews_its_changes_and_tells_a_problem_once(
    fake: FakeTelegram, tmp_path: Path, server: ExportServer
) -> None:
    from bot.config import ScheduleSettings
    from bot.content import load_content
    from bot.schedule_sync import ScheduleSync
    from tests.test_schedule_sync import bot_state, frab, moved

    st = bot_state(tmp_path, server.url)  # agenda.yaml imported from the export
    agenda, faq = st.settings.agenda_path, st.settings.faq_dir
    answerer = Answerer(load_content(agenda, faq), st.clock)
    schedule = ScheduleSettings(url=server.url, poll_minutes=60, timeout_seconds=0.5)
    options: dict[str, Any] = {"agenda_path": agenda, "faq_dir": faq, "schedule": schedule}
    async with bot_running(fake, tmp_path, answerer, **options) as h:
        sync = h.app.bot_data["schedule_sync"]
        assert isinstance(sync, ScheduleSync)
        dns = next(s for s in h.state.content.sessions if "DNS" in s.title)
        await h.store.upsert_user(EN_USER, "Attendee", None, "en", h.state.now())
        await h.store.toggle_star(EN_USER, dns.id, h.state.now())

        server.body = json.dumps(moved(frab())).encode()
        after = fake.mark()
        sync.wake()
        shown = await fake.wait_for_message(
            ORGANISER_CHAT, contains="Programme changes", after=after, timeout=30
        )
        assert "from the schedule sync" in shown["text"] and "DNS privacy" in shown["text"]
        assert labels(shown) == ["📣 Send to 1 attendees", "Cancel"]

        server.mode = "500"
        after = fake.mark()
        rounds = sync.rounds
        for _ in range(2):
            sync.wake()
            rounds += 1
            while sync.rounds < rounds:
                await asyncio.sleep(0.01)
        [alert] = [m for m in fake.sent[after:] if m["chat_id"] == ORGANISER_CHAT]
        assert alert["text"].startswith("⚠️ Schedule sync: the server answered HTTP 500")
        assert "programme stays" in alert["text"]
