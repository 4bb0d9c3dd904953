"""Live Q&A actions as one service: ask, vote, moderate, and the Top questions list.

Why a service apart from the chat handlers: the Mini App asks, votes and moderates too,
and it must meet exactly the same rules (the question window, 5–500 characters, 3 open
questions per session, 30 s between questions, one vote per attendee by the database's
unique key, moderators only) with the same refusals. Plain Python over the store: no
Telegram, no HTTP. The caller turns a `Refused` into its own reply (a chat message, a
toast, a JSON error) from the catalogue key it names.

Votes and the lists' reads go through one `LiveBatches` per running bot, shared by the chat
and the Mini App: at a session's peak the store's lock is the queue, so a 👍 in the chat and
a 👍 on the page share transactions (group commit, in arrival order), and the lists being
refreshed or polled at one moment share one read (bot/batching.py, docs/live-qa.md).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.batching import Batcher
from bot.content.models import Content, Session
from bot.live_qa import is_moderator, ranked, refusal, takes_questions
from bot.storage import LiveQuestion, LiveSnapshot, Store, VoteOutcome, VotePress

Moderation = Literal["answered", "hidden", "pin"]
MODERATIONS: tuple[Moderation, ...] = ("answered", "hidden", "pin")

# One ask at a time per attendee, so two quick asks (two taps, the chat and the Mini App
# at once) cannot both pass the "3 open" and "30 s" checks before either is stored.
# Weak values: a lock exists only while someone is asking.
_ASKING: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


@dataclass(frozen=True, slots=True)
class Refused:
    """Why an action was not done: a catalogue key (its `qa.`/`cb.` name) and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


class LiveBatches:
    """The upvotes' group commit and the live lists' shared reads over one store.

    One per running bot (bot.state.BotState.live), handed to the chat's handlers and to the
    Mini App alike: two batchers would each hold the store's lock for their own
    transactions, and the page's votes would queue behind the chat's instead of joining
    them. `while_waiting` is entered around each caller's wait (the bot lends a chat
    update's slot there; a web request holds none, so nothing happens for it).
    """

    def __init__(
        self,
        store: Store,
        *,
        while_waiting: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self.votes: Batcher[VotePress, VoteOutcome] = Batcher(
            store.toggle_live_votes, "vote(s)", while_waiting=while_waiting
        )
        # (session, reader or None) -> the session's questions and that reader's votes.
        self.reads: Batcher[tuple[str, int | None], LiveSnapshot] = Batcher(
            store.live_snapshots, "live list read(s)", while_waiting=while_waiting
        )

    async def close(self) -> None:
        """Finish writing the pending votes (and the reads asked for): shutdown."""
        await self.votes.close()
        await self.reads.close()


def asker_name(first_name: str, last_name: str | None, username: str | None) -> str:
    """The name moderators see (and everyone, if the asker shows it): "First Last @user"."""
    full = " ".join(part for part in (first_name, last_name or "") if part)
    return " ".join(part for part in (full, f"@{username}" if username else "") if part)


async def ask(
    store: Store, session: Session, user_id: int, name: str, text: str, now: datetime
) -> int | Refused:
    """Store a question to the speaker if every limit allows it; its id, or why not."""
    if not takes_questions(session, now):
        return Refused("qa.closed", {"title": session.title})
    lock = _ASKING.get(user_id)
    if lock is None:
        lock = _ASKING[user_id] = asyncio.Lock()
    async with lock:
        open_count, last_asked = await store.asker_activity(user_id, session.id)
        refused = refusal(text, open_count, last_asked, now)
        if refused is not None:
            return Refused(*refused)
        return await store.add_live_question(session.id, user_id, name, text.strip(), now)


@dataclass(frozen=True, slots=True)
class Voted:
    """What a press did: `voted` True (added) or False (taken back), on a question of
    `session_id` (whose lists the caller refreshes)."""

    voted: bool
    session_id: str


async def vote(live: LiveBatches, question_id: int, user_id: int, now: datetime) -> Voted | Refused:
    """Upvote, or take the vote back. Refused for a question that is gone, hidden or
    answered, and for one's own: the same check whatever the caller (the database's, in the
    batch's transaction). Answered once the batch holding this press is committed; presses
    apply in arrival order, so a press and its un-press in one batch cancel out."""
    outcome = await live.votes.submit(VotePress(question_id, user_id, now))
    if outcome.voted is None or outcome.session_id is None:
        return Refused("cb.qa_vote_refused")
    return Voted(outcome.voted, outcome.session_id)


async def show_name(store: Store, question_id: int, user_id: int, show: bool) -> bool | Refused:
    """The asker, and only the asker, shows their name with the question or hides it."""
    question = await store.live_question(question_id)
    if question is None or question.user_id != user_id or question.status == "hidden":
        return Refused("cb.qa_gone")
    await store.show_live_name(question_id, user_id, show)
    return show


async def moderate(
    store: Store,
    content: Content,
    organiser_ids: Iterable[int],
    question_id: int,
    action: Moderation,
    user_id: int,
    now: datetime,
) -> tuple[Session, bool] | Refused:
    """Answered / hide / pin by a moderator of the question's session (checked here, every
    time); (the session, whether the question changed)."""
    question = await store.live_question(question_id)
    session = content.session(question.session_id) if question is not None else None
    if question is None or session is None:
        return Refused("cb.qa_gone")
    if not is_moderator(session, user_id, organiser_ids):
        return Refused("cb.qa_not_moderator")
    return session, await store.moderate_live(question_id, action, now)


@dataclass(frozen=True, slots=True)
class TopQuestions:
    """A session's questions as one reader may see them, ranked.

    For an attendee, hidden questions are not in it at all (not merely marked), so no
    caller can leak them; a moderator's list has them at the end, as in the chat.
    """

    session: Session
    questions: list[LiveQuestion]
    voted: set[int]
    moderator: bool
    can_ask: bool
    counts: dict[str, int]


async def top_questions(
    live: LiveBatches,
    session: Session,
    user_id: int,
    organiser_ids: Iterable[int],
    now: datetime,
) -> TopQuestions:
    """The list as `user_id` may see it, from a read shared with every list (the chat's or
    a page's) asked for meanwhile: it still sees every change committed before it asked."""
    snapshot = await live.reads.submit((session.id, user_id))
    everything = list(snapshot.questions)
    moderator = is_moderator(session, user_id, organiser_ids)
    counts = {s: sum(q.status == s for q in everything) for s in ("open", "answered", "hidden")}
    return TopQuestions(
        session=session,
        questions=ranked(everything, hidden=moderator),
        voted=set(snapshot.voted),
        moderator=moderator,
        can_ask=takes_questions(session, now),
        counts=counts,
    )
