"""Unanswered questions posted to the organisers' chat, within Telegram's group limit.

Plain Python like `bot.broadcast`: the Telegram layer hands in a `send` callable that posts
one question and returns the message id, so this queue (and its pacing) is tested and run
without the bot framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.etiquette import HandoffCounter
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)

GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's documented limit for one group


@dataclass(frozen=True, slots=True)
class Post:
    """An unanswered question waiting to be posted to the organisers' chat."""

    question_id: int
    name: str
    user_id: int
    text: str
    guess: tuple[str, float] | None
    language: str
    # A handoff the attendee asked for ("talk to a human"): their last question, if any.
    handoff: bool = False
    last_question: str | None = None
    # Passed on after a 👎 on the bot's answer: the label of the answer the attendee rejected.
    rejected: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """One attendee's burst of handoffs, posted together (see `HandoffCounter`)."""

    posts: tuple[Post, ...]


# Posts one question to the organisers' chat; the message id, or None if nothing was sent.
# It handles (logs) Telegram's own errors; anything it raises is logged here.
PostFn = Callable[[Post | Batch], Awaitable[int | None]]
# Remembers which message carries which question, so a reply to it reaches the attendee.
RememberFn = Callable[[int, int], Awaitable[None]]


class OrganiserPoster:
    """Posts unanswered questions to the organisers' chat at once, within Telegram's limits.

    Telegram accepts about 20 messages a minute in one group. Questions are posted as they
    arrive while there is room in the last minute's window; after a burst the rest wait
    their turn here instead of being refused with 429s (which would also hold up the
    replies to attendees). Questions not yet posted at shutdown are still in the
    unanswered log (/unanswered, `python -m bot unanswered`).
    """

    def __init__(
        self,
        send: PostFn,
        remember: RememberFn,
        per_minute: int = GROUP_MESSAGES_PER_MINUTE,
        window: float = 60.0,
    ) -> None:
        self.send = send
        self.remember = remember
        self.per_minute = per_minute
        self.window = window
        self._queue: asyncio.Queue[Post | Batch] = asyncio.Queue()
        self._sent: deque[float] = deque()
        self._task: asyncio.Task[None] | None = None
        self._holding = False  # a post taken from the queue, waiting for room in the window
        self.counter = HandoffCounter()
        self._batches: dict[int, list[Post]] = {}
        self._flushes: dict[int, asyncio.TimerHandle] = {}

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="organiser-poster")

    def enqueue(self, post: Post) -> None:
        """Post at once, or, from an attendee's third handoff in ten minutes, gather them.

        A gathered burst is posted as one `Batch` when the ten minutes are over, so one
        attendee typing question after question does not flood the organisers' chat.
        """
        loop = asyncio.get_running_loop()
        self.counter.prune(loop.time())
        flush_at = self.counter.note(post.user_id, loop.time())
        if flush_at is None:
            self._queue.put_nowait(post)
            return
        self._batches.setdefault(post.user_id, []).append(post)
        if post.user_id not in self._flushes:
            self._flushes[post.user_id] = loop.call_at(flush_at, self._flush, post.user_id)

    def _flush(self, user_id: int) -> None:
        self._flushes.pop(user_id, None)
        posts = self._batches.pop(user_id, [])
        if len(posts) == 1:
            self._queue.put_nowait(posts[0])
        elif posts:
            self._queue.put_nowait(Batch(tuple(posts)))

    @property
    def waiting(self) -> int:
        """Posts not yet sent: the queue and the one waiting for room in the window."""
        return self._queue.qsize() + (1 if self._holding else 0)

    def delay(self, now: float) -> float:
        """Seconds until one more post fits in the window (0 if it fits now)."""
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        if len(self._sent) < self.per_minute:
            return 0.0
        return self._sent[len(self._sent) - self.per_minute] + self.window - now

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            post = await self._queue.get()
            self._holding = True
            while (wait := self.delay(loop.time())) > 0:
                await asyncio.sleep(wait)
            self._holding = False
            self._sent.append(loop.time())
            await self._post(post)

    async def _post(self, item: Post | Batch) -> None:
        """Send one post and remember it, so a reply to it reaches the attendee.

        A failure (bot removed from the group, Telegram down) is logged, not raised: the
        attendee has been told already and the question is safe in the unanswered log.
        """
        ids = [post.question_id for post in (item.posts if isinstance(item, Batch) else (item,))]
        try:
            message_id = await self.send(item)
            if message_id is not None:
                for question_id in ids:  # a reply to a batch answers every question in it
                    await self.remember(question_id, message_id)
        except StorageUnavailable as exc:  # posted; a reply to it cannot find the question
            logger.warning("question(s) %s posted, not linked: %s", ids, exc)
        except Exception:
            logger.exception("could not post question(s) %s to the organisers' chat", ids)

    async def stop(self) -> None:
        for handle in self._flushes.values():
            handle.cancel()
        held = sum(len(posts) for posts in self._batches.values())
        if held:
            logger.warning(
                "%d gathered handoff(s) not posted before shutdown; they are in /unanswered",
                held,
            )
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.waiting:
            logger.warning(
                "%d unanswered question(s) not posted to the organisers' chat "
                "before shutdown; they are in /unanswered",
                self.waiting,
            )
