"""☆/⭐ buttons under any reply that lists sessions (agenda, answers, /mysessions).

Several features show sessions and every one offers to star them, so adding the buttons
(which needs the presser's own stars) is shared here; pressing one is the my-schedule
feature's (bot.handlers.my_schedule). The buttons themselves are built in bot.render.

This is a shared module, not a feature: feature modules may import it, never each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.models import Session
from bot.handlers.context import BotContext
from bot.live_qa import takes_questions
from bot.render import Rendered, with_qa_rows, with_star_rows


async def with_stars(context: BotContext, reply: Rendered, sessions: Sequence[Session]) -> Rendered:
    """The reply with ☆/⭐ buttons added under it for these sessions, and ❓ Ask the
    speaker for those taking questions now.

    In a private chat the buttons show the attendee's own stars; in a group everyone sees
    the same keyboard, so it shows ☆ and the toast tells each presser what happened.
    """
    if not sessions:
        return reply
    starred: set[str] = set()
    if context.user is not None and context.in_private_chat:
        starred = set(await context.state.store.starred_sessions(context.user.id))
    reply = with_star_rows(reply, sessions, starred, context.lang)
    # ❓ Ask / 📋 Top questions for the sessions taking questions now (live Q&A).
    now = context.state.now()
    return with_qa_rows(reply, [s for s in sessions if takes_questions(s, now)], context.lang)


async def stars_for_key(context: BotContext, reply: Rendered, key: str | None) -> Rendered:
    """☆ buttons under an answer about a session or a speaker (their sessions)."""
    kind, _, ident = (key or "").partition(":")
    content = context.state.content
    sessions: list[Session] = []
    if kind == "session" and (session := content.session(ident)) is not None:
        sessions = [session]
    elif kind == "speaker" and (speaker := content.speaker(ident)) is not None:
        sessions = content.sessions_of(speaker)
    return await with_stars(context, reply, sessions)
