"""Announcements, stars, reminders and calendar files end to end, through the strict fake.

The fake keeps Telegram's sliding flood limit (30 messages in any second) on, so every
test here would fail on a 429 the bot provoked. Audiences are small; where the rate is not
what a test is about, the broadcast rate is raised so the suite stays fast.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from pathlib import Path

from bot import announcement_engine
from bot.answering import Answerer
from tests.fake_telegram import FakeTelegram, SentMessage
from tests.handlers.asking import labels
from tests.harness import ATTENDEE, ORGANISER, Harness, bot_running
from tests.storage.support import stored_user

FIRST = 2000
FAST = 200.0  # messages per second where pacing is not the point


async def seed(h: Harness, count: int, first: int = FIRST) -> list[int]:
    ids = list(range(first, first + count))
    for user_id in ids:
        await h.store.upsert_user(user_id, f"Attendee {user_id}", None, "en", h.state.now())
    return ids


def received(fake: FakeTelegram, chat_id: int, *, after: int = 0) -> list[SentMessage]:
    return [
        r for r in fake.sent[after:] if r["chat_id"] == chat_id and r["method"] == "sendMessage"
    ]


async def preview(h: Harness, text: str, **kwargs) -> SentMessage:
    reply = await h.say(ORGANISER, text, **kwargs)
    assert "Announcement preview" in reply["text"], reply["text"]
    return reply


async def finished(h: Harness, *, timeout: float = 10.0) -> SentMessage:
    """The final report message the organiser gets when a broadcast ends."""
    return await h.fake.wait_for_message(
        ORGANISER,
        predicate=lambda r: (
            r["method"] == "sendMessage"
            and r["text"].startswith(("✅ Announcement #", "⏹ Announcement #"))
        ),
        timeout=timeout,
    )


async def test_preview_confirm_and_everyone_gets_it_once_with_formatting(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        users = await seed(h, 5)
        bold = [{"type": "bold", "offset": 10, "length": 7}]
        shown = await preview(
            h,
            "/announce Keynote moved to Hall B",
            entities=[{"type": "bot_command", "offset": 0, "length": 9}, *bold],
        )
        assert "all subscribed attendees (5)" in shown["text"]
        assert "Keynote moved to Hall B" in shown["text"]
        assert labels(shown) == ["📣 Send to 5 attendees", "Cancel"]
        await fake.assert_no_message(users[0], after=0)  # nothing before the button
        mark = fake.mark()
        await h.press(ORGANISER, shown, button_text="📣 Send to 5 attendees")
        report = await finished(h)
        assert "5 delivered" in report["text"]
        for user_id in users:
            [message] = received(fake, user_id, after=mark)
            assert message["text"] == "Keynote moved to Hall B"
            assert message["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
        progress = fake.message(ORGANISER, shown["message_id"])
        assert "Announcement #1 sent" in progress["text"] and "Delivered 5" in progress["text"]
        assert "reply_markup" not in progress  # no buttons left to press
        assert fake.count_429 == 0
        broadcast = await h.store.get_broadcast(1)
        assert broadcast.status == "done"


async def test_reply_to_a_message_announces_its_text(harness: Harness):
    h, fake = harness, harness.fake
    users = await seed(h, 2)
    draft = fake.user_sends(
        ORGANISER,
        "Lunch is served in the marquee",
        entities=[{"type": "italic", "offset": 0, "length": 5}],
    )
    await fake.wait_for_message(ORGANISER)  # the bot treats it as a question first
    reply = await h.say(ORGANISER, "/announce", reply_to=draft)
    assert "<i>Lunch</i>" in reply["raw_text"]
    await h.press(ORGANISER, reply, button_text="📣 Send to 2 attendees")
    await finished(h)
    for user_id in users:
        [message] = received(fake, user_id)
        assert message["entities"] == [{"type": "italic", "offset": 0, "length": 5}]


async def test_cancel_sends_nothing_and_send_afterwards_is_refused(harness: Harness):
    h, fake = harness, harness.fake
    users = await seed(h, 3)
    shown = await preview(h, "/announce Coffee is ready")
    await h.press(ORGANISER, shown, button_text="Cancel")
    edited = await fake.wait_for_message(ORGANISER, method="editMessageText")
    assert "was not sent" in edited["text"]
    forged = await h.press(ORGANISER, shown, data="ann:send:1", forged=True)
    assert "already sent or cancelled" in forged["text"]
    await fake.assert_no_message(users[0], after=0)
    assert (await h.store.get_broadcast(1)).status == "cancelled"


async def test_only_organisers_announce_or_confirm(harness: Harness):
    h, fake = harness, harness.fake
    await seed(h, 2)
    refused = await h.say(ATTENDEE, "/announce Free pizza")
    assert "only for the organisers" in refused["text"]
    shown = await preview(h, "/announce Real news")
    answer = await h.press(ATTENDEE, shown, data="ann:send:1", forged=True)
    assert "only for the organisers" in answer["text"]
    assert (await h.store.get_broadcast(1)).status == "draft"
    await fake.assert_no_message(FIRST, after=0)


async def test_session_audience_and_usage_problems(harness: Harness):
    h = harness
    users = await seed(h, 5)
    for user_id in users[:2]:
        await h.store.toggle_star(user_id, "forensics-workshop", h.state.now())
    shown = await preview(h, "/announce session:forensics-workshop Moved to Lab 1")
    assert "attendees who starred “Workshop: Digital forensics lab" in shown["text"]
    assert labels(shown)[0] == "📣 Send to 2 attendees"
    await h.press(ORGANISER, shown, button_text="📣 Send to 2 attendees")
    await finished(h)
    assert [bool(received(h.fake, u)) for u in users] == [True, True, False, False, False]

    unknown = await h.say(ORGANISER, "/announce session:no-such-thing Hello")
    assert "no session <code>no-such-thing</code>" in unknown["raw_text"]
    usage = await h.say(ORGANISER, "/announce")
    assert "Usage" in usage["text"]
    nobody = await h.say(ORGANISER, "/announce session:ai-keynote Hi")
    assert "Nobody would receive this" in nobody["text"]
    past = await h.say(ORGANISER, "/announce at 2027-02-16 09:00 Too late")
    assert "already passed" in past["text"]


async def test_blocked_attendees_are_unsubscribed(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=FAST) as h:
        h.allowed_errors.add(("sendMessage", 403))
        users = await seed(h, 6)
        fake.block(users[1])
        fake.deactivate(users[4])
        shown = await preview(h, "/announce Doors open")
        await h.press(ORGANISER, shown, button_text="📣 Send to 6 attendees")
        report = await finished(h)
        assert "4 delivered, 2 blocked the bot" in report["text"]
        for user_id in (users[1], users[4]):
            user = await stored_user(h.store, user_id)
            assert not user.subscribed and user.blocked_at is not None
        assert await h.store.count_audience("all") == 4


async def test_flood_control_and_gateway_errors_are_retried(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=FAST) as h:
        h.allowed_errors.add(("sendMessage", 429))
        engine = announcement_engine.of(h.app)
        engine.broadcaster.backoff = 0.05
        engine.pacer.per_chat_interval = 0.1
        users = await seed(h, 8)
        fake.fail_next("sendMessage", 429, chat_id=users[2], retry_after=1)
        fake.fail_next("sendMessage", 502, times=2, chat_id=users[5])
        fake.fail_next("sendMessage", 500, times=9, chat_id=users[7])  # never recovers
        shown = await preview(h, "/announce Wi-Fi is back")
        await h.press(ORGANISER, shown, button_text="📣 Send to 8 attendees")
        report = await finished(h)
        assert "7 delivered" in report["text"] and "1 failed" in report["text"]
        counts = Counter(r["chat_id"] for r in fake.sent if r["chat_id"] in users)
        assert all(counts[u] == 1 for u in users[:7]) and counts[users[7]] == 0
        assert engine.broadcaster.flood_waits == 1
        rows = {
            row[0]: (row[1], row[2])
            for row in await h.store._all(
                h.store._db, "SELECT user_id, status, attempts FROM deliveries"
            )
        }
        assert rows[users[2]] == ("sent", 1)  # a 429 is not the attendee's attempt
        assert rows[users[5]] == ("sent", 3)
        assert rows[users[7]] == ("failed", 5)
        calls = [r for r in fake.requests_for("sendMessage") if r.params.get("chat_id") == users[7]]
        assert len(calls) == 5


async def test_steady_pace_and_replies_keep_flowing(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    """60 attendees at 28/s take two seconds; an attendee's /now is answered meanwhile."""
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        users = await seed(h, 60)
        shown = await preview(h, "/announce Prayer break in 10 minutes")
        await h.press(ORGANISER, shown, button_text="📣 Send to 60 attendees")
        await fake.wait_for_message(users[10])
        reply = await h.say(ATTENDEE, "/now")
        assert "On now" in reply["text"]
        still_going = len([u for u in users if received(fake, u)]) < 60
        await finished(h)
        assert still_going  # the reply did not wait for the broadcast
        times = sorted(fake.send_times)
        assert max(sum(1 for t in times if s - 1.0 < t <= s) for s in times) <= 30
        assert fake.count_429 == 0


