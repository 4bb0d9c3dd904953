"""Reminders before starred sessions: which are due, and the loop that sends them.

Why it is built this way:
- What is due at time T is a pure function of the programme, the stars, the attendees'
  preferences and the reminders already sent (`due_reminders`), decided by the conference
  clock, so tests (and rehearsals with BOT_NOW) check it at any moment without waiting.
- "Never twice" is held by the database, not by memory: a reminder is claimed in
  `reminders_sent` before it is sent, so a restart, or a second process, cannot send it
  again. The price is that a crash between claim and send loses that one reminder.
- A reminder is skipped once its session has started (a late nudge is noise), but one that
  became due while the bot was down still goes out if the session has not started yet.
- Several sessions due for one attendee at once (parallel tracks) become one message, and
  every message is paced by the same `Pacer` as the broadcasts, so a keynote starred by
  thousands does not trip Telegram's flood control.

Nothing here imports telegram: sending is the injected `SendFn` from bot.broadcast.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.answering.text import time_range
from bot.background import PeriodicCheck
from bot.broadcast import SendFn, SendResult
from bot.content.models import Content, Session
from bot.messages import Safe, html_text
from bot.pacing import Pacer, Priority
from bot.storage import ReminderCandidate, Store

logger = logging.getLogger(__name__)

DEFAULT_MINUTES = 10
MAX_MINUTES = 24 * 60  # /remind accepts up to a day ahead
CHECK_INTERVAL = 15.0  # seconds between looks at the programme
SEND_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One session an attendee should now be reminded of."""

    user_id: int
    session: Session
    minutes_before: int


def lead_minutes(has_pref: bool, minutes: int | None, default: int = DEFAULT_MINUTES) -> int | None:
    """How long before a starred session to remind: the /remind choice, else the default.

    None means reminders are off. The one place this is worked out (the star toast,
    /mysessions, /remind and the reminder loop all ask here).
    """
    return minutes if has_pref else default


async def reminder_lead(store: Store, user_id: int) -> int | None:
    """`lead_minutes` for one attendee, from their stored preference."""
    has_pref, minutes = await store.reminder_pref(user_id)
    return lead_minutes(has_pref, minutes)


def reminder_text(reminders: Sequence[DueReminder], now: datetime, language: str) -> str:
    """One message (HTML) for the sessions an attendee is being reminded of now."""
    items = []
    for reminder in reminders:
        session = reminder.session
        minutes = max(1, round((session.start - now) / timedelta(minutes=1)))
        where = time_range(session)
        if session.room is not None:
            where += f" · {session.room.label}"
        items.append(
            html_text("reminder_item", language, minutes=minutes, title=session.title, where=where)
        )
    return html_text("reminder", language, sessions=Safe("\n\n".join(items)))


def upcoming_session_ids(
    content: Content, now: datetime, horizon: timedelta = timedelta(minutes=MAX_MINUTES)
) -> list[str]:
    """Sessions that have not started and start within the longest reminder lead."""
    return [s.id for s in content.sessions if now < s.start <= now + horizon]


def due_reminders(
    content: Content,
    candidates: Iterable[ReminderCandidate],
    now: datetime,
    default_minutes: int = DEFAULT_MINUTES,
) -> list[DueReminder]:
    """The reminders to send at `now`, soonest session first.

    Candidates are stars not yet reminded of (bot.storage.reminder_candidates). A star is
    due from `minutes_before` ahead of the start until the start itself; after that it is
    skipped for good. Sessions no longer in the programme are ignored.
    """
    due: list[DueReminder] = []
    for candidate in candidates:
        session = content.session(candidate.session_id)
        if session is None:
            continue
        minutes = lead_minutes(candidate.has_pref, candidate.minutes_before, default_minutes)
        if minutes is None or session.start <= now:
            continue
        if session.start - timedelta(minutes=minutes) <= now:
            due.append(DueReminder(candidate.user_id, session, minutes))
    due.sort(key=lambda r: (r.session.start, r.user_id, r.session.id))
    return due


def by_user(reminders: Sequence[DueReminder]) -> dict[int, list[DueReminder]]:
    grouped: dict[int, list[DueReminder]] = {}
    for reminder in reminders:
        grouped.setdefault(reminder.user_id, []).append(reminder)
    return grouped


RenderFn = Callable[[Sequence[DueReminder], datetime], tuple[str, str | None]]
"""(reminders for one attendee, now) -> (message text, parse mode)."""


class ReminderService(PeriodicCheck):
    """Checks the programme every few seconds and sends the reminders that are due."""

    task_name = "reminders"
    what = "reminder check"

    def __init__(
        self,
        store: Store,
        send: SendFn,
        *,
        pacer: Pacer,
        content: Callable[[], Content],
        now: Callable[[], datetime],
        render: RenderFn,
        default_minutes: int = DEFAULT_MINUTES,
        interval: float = CHECK_INTERVAL,
    ) -> None:
        """`content` is called on every check, so a /reload's new programme is used."""
        super().__init__()
        self.store = store
        self.send = send
        self.pacer = pacer
        self.content = content
        self.now = now
        self.render = render
        self.default_minutes = default_minutes
        self.interval = interval
        self.sent = 0

    async def due(self) -> list[DueReminder]:
        """What is due now (not yet claimed)."""
        content, now = self.content(), self.now()
        ids = upcoming_session_ids(content, now)
        candidates = await self.store.reminder_candidates(ids)
        return due_reminders(content, candidates, now, self.default_minutes)

    async def run_once(self) -> int:
        """Claim and send every due reminder; return the number of messages sent."""
        sent = 0
        for user_id, reminders in by_user(await self.due()).items():
            if self._stopping:
                break
            now = self.now()
            claimed = [
                r for r in reminders if await self.store.claim_reminder(user_id, r.session.id, now)
            ]
            if not claimed:
                continue  # another process got there first
            text, parse_mode = self.render(claimed, now)
            if await self._send(user_id, text, parse_mode):
                sent += 1
        self.sent += sent
        return sent

    async def _send(self, user_id: int, text: str, parse_mode: str | None) -> bool:
        result = SendResult.transient("not tried")
        for _ in range(SEND_ATTEMPTS):
            async with self.pacer.sending(user_id, priority=Priority.NOTICE):
                try:
                    result = await self.send(user_id, text, parse_mode)
                except Exception as exc:
                    logger.exception("reminder to %s raised", user_id)
                    result = SendResult.transient(repr(exc))
            if result.outcome == "sent":
                return True
            if result.outcome == "blocked":
                await self.store.mark_blocked(user_id, self.now())
                return False
            if result.outcome == "failed":
                break
            if result.outcome == "retry_after":
                self.pacer.pause(result.retry_after or 1.0)
        logger.warning("reminder to %s not delivered: %s", user_id, result.error)
        return False
