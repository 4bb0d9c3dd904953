"""The Mini App's live Q&A: a session's Top questions page, asking, upvoting, moderating.

Every call is checked like the rest of the API (initData, rate limits, a one-time nonce on
each POST) and then goes through bot.live_qa_service, the same rules and the same tables
as the chat's ❓ and /moderate: a question asked here is in the moderators' live list in
Telegram, a vote here is the vote the chat's 👍 toggles. Moderation checks the sender
against the question's session on every call; hidden questions never leave the server
for anyone but a moderator. Refusals carry the reason in the reader's language.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot import live_qa_service as service
from bot import messages
from bot.content.models import Session
from bot.live_qa import MAX_CHARS
from bot.live_qa_service import MODERATIONS, Moderation, Refused, TopQuestions
from bot.storage import LiveQuestion
from bot.web.api import (
    PREFIX,
    SESSION_ID,
    WebHost,
    authenticated,
    body_question_id,
    error,
    host_of,
    json_body,
    user_language,
)
from bot.web.initdata import WebUser

SHOWN = 100  # questions per request; the page asks for more ("Show more") up to MOST
MOST = 1000

# Each refusal's HTTP status and, for the chat's HTML templates, its plain Mini App text.
STATUS = {
    "qa.closed": 409,
    "qa.too_short": 422,
    "qa.too_long": 422,
    "qa.too_many": 409,
    "qa.cooldown": 429,
    "cb.qa_vote_refused": 409,
    "cb.qa_not_moderator": 403,
    "cb.qa_gone": 404,
}
WEB_TEXT = {
    "qa.closed": "web.qa_closed",
    "qa.too_short": "web.qa_too_short",
    "qa.too_long": "web.qa_too_long",
    "qa.too_many": "web.qa_too_many",
    "qa.cooldown": "web.qa_cooldown",
}


def _refused(refused: Refused, language: str) -> web.Response:
    """The refusal as JSON: a short reason for scripts and the sentence for the reader."""
    text = messages.plain(WEB_TEXT.get(refused.key, refused.key), language, **refused.values)
    reason = refused.key.split(".", 1)[1].removeprefix("qa_")
    return web.json_response(
        {"error": reason, "message": text}, status=STATUS.get(refused.key, 409)
    )


def _done(host: WebHost, session_id: str) -> None:
    if host.live_changed is not None:
        host.live_changed(session_id)


def _question(
    question: LiveQuestion, rank: int, top: TopQuestions, user: WebUser
) -> dict[str, object]:
    """One question as this reader may see it: the name only if shown (or to moderators),
    never anyone's user id."""
    item: dict[str, object] = {
        "id": question.id,
        "rank": rank,
        "text": question.text,
        "votes": question.votes,
        "status": question.status,
        "pinned": question.pinned,
        "voted": question.id in top.voted,
        "own": question.user_id == user.id,
        "name": question.asker_name if question.show_name or top.moderator else None,
        "name_shown": question.show_name,
    }
    return item


def _page(top: TopQuestions, user: WebUser, limit: int) -> dict[str, object]:
    shown = top.questions[:limit]
    return {
        "session": top.session.id,
        "title": top.session.title,
        "can_ask": top.can_ask,
        "moderator": top.moderator,
        "total": len(top.questions),
        "counts": top.counts if top.moderator else None,
        "max_chars": MAX_CHARS,
        "questions": [_question(q, rank, top, user) for rank, q in enumerate(shown, start=1)],
    }


async def _view(host: WebHost, session: Session, user: WebUser, limit: int) -> dict[str, object]:
    top = await service.top_questions(host.live(), session, user.id, host.organiser_ids, host.now())
    return _page(top, user, limit)


def _limit(raw: Any) -> int:
    try:
        return min(max(1, int(raw)), MOST)
    except (TypeError, ValueError):
        return SHOWN


def _session(host: WebHost, raw: object) -> Session | None:
    if not isinstance(raw, str) or not SESSION_ID.fullmatch(raw):
        return None
    return host.content().session(raw)


@authenticated
async def questions(request: web.Request, user: WebUser) -> web.Response:
    """A session's Top questions: ranked by votes then time, answered last, hidden never
    (except to its moderators, who also get the names and the counts)."""
    host = host_of(request)
    session = _session(host, request.match_info["session"])
    if session is None:
        return error(404, "no_session")
    return web.json_response(await _view(host, session, user, _limit(request.query.get("limit"))))


