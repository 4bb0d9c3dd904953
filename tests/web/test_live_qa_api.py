"""The Mini App's live Q&A calls on the running bot: the chat's rules, tables and refusals.

A question asked on the page is in the moderators' live list in Telegram, a vote on the
page is the chat's vote, and every refusal (forged initData, a non-moderator moderating,
a vote for a hidden question, the limits) comes back with a clear sentence.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest_asyncio

from bot.answering.text import key_token
from tests.fake_telegram import FakeTelegram
from tests.handlers.asking import OTHER
from tests.handlers.test_live_qa import MODERATOR, SESSION, moderated_answerer
from tests.harness import ATTENDEE, ORGANISER, Harness
from tests.web.support import init_data, web_bot

TOKEN = key_token(f"session:{SESSION}")


def auth(h: Harness, user: int, **kwargs: Any) -> dict[str, str]:
    return {"X-Telegram-Init-Data": init_data(h.fake.token, user, **kwargs)}


def body(**values: object) -> dict[str, object]:
    return {"nonce": secrets.token_hex(16), **values}


@pytest_asyncio.fixture
async def live_web(
    fake: FakeTelegram, tmp_path: Path
) -> AsyncIterator[tuple[Harness, str, aiohttp.ClientSession]]:
    answerer = moderated_answerer(tmp_path)
    async with (
        web_bot(fake, tmp_path, answerer, agenda_path=tmp_path / "agenda.yaml") as (h, base),
        aiohttp.ClientSession() as http,
    ):
        yield h, base, http


async def post(
    http: aiohttp.ClientSession, base: str, path: str, headers: dict[str, str], **values: object
) -> tuple[int, dict[str, Any]]:
    response = await http.post(base + path, json=body(**values), headers=headers)
    return response.status, await response.json()


async def listing(
    http: aiohttp.ClientSession, base: str, headers: dict[str, str], session: str = SESSION
) -> dict[str, Any]:
    response = await http.get(base + f"api/qa/questions/{session}", headers=headers)
    assert response.status == 200
    return dict(await response.json())


async def test_ask_vote_and_moderate_on_the_page_are_the_chats(live_web):
    h, base, http = live_web
    fake = h.fake
    asker = auth(h, ATTENDEE, name="Ayesha", username="ayesha_k")
    other, moderator = auth(h, OTHER, name="Bilal"), auth(h, MODERATOR, name="Sana")
    # The moderator's live list in Telegram, before anything is asked.
    panel = await h.say(MODERATOR, f"/moderate {SESSION}")
    assert "0 open" in panel["text"]

    after = fake.mark()
    text = "How many analysts per shift <b>&?"
    status, asked = await post(http, base, "api/qa/ask", asker, session=SESSION, text=text)
    assert status == 200 and asked["message"].startswith("✅ Your question #")
    assert "anonymously" in asked["message"]
    [stored] = await h.store.live_questions(SESSION)
    assert stored.text == text and stored.asker_name == "Ayesha @ayesha_k"
    assert not stored.show_name
    # The page gets the text as it was typed (it inserts text, never HTML) ...
    [mine] = asked["questions"]
    assert mine == {
        "id": stored.id,
        "rank": 1,
        "text": text,
        "votes": 0,
        "status": "open",
        "pinned": False,
        "voted": False,
        "own": True,
        "name": None,
        "name_shown": False,
    }
    # ... and the moderators' list in Telegram is edited, escaped, with the name.
    edited = await fake.wait_for_message(
        MODERATOR, method="editMessageText", after=after, contains="1 open"
    )
    assert "How many analysts per shift &lt;b&gt;&amp;?" in edited["raw_text"]
    assert "Ayesha @ayesha_k" in edited["text"]
    # Out of the FAQ matcher and the unanswered log, like /ask.
    assert await h.store.export_questions("all") == []

    # Another attendee: no name (not shown), upvotes, takes it back, upvotes again.
    seen = await listing(http, base, other)
    assert seen["questions"][0]["name"] is None and seen["moderator"] is False
    assert seen["counts"] is None and seen["can_ask"] is True
    status, voted = await post(http, base, "api/qa/vote", other, id=stored.id)
    assert status == 200 and voted["voted"] is True and voted["message"] == "👍 Upvoted."
    assert voted["questions"][0]["votes"] == 1 and voted["questions"][0]["voted"] is True
    status, back = await post(http, base, "api/qa/vote", other, id=stored.id)
    assert back["voted"] is False and back["message"] == "Vote taken back."
    await post(http, base, "api/qa/vote", other, id=stored.id)
    # The same vote as the chat's 👍: the chat's Top questions counts it and shows ✅.
    now = await h.say(OTHER, "/now")
    await h.press(OTHER, now, data=f"qa:top:{TOKEN}:0")
    top = await fake.wait_for_message(OTHER, contains="Top questions")
    assert "👍 1" in top["text"]
    assert any(
        b["text"] == "✅ 👍 1" for row in top["reply_markup"]["inline_keyboard"] for b in row
    )
    # One's own question cannot be upvoted.
    status, own = await post(http, base, "api/qa/vote", asker, id=stored.id)
    assert status == 409 and own["error"] == "vote_refused"
    assert "cannot be voted on" in own["message"]

    # The asker shows the name: now everyone sees it.
    status, named = await post(http, base, "api/qa/name", asker, id=stored.id, show=True)
    assert status == 200 and named["questions"][0]["name"] == "Ayesha @ayesha_k"
    assert (await listing(http, base, other))["questions"][0]["name"] == "Ayesha @ayesha_k"
    status, _ = await post(http, base, "api/qa/name", other, id=stored.id, show=False)
    assert status == 404  # not theirs: refused, and nothing changed
    assert (await h.store.live_question(stored.id)).show_name  # type: ignore[union-attr]

    # A second question, named from the start; the moderator pins it, then answers the first.
    h.set_clock(datetime(2027, 2, 16, 11, 40))
    status, second = await post(
        http, base, "api/qa/ask", other, session=SESSION, text="Which SIEM?", show_name=True
    )
    assert status == 200 and "with your name shown" in second["message"]
    second_id = second["id"]
    mod_view = await listing(http, base, moderator)
    assert mod_view["moderator"] is True
    assert mod_view["counts"] == {"open": 2, "answered": 0, "hidden": 0}
    status, pinned = await post(
        http, base, "api/qa/moderate", moderator, id=second_id, action="pin"
    )
    assert status == 200 and pinned["message"] == "Done." and pinned["changed"] is True
    assert [q["id"] for q in pinned["questions"]] == [second_id, stored.id]
    assert pinned["questions"][0]["pinned"] is True
    status, answered = await post(
        http, base, "api/qa/moderate", moderator, id=stored.id, action="answered"
    )
    assert answered["questions"][-1]["status"] == "answered"
    status, again = await post(
        http, base, "api/qa/moderate", moderator, id=stored.id, action="answered"
    )
    assert status == 200 and again["changed"] is False and "already moderated" in again["message"]
    # An organiser moderates every session; answered questions cannot be voted on.
    status, _ = await post(
        http, base, "api/qa/moderate", auth(h, ORGANISER), id=second_id, action="pin"
    )
    assert status == 200
    status, closed = await post(http, base, "api/qa/vote", auth(h, 4242), id=stored.id)
    assert status == 409 and closed["error"] == "vote_refused"


async def test_refusals_forged_initdata_non_moderators_and_hidden_questions(live_web):
    h, base, http = live_web
    asker, other = auth(h, ATTENDEE), auth(h, OTHER)
    secret = "Is the <script>alert(1)</script> budget public?"
    status, asked = await post(http, base, "api/qa/ask", asker, session=SESSION, text=secret)
    assert status == 200
    question = asked["id"]

    # Forged, stale and missing initData: 401 on every live Q&A call, nothing changes.
    forged = {"X-Telegram-Init-Data": init_data("42:not-this-bots-token", MODERATOR)}
    stale = auth(h, MODERATOR, age=25 * 3600)
    for bad in (forged, stale, {}):
        response = await http.get(base + f"api/qa/questions/{SESSION}", headers=bad)
        assert response.status == 401
        for path, values in (
            ("api/qa/ask", {"session": SESSION, "text": "Forged question here"}),
            ("api/qa/vote", {"id": question}),
            ("api/qa/name", {"id": question, "show": True}),
            ("api/qa/moderate", {"id": question, "action": "hidden"}),
        ):
            status, refused = await post(http, base, path, bad, **values)
            assert (status, refused) == (401, {"error": "auth"}), path
    # Someone else's initData for the moderator's id cannot be made without the token;
    # the attendee's own valid initData does not make them a moderator.
    for action in ("hidden", "answered", "pin"):
        status, refused = await post(
            http, base, "api/qa/moderate", other, id=question, action=action
        )
        assert status == 403 and refused["error"] == "not_moderator"
        assert "moderators and the organisers" in refused["message"]
    stored = await h.store.live_question(question)
    assert stored is not None and stored.status == "open" and not stored.pinned
    # A replayed moderation (the same nonce) is refused, even from the moderator.
    moderator = auth(h, MODERATOR)
    once = body(id=question, action="hidden")
    first = await http.post(base + "api/qa/moderate", json=once, headers=moderator)
    replay = await http.post(base + "api/qa/moderate", json=once, headers=moderator)
    assert (first.status, replay.status) == (200, 401)

    # Hidden: gone from every attendee's page (not even in the response), vote refused.
    for reader in (other, asker):
        raw = await (await http.get(base + f"api/qa/questions/{SESSION}", headers=reader)).text()
        assert "budget public" not in raw and '"total": 0' in raw
    status, hidden_vote = await post(http, base, "api/qa/vote", other, id=question)
    assert status == 409 and "cannot be voted on" in hidden_vote["message"]
    assert (await h.store.live_question(question)).votes == 0  # type: ignore[union-attr]
    # The moderator still sees it, at the end, marked hidden.
    seen = await listing(http, base, moderator)
    assert seen["questions"][-1]["status"] == "hidden"
    assert seen["counts"] == {"open": 0, "answered": 0, "hidden": 1}
    # A question that does not exist, bad bodies, an unknown session.
    status, gone = await post(http, base, "api/qa/vote", other, id=999_999)
    assert status == 409 and gone["error"] == "vote_refused"
    status, gone = await post(http, base, "api/qa/moderate", moderator, id=999_999, action="pin")
    assert status == 404 and gone["error"] == "gone"
    for path, values in (
        ("api/qa/vote", {"id": "1"}),
        ("api/qa/vote", {"id": True}),
        ("api/qa/moderate", {"id": question, "action": "delete"}),
        ("api/qa/ask", {"session": SESSION, "text": 5}),
        ("api/qa/ask", {"session": SESSION, "text": "fine text", "show_name": "yes"}),
        ("api/qa/name", {"id": question, "show": "yes"}),
    ):
        status, refused = await post(http, base, path, other, **values)
        assert (status, refused) == (400, {"error": "bad_request"}), (path, values)
    status, refused = await post(
        http, base, "api/qa/ask", other, session="no-such-talk", text="Anyone there?"
    )
    assert status == 404
    assert (await http.get(base + "api/qa/questions/no-such", headers=other)).status == 404
    assert (await http.get(base + "api/qa/questions/%3Cx%3E", headers=other)).status == 404


async def test_the_limits_refuse_with_the_reason_in_the_readers_language(live_web):
    h, base, http = live_web
    asker = auth(h, ATTENDEE)

    async def ask(text: str, headers: dict[str, str] = asker) -> tuple[int, dict[str, Any]]:
        return await post(http, base, "api/qa/ask", headers, session=SESSION, text=text)

    status, refused = await ask("why")
    assert status == 422 and refused["error"] == "too_short"
    assert refused["message"] == (
        "That is too short for a question to the speaker: at least 5 characters."
    )
    status, refused = await ask("x" * 501)
    assert (
        status == 422
        and "501 characters" in refused["message"]
        and "at most 500" in (refused["message"])
    )
    assert (await ask("The first question?"))[0] == 200
    status, refused = await ask("Straight after the first?")
    assert status == 429 and refused["error"] == "cooldown"
    assert "try again in 30 s" in refused["message"]
    # Three open questions per attendee per session, 30 s apart.
    for minute, text in ((31, "The second question?"), (32, "The third question?")):
        h.set_clock(datetime(2027, 2, 16, 11, minute))
        assert (await ask(text))[0] == 200
    h.set_clock(datetime(2027, 2, 16, 11, 33))
    status, refused = await ask("A fourth question?")
    assert status == 409 and refused["error"] == "too_many" and "3 open" in refused["message"]
    # In Urdu for an Urdu reader.
    urdu = auth(h, OTHER, language="ur")
    status, refused = await ask("کیوں", urdu)
    assert status == 422 and "کم از کم 5 حروف" in refused["message"]
    # Outside the window (15 minutes after the 12:15 end): closed, and the page is told.
    h.set_clock(datetime(2027, 2, 16, 12, 31))
    assert (await listing(http, base, asker))["can_ask"] is False
    status, refused = await ask("Too late for this one?", auth(h, OTHER))
    assert status == 409 and refused["error"] == "closed"
    assert "is not taking questions now" in refused["message"]
    assert len(await h.store.live_questions(SESSION)) == 3
