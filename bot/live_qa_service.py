"""Live Q&A actions as one service: ask, vote, moderate, and the Top questions list.

Why a service apart from the chat handlers: the Mini App asks, votes and moderates too,
and it must meet exactly the same rules (the question window, 5–500 characters, 3 open
questions per session, 30 s between questions, one vote per attendee by the database's
unique key, moderators only) with the same refusals. Plain Python over the store: no
Telegram, no HTTP. The caller turns a `Refused` into its own reply (a chat message, a
toast, a JSON error) from the catalogue key it names.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.content.models import Content, Session
from bot.live_qa import is_moderator, ranked, refusal, takes_questions
from bot.storage import LiveQuestion, Store

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


async def vote(store: Store, question_id: int, user_id: int, now: datetime) -> bool | Refused:
    """Upvote, or take the vote back (True: now voted). Refused for a question that is
    gone, hidden or answered, and for one's own: the same check whatever the caller."""
    voted = await store.toggle_live_vote(question_id, user_id, now)
    return Refused("cb.qa_vote_refused") if voted is None else voted


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
    store: Store, session: Session, user_id: int, organiser_ids: Iterable[int], now: datetime
) -> TopQuestions:
    everything = await store.live_questions(session.id)
    moderator = is_moderator(session, user_id, organiser_ids)
    counts = {s: sum(q.status == s for q in everything) for s in ("open", "answered", "hidden")}
    return TopQuestions(
        session=session,
        questions=ranked(everything, hidden=moderator),
        voted=await store.live_voted(session.id, user_id),
        moderator=moderator,
        can_ask=takes_questions(session, now),
        counts=counts,
    )