async def test_restart_mid_broadcast_resumes_and_misses_nobody(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=20) as h:
        users = await seed(h, 40)
        shown = await preview(h, "/announce Shuttle leaves at 18:00")
        await h.press(ORGANISER, shown, button_text="📣 Send to 40 attendees")
        await fake.wait_for_message(users[9])
        # Die without finishing or recording anything more (as kill -9 would).
        engine = announcement_engine.of(h.app)
        engine.broadcaster._stopping = True
        task = engine.broadcaster._task
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        got_before = {r["chat_id"] for r in fake.sent if r["chat_id"] in users}
        assert len(got_before) < 40
    async with bot_running(fake, tmp_path, sample_answerer) as h:
        await finished(h)
        counts = Counter(
            r["chat_id"]
            for r in fake.sent
            if r["chat_id"] in users and r["method"] == "sendMessage"
        )
        assert set(counts) == set(users)  # nobody missed
        assert sum(n - 1 for n in counts.values()) <= 2  # at most what was in flight
        assert (await h.store.get_broadcast(1)).status == "done"


async def test_scheduled_announcement_survives_a_restart_and_can_be_listed(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=FAST) as h:
        users = await seed(h, 3)
        shown = await preview(h, "/announce at 2027-02-16 12:00 Lunch menu is up")
        assert "Tue 16 Feb 12:00 (Asia/Karachi), in 30 min" in shown["text"]
        await h.press(ORGANISER, shown, button_text="📣 Send to 3 attendees")
        edited = await fake.wait_for_message(ORGANISER, method="editMessageText")
        assert "scheduled" in edited["text"] and labels(edited) == ["⏹ Stop sending"]
        listing = await h.say(ORGANISER, "/announcements")
        assert "#1" in listing["text"] and "scheduled for Tue 16 Feb 12:00" in listing["text"]
        assert labels(listing) == ["⏹ Cancel #1"]
    assert not any(received(fake, u) for u in users)
    restart = datetime(2027, 2, 16, 12, 1)
    async with bot_running(
        fake, tmp_path, sample_answerer, broadcast_rate=FAST, bot_now=restart
    ) as h:
        await finished(h)
        assert all(len(received(fake, u)) == 1 for u in users)
        broadcast = await h.store.get_broadcast(1)
        assert broadcast.status == "done" and not broadcast.late


