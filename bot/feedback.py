"""Feedback after the session: who is asked, when, in how many messages, and the results.

The rules an organiser relies on, kept here in plain Python (no Telegram, no SQL):
- When a session ends, the attendees who starred it or asked its speaker a question are
  owed one prompt: 1–5 ⭐ and an optional comment. Breaks, prayers and registration are
  not rated (`UNRATED_KINDS`); a session that ended more than `LATE_LIMIT` ago when the bot
  first sees it (a long outage, a first start mid-conference) is closed without asking.
- At most one prompt message per attendee every `SPACING` (2 hours): sessions that end in
  between wait, and go out together as one "rate the sessions you attended" message once
  the 2 hours have passed. Sessions that end together (parallel tracks, or while the bot
  was down) are one message at once.
- Prompts are queued as a broadcast (bot.storage.feedback) and sent by the announcement
  engine (bot.broadcast): paced behind replies, exactly once across crashes.
- Everything reads the conference clock (`now`), so tests and rehearsals drive time.

`feedback_summaries` is the one read of the results: /feedback, the export and the
organisers' desk all show the same numbers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.background import PeriodicCheck
from bot.content.models import Content, Session
from bot.storage import Asked, QueuedPrompt, Rating, Store

logger = logging.getLogger(__name__)

SPACING = timedelta(hours=2)  # at most one prompt message per attendee in this time
LATE_LIMIT = timedelta(hours=12)  # a session that ended longer ago is not asked about
COMMENT_WINDOW = timedelta(minutes=15)  # the next message in this time is the comment
MAX_COMMENT_CHARS = 1000
MIN_STARS, MAX_STARS = 1, 5
CHECK_INTERVAL = 30.0  # seconds between looks at the programme
ROUND_SIZE = 500  # prompts per round (one broadcast, one transaction)
UNRATED_KINDS = frozenset({"break", "prayer", "registration", "lunch", "meal", "dinner"})


def is_rated(session: Session) -> bool:
    """Whether attendees are asked to rate this session (a talk yes, a tea break no)."""
    return (session.kind or "").strip().lower() not in UNRATED_KINDS


def sessions_to_close(
    content: Content, now: datetime, closed: Iterable[str]
) -> tuple[list[str], list[str]]:
    """Sessions that have ended and are not closed yet: (to ask about, to close silently)."""
    done = set(closed)
    ask: list[str] = []
    skip: list[str] = []
    for session in sorted(content.sessions, key=lambda s: (s.end, s.id)):
        if session.id in done or session.end > now:
            continue
        if is_rated(session) and now - session.end <= LATE_LIMIT:
            ask.append(session.id)
        else:
            skip.append(session.id)
    return ask, skip


@dataclass(frozen=True, slots=True)
class Prompt:
    """One prompt message for one attendee: one session (1–5 ⭐ under it), or several (the
    batched "rate the sessions you attended", a button per session)."""

    user_id: int
    sessions: tuple[Session, ...]

    @property
    def batched(self) -> bool:
        return len(self.sessions) > 1


def prompts_for(content: Content, due: Mapping[int, Sequence[str]]) -> list[Prompt]:
    """One prompt per attendee for the sessions due, in programme order; sessions no longer
    in the programme are left out (and stay owed, harmlessly)."""
    prompts = []
    for user_id, session_ids in sorted(due.items()):
        sessions = [s for s in (content.session(i) for i in session_ids) if s is not None]
        if sessions:
            sessions.sort(key=lambda s: (s.start, s.title))
            prompts.append(Prompt(user_id, tuple(sessions)))
    return prompts


def valid_stars(value: int) -> bool:
    return MIN_STARS <= value <= MAX_STARS


def clean_comment(text: str) -> str | None:
    """The comment as stored (trimmed), or None if there is nothing in it."""
    comment = text.strip()
    return comment or None


@dataclass(frozen=True, slots=True)
class Comment:
    stars: int
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SessionFeedback:
    """One session's results: what /feedback, the export and the desk show."""

    session_id: str
    title: str
    start: datetime | None  # None: no longer in the programme
    prompted: int  # attendees asked so far
    waiting: int  # owed a prompt, held by the 2-hour spacing
    distribution: tuple[int, int, int, int, int]  # ratings of 1, 2, 3, 4 and 5 ⭐
    comments: tuple[Comment, ...]  # newest first

    @property
    def ratings(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        if not self.ratings:
            return None
        return sum(n * stars for stars, n in enumerate(self.distribution, start=1)) / self.ratings


def summarise(
    content: Content, ratings: Iterable[Rating], asked: Mapping[str, Asked]
) -> list[SessionFeedback]:
    """Every session closed for feedback or rated, in programme order (gone ones last)."""
    by_session: dict[str, list[Rating]] = {session_id: [] for session_id in asked}
    for rating in ratings:
        by_session.setdefault(rating.session_id, []).append(rating)
    summaries = []
    for session_id, rated in by_session.items():
        session = content.session(session_id)
        if session is not None and not is_rated(session) and not rated:
            continue  # a tea break: closed, never asked about
        counts = [0] * MAX_STARS
        for rating in rated:
            counts[rating.stars - 1] += 1
        # Newest first; ratings come oldest first, so a tie keeps the later one first too.
        given = [
            Comment(r.stars, r.comment, r.commented_at or r.rated_at) for r in rated if r.comment
        ]
        order = sorted(range(len(given)), key=lambda i: (given[i].at, i), reverse=True)
        comments = [given[i] for i in order]
        numbers = asked.get(session_id, Asked())
        summaries.append(
            SessionFeedback(
                session_id=session_id,
                title=session.title if session else session_id,
                start=session.start if session else None,
                prompted=numbers.prompted,
                waiting=numbers.waiting,
                distribution=(counts[0], counts[1], counts[2], counts[3], counts[4]),
                comments=tuple(comments),
            )
        )
    far = datetime.max.replace(tzinfo=content.conference.timezone)
    summaries.sort(key=lambda s: (s.start is None, s.start or far, s.title))
    return summaries


async def feedback_summaries(store: Store, content: Content) -> list[SessionFeedback]:
    """The results of every session, read once: the organisers' views and the desk call this."""
    return summarise(content, await store.feedback_ratings(), await store.feedback_asked())


async def session_summary(
    store: Store, content: Content, session_id: str
) -> SessionFeedback | None:
    """One session's results (None if it has neither been closed for feedback nor rated)."""
    ratings = await store.feedback_ratings(session_id)
    asked = {k: v for k, v in (await store.feedback_asked()).items() if k == session_id}
    found = summarise(content, ratings, asked)
    return found[0] if found else None


class CommentWaits:
    """Who is writing a comment now: attendee -> (session, until), kept in memory.

    Every text message is checked against it before the FAQ matcher, so it must be cheap:
    the database holds the truth (`comment_until`), read once after a start so a comment
    sent across a restart still counts as a comment, not as a question.
    """

    def __init__(self) -> None:
        self._waits: dict[int, tuple[str, datetime]] = {}
        self._loaded = False
        self._lock = asyncio.Lock()

    async def load(self, store: Store, now: datetime) -> None:
        if self._loaded:
            return
        async with self._lock:
            if self._loaded:
                return
            # Oldest window first: an attendee who rated two sessions comments on the later.
            for user_id, session_id, until in await store.open_comments(now):
                self._waits[user_id] = (session_id, until)
            self._loaded = True

    def open(self, user_id: int, session_id: str, until: datetime) -> None:
        self._waits[user_id] = (session_id, until)

    def close(self, user_id: int, session_id: str | None = None) -> None:
        current = self._waits.get(user_id)
        if current is not None and (session_id is None or current[0] == session_id):
            del self._waits[user_id]

    def waiting(self, user_id: int, now: datetime) -> str | None:
        """The session the attendee's next message comments on, or None."""
        current = self._waits.get(user_id)
        if current is None:
            return None
        session_id, until = current
        if now > until:
            del self._waits[user_id]
            return None
        return session_id


RenderFn = Callable[[Prompt], tuple[str, str]]
"""A prompt -> (its message text as HTML, its buttons as the Bot API's reply_markup JSON)."""


class FeedbackService(PeriodicCheck):
    """Closes ended sessions and queues the prompts that are due, every few seconds."""

    task_name = "feedback"
    what = "feedback check"

    def __init__(
        self,
        store: Store,
        *,
        content: Callable[[], Content],
        now: Callable[[], datetime],
        render: RenderFn,
        wake_sender: Callable[[], None],
        interval: float = CHECK_INTERVAL,
    ) -> None:
        """`content` is called on every check, so a /reload's new programme is used;
        `wake_sender` tells the broadcast engine a round is waiting."""
        super().__init__()
        self.store = store
        self.content = content
        self.now = now
        self.render = render
        self.wake_sender = wake_sender
        self.interval = interval
        self.queued = 0  # prompt messages queued since the start

    async def run_once(self) -> int:
        """Close what ended, queue what is due; the number of prompt messages queued."""
        content, now = self.content(), self.now()
        ask, skip = sessions_to_close(content, now, await self.store.feedback_closed())
        if ask or skip:
            closed = await self.store.close_for_feedback(ask, skip, now)
            for session_id, owed in closed.items():
                if owed:
                    logger.info("session %s ended: %d attendee(s) to ask", session_id, owed)
        prompts = prompts_for(content, await self.store.feedback_due(now - SPACING))
        total = 0
        for start in range(0, len(prompts), ROUND_SIZE):
            total += await self._queue(prompts[start : start + ROUND_SIZE], now)
        return total

    async def _queue(self, prompts: Sequence[Prompt], now: datetime) -> int:
        """One round: render (yielding now and then: a keynote's audience is thousands of
        messages, and replies must not wait for them) and hand it to the engine."""
        queued_prompts = []
        for index, prompt in enumerate(prompts):
            if index and index % 100 == 0:
                await asyncio.sleep(0)
            text, markup = self.render(prompt)
            ids = tuple(s.id for s in prompt.sessions)
            queued_prompts.append(QueuedPrompt(prompt.user_id, ids, text, markup))
        broadcast_id, count = await self.store.queue_feedback_prompts(queued_prompts, now)
        if broadcast_id is not None:
            logger.info("feedback round #%d: %d prompt(s) queued", broadcast_id, count)
            self.queued += count
            self.wake_sender()
        return count
