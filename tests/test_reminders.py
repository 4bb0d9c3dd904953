"""Reminders by the conference clock: timing, preferences, restarts, started sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.broadcast import SendResult
from bot.content import Content, load_content
from bot.pacing import Pacer
from bot.reminders import DueReminder, ReminderService, due_reminders, upcoming_session_ids
from bot.storage import ReminderCandidate, Store
from tests.content_builder import write_content
from tests.storage.support import stored_user
from tests.test_pacing import FakeTime


@pytest.fixture
def content(tmp_path: Path) -> Content:
    agenda, faq = write_content(tmp_path)
    return load_content(agenda, faq)


def local(content: Content, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=content.conference.timezone)


def candidate(user: int, session: str, minutes: int | None = None) -> ReminderCandidate:
    return ReminderCandidate(user, session, minutes is not None, minutes)


def test_due_from_the_lead_time_until_the_start(content: Content):
    # "forensics" starts at 10:00 local; the default lead is 10 minutes.
    stars = [candidate(1, "forensics")]
    assert due_reminders(content, stars, local(content, "2027-02-16 09:49:59")) == []
    due = due_reminders(content, stars, local(content, "2027-02-16 09:50"))
    assert [(r.user_id, r.session.id, r.minutes_before) for r in due] == [(1, "forensics", 10)]
    assert due_reminders(content, stars, local(content, "2027-02-16 09:59:59"))
    assert due_reminders(content, stars, local(content, "2027-02-16 10:00")) == []  # started


def test_preferences_and_unknown_sessions(content: Content):
    at = local(content, "2027-02-16 09:40")  # 20 minutes before forensics
    stars = [
        candidate(1, "forensics", 30),  # /remind 30: due
        candidate(2, "forensics", 5),  # /remind 5: not yet
        candidate(3, "forensics"),  # default 10: not yet
        candidate(4, "gone-from-the-programme", 60),
    ]
    assert [r.user_id for r in due_reminders(content, stars, at)] == [1]
    assert [r.user_id for r in due_reminders(content, stars, at, default_minutes=20)] == [1, 3]


def test_upcoming_sessions_are_the_ones_not_started(content: Content):
    ids = upcoming_session_ids(content, local(content, "2027-02-16 09:30"))
    assert "opening" not in ids  # 09:00, already on
    assert {"forensics", "lunch"} <= set(ids)
    assert "elections" not in ids  # 24.5 hours ahead: beyond the longest /remind lead
    assert "elections" in upcoming_session_ids(content, local(content, "2027-02-16 10:30"))


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.script: dict[int, list[SendResult]] = {}

    async def __call__(self, chat_id: int, text: str, parse_mode: str | None) -> SendResult:
        scripted = self.script.get(chat_id)
        if scripted:
            return scripted.pop(0)
        self.sent.append((chat_id, text))
        return SendResult.sent(len(self.sent))


def render(reminders: Sequence[DueReminder], now: datetime) -> tuple[str, str | None]:
    return " + ".join(r.session.title for r in reminders), None


class Moment:
    def __init__(self, value: datetime) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return self.value


def service(store: Store, content: Content, now: Moment, send: Recorder) -> ReminderService:
    clock = FakeTime()
    return ReminderService(
        store,
        send,
        pacer=Pacer(28, clock=clock, sleep=clock.sleep),
        content=lambda: content,
        now=now,
        render=render,
    )


async def test_sent_once_even_across_a_restart(tmp_path: Path, content: Content):
    path = tmp_path / "r.sqlite3"
    start = local(content, "2027-02-16 09:52")
    first = await Store.open(path)
    await first.upsert_user(1, "A", None, "en", start)
    await first.toggle_star(1, "forensics", start)
    await first.toggle_star(1, "lunch", start)
    send = Recorder()
    now = Moment(start)
    assert await service(first, content, now, send).run_once() == 1
    assert send.sent == [(1, "Workshop: digital forensics lab")]
    await first.close()

    second = await Store.open(path)  # the bot restarted
    try:
        send2 = Recorder()
        again = service(second, content, now, send2)
        assert await again.run_once() == 0
        now.value = local(content, "2027-02-16 12:55")  # lunch at 13:00 is now due
        assert await again.run_once() == 1
        assert send2.sent == [(1, "Lunch")]
        assert await again.run_once() == 0
    finally:
        await second.close()


async def test_parallel_sessions_make_one_message_and_off_means_off(store: Store, content: Content):
    now = Moment(local(content, "2027-02-17 09:55"))
    for user in (1, 2):
        await store.upsert_user(user, "A", None, "en", now.value)
    await store.toggle_star(1, "elections", now.value)
    await store.toggle_star(2, "elections", now.value)
    await store.set_reminder_minutes(2, None)  # /remind off
    assert await store.reminder_pref(2) == (True, None)
    assert await store.reminder_pref(1) == (False, None)
    send = Recorder()
    assert await service(store, content, now, send).run_once() == 1
    assert [chat for chat, _ in send.sent] == [1]


async def test_skipped_once_started_and_blocked_attendees(store: Store, content: Content):
    now = Moment(local(content, "2027-02-16 10:05"))  # forensics began at 10:00
    await store.upsert_user(1, "A", None, "en", now.value)
    await store.toggle_star(1, "forensics", now.value)
    send = Recorder()
    svc = service(store, content, now, send)
    assert await svc.run_once() == 0  # the bot was down at 09:50: too late now

    await store.upsert_user(2, "B", None, "en", now.value)
    await store.toggle_star(2, "lunch", now.value)
    send.script[2] = [SendResult.blocked("Forbidden: bot was blocked by the user")]
    now.value = local(content, "2027-02-16 12:51")
    assert await svc.run_once() == 0
    assert (await stored_user(store, 2)).blocked_at is not None
    assert await store.reminder_candidates(["lunch"]) == []  # not tried again


async def test_transient_failures_are_retried_a_few_times(store: Store, content: Content):
    now = Moment(local(content, "2027-02-16 12:51"))
    await store.upsert_user(1, "A", None, "en", now.value)
    await store.toggle_star(1, "lunch", now.value)
    send = Recorder()
    send.script[1] = [SendResult.flood(1.0), SendResult.transient("502")]
    svc = service(store, content, now, send)
    assert await svc.run_once() == 1
    assert send.sent == [(1, "Lunch")]
    assert svc.pacer.pauses == 1


def test_reminder_window_uses_the_conference_timezone(content: Content):
    # 04:50 UTC is 09:50 in Islamabad: ten minutes before the 10:00 workshop.
    from datetime import UTC

    moment = datetime(2027, 2, 16, 4, 50, tzinfo=UTC)
    assert due_reminders(content, [candidate(1, "forensics")], moment)
    assert not due_reminders(content, [candidate(1, "forensics")], moment - timedelta(seconds=1))