async def test_missed_schedule_goes_out_late_and_says_so(
    fake: FakeTelegram, tmp_path: Path, sample_answerer: Answerer
):
    async with bot_running(fake, tmp_path, sample_answerer, broadcast_rate=FAST) as h:
        await seed(h, 2)
        shown = await preview(h, "/announce at 2027-02-16 12:00 Lunch menu is up")
        await h.press(ORGANISER, shown, button_text="📣 Send to 2 attendees")
        await fake.wait_for_message(ORGANISER, method="editMessageText")
    async with bot_running(
        fake, tmp_path, sample_answerer, broadcast_rate=FAST, bot_now=datetime(2027, 2, 16, 14, 0)
    ) as h:
        await finished(h)
        assert (await h.store.get_broadcast(1)).late
        progress = fake.message(ORGANISER, shown["message_id"])
        assert "Sent late: the bot was not running at Tue 16 Feb 12:00" in progress["text"]


async def test_cancel_a_scheduled_one_from_the_list(harness: Harness):
    h, fake = harness, harness.fake
    await seed(h, 2)
    shown = await preview(h, "/announce at 2027-02-16 15:00 Panel moved")
    await h.press(ORGANISER, shown, button_text="📣 Send to 2 attendees")
    await fake.wait_for_message(ORGANISER, method="editMessageText")
    listing = await h.say(ORGANISER, "/announcements")
    await h.press(ORGANISER, listing, button_text="⏹ Cancel #1")
    assert (await h.store.get_broadcast(1)).status == "cancelled"
    refreshed = await fake.wait_for_message(
        ORGANISER,
        method="editMessageText",
        predicate=lambda r: r["message_id"] == listing["message_id"],
    )
    assert "cancelled" in refreshed["text"] and not labels(refreshed)
    h.set_clock(datetime(2027, 2, 16, 15, 30))
    announcement_engine.of(h.app).broadcaster.wake()
    await fake.assert_no_message(FIRST, after=0)
