"""Inline mode: `@ncsc_test_bot wifi` in any chat returns shareable, valid articles."""

from __future__ import annotations

import pytest

from tests.harness import ATTENDEE, Harness


async def inline(h: Harness, query: str) -> dict:
    marker = h.fake.request_mark()
    update = h.fake.user_inline_query(ATTENDEE, query)
    query_id = update["inline_query"]["id"]
    await h.fake.wait_for_request(
        "answerInlineQuery", lambda r: r.params.get("inline_query_id") == query_id, after=marker
    )
    return next(a for a in h.fake.inline_answers if a["inline_query_id"] == query_id)


async def test_inline_query_offers_matching_answers(harness: Harness):
    answer = await inline(harness, "wifi")
    results = answer["results"]
    assert 1 <= len(results) <= 5
    assert results[0]["id"] == "faq:wifi"
    assert results[0]["type"] == "article"
    assert results[0]["input_message_content"]["parse_mode"] == "HTML"
    assert "NCSC2027-Guest" in answer["parsed"][0]["text"]
    assert all(len(r["id"].encode()) <= 64 for r in results)


async def test_empty_inline_query_offers_now_next_and_venue(harness: Harness):
    answer = await inline(harness, "")
    titles = [r["title"] for r in answer["results"]]
    assert titles == ["On now", "Next up", "Venue"]
    assert answer["parsed"][0]["text"].startswith("On now (11:30)")


async def test_time_question_inline(harness: Harness):
    answer = await inline(harness, "what's on now")
    assert len(answer["results"]) == 1
    assert answer["parsed"][0]["text"].startswith("On now")


@pytest.mark.parametrize(
    "query", ["<b> & * _ [", "🙂", "x" * 256, "وائی فائی کا پاس ورڈ", "is there a bowling alley"]
)
async def test_awkward_inline_queries_never_fail(harness: Harness, query: str):
    answer = await inline(harness, query)
    assert len(answer["results"]) <= 5