@authenticated
async def ask(request: web.Request, user: WebUser) -> web.Response:
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    host = host_of(request)
    text, show = body.get("text"), body.get("show_name", False)
    if not isinstance(text, str) or not isinstance(show, bool):
        return error(400, "bad_request")
    session = _session(host, body.get("session"))
    if session is None:
        return error(404, "no_session")
    language = user_language(request, user)
    name = service.asker_name(user.first_name, user.last_name, user.username)
    asked = await service.ask(host.store(), session, user.id, name, text, host.now())
    if isinstance(asked, Refused):
        return _refused(asked, language)
    if show:
        await service.show_name(host.store(), asked, user.id, True)
    _done(host, session.id)
    view = await _view(host, session, user, _limit(body.get("limit")))
    sent = messages.plain("web.qa_asked_named" if show else "web.qa_asked", language, id=asked)
    return web.json_response({**view, "id": asked, "message": sent})


@authenticated
async def vote(request: web.Request, user: WebUser) -> web.Response:
    """Upvote a question, or take the vote back: the chat's 👍, the same unique key."""
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    host = host_of(request)
    question_id = body_question_id(body)
    if question_id is None:
        return error(400, "bad_request")
    language = user_language(request, user)
    # The chat's path: this press joins the 👍 presses (and other pages' votes) arriving
    # meanwhile in one transaction, and is answered once that is committed.
    voted = await service.vote(host.live(), question_id, user.id, host.now())
    if isinstance(voted, Refused):
        return _refused(voted, language)
    session = host.content().session(voted.session_id)
    if session is None:  # no longer in the programme (a reload since it was asked)
        return _refused(Refused("cb.qa_gone"), language)
    _done(host, session.id)
    view = await _view(host, session, user, _limit(body.get("limit")))
    text = messages.plain("cb.qa_voted" if voted.voted else "cb.qa_unvoted", language)
    return web.json_response({**view, "voted": voted.voted, "message": text})


@authenticated
async def show_name(request: web.Request, user: WebUser) -> web.Response:
    """The asker shows their name with their own question, or hides it again."""
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    host = host_of(request)
    question_id, show = body_question_id(body), body.get("show")
    if question_id is None or not isinstance(show, bool):
        return error(400, "bad_request")
    language = user_language(request, user)
    shown = await service.show_name(host.store(), question_id, user.id, show)
    if isinstance(shown, Refused):
        return _refused(shown, language)
    question = await host.store().live_question(question_id)
    session = host.content().session(question.session_id) if question is not None else None
    if session is None:
        return _refused(Refused("cb.qa_gone"), language)
    _done(host, session.id)
    view = await _view(host, session, user, _limit(body.get("limit")))
    text = messages.plain("cb.qa_name_shown" if show else "cb.qa_name_hidden", language)
    return web.json_response({**view, "message": text})


@authenticated
async def moderate(request: web.Request, user: WebUser) -> web.Response:
    """Answered / hide / pin: only the session's moderators and the organisers, checked
    against the question's own session on every call (the body names only the question)."""
    body = await json_body(request, user)
    if isinstance(body, web.Response):
        return body
    host = host_of(request)
    question_id, action = body_question_id(body), body.get("action")
    if question_id is None or action not in MODERATIONS:
        return error(400, "bad_request")
    wanted: Moderation = action
    language = user_language(request, user)
    done = await service.moderate(
        host.store(), host.content(), host.organiser_ids, question_id, wanted, user.id, host.now()
    )
    if isinstance(done, Refused):
        return _refused(done, language)
    session, changed = done
    _done(host, session.id)
    view = await _view(host, session, user, _limit(body.get("limit")))
    text = messages.plain("cb.qa_done" if changed else "cb.qa_unchanged", language)
    return web.json_response({**view, "changed": changed, "message": text})


def add_routes(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/api/qa/questions/{{session}}", questions)
    app.router.add_post(f"{PREFIX}/api/qa/ask", ask)
    app.router.add_post(f"{PREFIX}/api/qa/vote", vote)
    app.router.add_post(f"{PREFIX}/api/qa/name", show_name)
    app.router.add_post(f"{PREFIX}/api/qa/moderate", moderate)
