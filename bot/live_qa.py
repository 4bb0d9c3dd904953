"""Live Q&A rules: when a session takes questions, the limits, the ranking, who moderates,
and the pacing of the moderators' live list. Plain Python (no Telegram, no SQL).

Why here and not in the handlers: the limits and the order are what the speaker and the
room rely on, and the benchmark and the export use the same ranking as the chat does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.content.models import Content, Session
from bot.storage.live_qa import LiveQuestion

logger = logging.getLogger(__name__)

MIN_CHARS = 5
MAX_CHARS = 500
MAX_OPEN_PER_SESSION = 3
COOLDOWN = timedelta(seconds=30)
OPENS_BEFORE = timedelta(minutes=10)
CLOSES_AFTER = timedelta(minutes=15)
EDIT_FLOOR_SECONDS = 3.0  # the moderators' list is edited at most this often
PAGE_SIZE = 8  # questions per page of a list (keeps a page far below 4,096 characters)


def takes_questions(session: Session, now: datetime) -> bool:
    """From 10 minutes before the session to 15 minutes after it, by the conference clock."""
    return session.start - OPENS_BEFORE <= now <= session.end + CLOSES_AFTER


def open_sessions(content: Content, now: datetime, starred: Iterable[str] = ()) -> list[Session]:
    """Sessions taking questions now: starred first, then running, then by start time."""
    stars = set(starred)
    found = [s for s in content.sessions if takes_questions(s, now)]
    return sorted(
        found,
        key=lambda s: (s.id not in stars, not (s.start <= now < s.end), s.start, s.title),
    )


def refusal(
    text: str, open_count: int, last_asked: datetime | None, now: datetime
) -> tuple[str, dict[str, object]] | None:
    """Why a question cannot be taken (a catalogue key and its values), or None.

    The window is checked by the caller, which knows the session.
    """
    length = len(text.strip())
    if length < MIN_CHARS:
        return "qa.too_short", {"min": MIN_CHARS}
    if length > MAX_CHARS:
        return "qa.too_long", {"max": MAX_CHARS, "length": length}
    if open_count >= MAX_OPEN_PER_SESSION:
        return "qa.too_many", {"max": MAX_OPEN_PER_SESSION}
    if last_asked is not None and now - last_asked < COOLDOWN:
        wait = int((COOLDOWN - (now - last_asked)).total_seconds()) + 1
        return "qa.cooldown", {"seconds": wait}
    return None


def ranked(questions: Iterable[LiveQuestion], *, hidden: bool = False) -> list[LiveQuestion]:
    """Pinned first, then open by votes (most first) then time (earliest first), answered
    last; hidden questions are dropped unless `hidden` (the export)."""
    shown = [q for q in questions if hidden or q.status != "hidden"]
    return sorted(
        shown,
        key=lambda q: (
            {"open": 0, "answered": 1, "hidden": 2}[q.status],
            not q.pinned,
            -q.votes,
            q.asked_at,
            q.id,
        ),
    )


def is_moderator(session: Session, user_id: int, organiser_ids: Iterable[int]) -> bool:
    """The session's `moderators:` in agenda.yaml, and every organiser."""
    return user_id in session.moderators or user_id in set(organiser_ids)


def page_of(items: Sequence[LiveQuestion], page: int) -> tuple[list[LiveQuestion], int, int]:
    """(the questions on `page`, the page actually shown, the number of pages)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(0, page), pages - 1)
    return list(items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]), page, pages


@dataclass(slots=True)
class PendingAsks:
    """What an attendee is in the middle of: a session picked by button (the next message
    is the question), or an /ask text waiting for a session to be picked.

    In memory on purpose: it lives for one exchange, and after a restart the attendee
    just presses the button again; nothing asked is ever only here.
    """

    sessions: dict[tuple[int, int], str] = field(default_factory=dict)  # (chat, user)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)


class EditPacer:
    """Runs a refresh per key at most once every `floor` seconds, the last request winning.

    A burst of votes becomes one edit now and one trailing edit after the floor, so the
    moderators' list is always current within `floor` seconds and Telegram's per-chat edit
    limits are never hit. `edits` records when each refresh ran (the benchmark reads it).
    """

    def __init__(
        self,
        refresh: Callable[[str], Awaitable[None]],
        floor: float = EDIT_FLOOR_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._refresh = refresh
        self._floor = floor
        self._clock = clock
        self._last: dict[str, float] = {}
        self._scheduled: dict[str, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # waiting or running: what close ends
        self._closed = False
        self.edits: list[tuple[str, float]] = []

    @property
    def pending(self) -> bool:
        """Whether a refresh is waiting for the floor (or running)."""
        return bool(self._tasks)

    def request(self, key: str) -> None:
        """Ask for a refresh of `key`; it runs now, or once when the floor allows."""
        if self._closed or key in self._scheduled:
            return
        task = asyncio.create_task(self._run(key))
        self._scheduled[key] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, key: str) -> None:
        # One refresh of a key at a time: a request arriving during a refresh waits for it.
        async with self._locks.setdefault(key, asyncio.Lock()):
            try:
                wait = self._last.get(key, -self._floor) + self._floor - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._scheduled.pop(key, None)  # later requests get a refresh after this
                self.edits.append((key, self._clock()))
                await self._refresh(key)
            except Exception:  # a failed edit must not stop later ones
                logger.exception("live list refresh for %s failed", key)
            finally:
                # Counted from the end of the refresh: its edit has reached Telegram by
                # then, so the next arrives at least `floor` later however long this took.
                self._last[key] = self._clock()
                if self._scheduled.get(key) is asyncio.current_task():
                    self._scheduled.pop(key, None)

    async def close(self) -> None:
        """Drop every pending refresh, waiting for the floor or already sending, and refuse
        later requests.

        Called while the Telegram client is still open (the application's post_stop): an
        edit left running would otherwise reach the closed client and be retried and
        logged. Nothing is lost: a list is redone from the database on its next change.
        """
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._scheduled.clear()
