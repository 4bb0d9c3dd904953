"""Questions and votes: recording, suggestions, grouping for organisers, answers, exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.export import COLUMNS
from bot.storage import Question, RejectedAnswer, Rejection, Store
from tests.storage.support import ask, at, raw, starred_by, stored_user

WIFI = ("faq", "wifi", "Wi-Fi")


async def test_recorded_question_is_committed_before_return(store: Store, db_path: Path) -> None:
    qid = await ask(store, 7, "Is there a prayer room?")
    conn = raw(db_path)  # a crash now must not lose it: another connection already sees it
    try:
        row = conn.execute("SELECT status, decision, text FROM questions WHERE id = ?", (qid,))
        assert tuple(row.fetchone()) == ("open", "none", "Is there a prayer room?")
    finally:
        conn.close()


async def test_question_fields_and_status_from_decision(store: Store) -> None:
    answered = await ask(
        store, 1, "wifi password?", decision="answer", best=("faq", "wifi", "Wi-Fi"), score=0.91
    )
    suggested = await ask(
        store,
        1,
        "internet?",
        decision="suggest",
        minute=1,
        best=("faq", "wifi", "Wi-Fi"),
        score=0.5,
    )
    q = await store.get_question(answered)
    assert q == Question(
        id=answered,
        user_id=1,
        chat_id=1,
        message_id=1000,
        text="wifi password?",
        normalized="wifi password?",
        asked_at=at(0),
        decision="answer",
        best_kind="faq",
        best_id="wifi",
        best_label="Wi-Fi",
        score=0.91,
        status="answered_by_bot",
        chosen_key=None,
        organiser_post_chat_id=None,
        organiser_post_message_id=None,
        answer_text=None,
        answered_at=None,
        answered_by=None,
    )
    assert q.best_key == "faq:wifi"
    s = await store.get_question(suggested)
    assert s is not None and s.status == "suggested"
    assert await store.get_question(12345) is None
    with pytest.raises(ValueError):
        await ask(store, 1, "x", decision="maybe")  # type: ignore[arg-type]


async def test_suggestion_choice_and_none_of_these(store: Store) -> None:
    q1 = await ask(store, 1, "food?", decision="suggest", best=("faq", "lunch", "Lunch"))
    assert await store.set_chosen(q1, "faq:lunch") is True
    q = await store.get_question(q1)
    assert q is not None and (q.status, q.chosen_key) == ("answered_by_bot", "faq:lunch")

    q2 = await ask(store, 1, "parking?", decision="suggest", minute=1)
    assert await store.mark_unanswered(q2) is True
    assert await store.mark_unanswered(q2) is False  # double press: post only once
    q = await store.get_question(q2)
    assert q is not None and (q.status, q.decision) == ("open", "none")
    assert [g.representative_id for g in await store.open_groups(10, 0)] == [q2]

    assert await store.set_organiser_post(q2, -100500, 77) is True
    found = await store.question_by_organiser_post(-100500, 77)
    assert found is not None and found.id == q2
    assert await store.question_by_organiser_post(-100500, 78) is None

    await store.mark_answered([q2], "Level B2", organiser_id=9, now=at(5))
    assert await store.set_chosen(q2, "faq:parking") is False  # organiser's answer is final
    q = await store.get_question(q2)
    assert q is not None and q.status == "answered" and q.chosen_key is None


async def test_passing_on_an_answer_after_a_thumbs_down(store: Store) -> None:
    qid = await ask(store, 1, "keynote?", decision="answer", best=("faq", "dates", "Dates"))
    assert await store.vote_of(qid, 1) is None
    assert await store.record_vote(qid, 1, "faq:dates", -1, at(1)) is True
    assert await store.vote_of(qid, 1) == -1 and await store.vote_of(qid, 2) is None
    assert await store.pass_on_rejected(qid, "faq:dates", at(1)) is True
    assert await store.pass_on_rejected(qid, "faq:dates", at(1)) is False  # double press: once
    q = await store.get_question(qid)
    assert q is not None and (q.status, q.decision, q.rejected_key) == ("open", "none", "faq:dates")
    assert [g.representative_id for g in await store.open_groups(10, 0)] == [qid]
    stats = await store.stats()
    assert (stats.decision_none, stats.open, stats.after_downvote) == (1, 1, 1)
    assert stats.top_targets == ()  # a rejected answer is no longer counted as that entry's

    # A picked suggestion loses its pick; "None of these" and closed questions stay as they are.
    picked = await ask(store, 1, "food?", decision="suggest", best=("faq", "lunch", "Lunch"))
    await store.set_chosen(picked, "faq:lunch")
    assert await store.pass_on_rejected(picked, "faq:lunch", at(1)) is True
    q = await store.get_question(picked)
    assert q is not None and (q.chosen_key, q.rejected_key) == (None, "faq:lunch")
    nothing = await ask(store, 1, "bowling?", decision="suggest", minute=2)
    await store.mark_unanswered(nothing)
    assert await store.pass_on_rejected(nothing, "faq:x", at(1)) is False
    await store.mark_answered([qid], "09:30, Hall A", organiser_id=9, now=at(5))
    assert await store.pass_on_rejected(qid, "faq:dates", at(1)) is False
    q = await store.get_question(nothing)
    assert q is not None and q.rejected_key is None


async def test_open_rejections_are_the_attendees_own_open_ones_in_the_window(
    store: Store,
) -> None:
    """Read for every answered question: only open rejections count, from the pass-on time."""
    wifi = await ask(store, 1, "wifi?", "password wifi", decision="answer", best=WIFI)
    assert await store.open_rejections(1, at(-30)) == []
    assert await store.pass_on_rejected(wifi, "faq:wifi", at(20)) is True  # 20 min later
    assert await store.open_rejections(1, at(-10)) == [
        Rejection(1, "faq:wifi", "password wifi", at(20))
    ]
    assert await store.open_rejections(1, at(19)) == [
        Rejection(1, "faq:wifi", "password wifi", at(20))
    ]
    assert await store.open_rejections(1, at(21)) == []  # passed on before the window
    assert await store.open_rejections(2, at(-10)) == []  # someone else's
    q = await store.get_question(wifi)
    assert q is not None and q.rejected_at == at(20)
    # Open questions without a rejection ("None of these", unanswerable) are not listed.
    await ask(store, 1, "bowling?", "bowl", minute=21)
    assert len(await store.open_rejections(1, at(0))) == 1
    await store.dismiss([wifi], organiser_id=9, now=at(25))
    assert await store.open_rejections(1, at(0)) == []


async def test_everyones_open_rejections_for_the_start(store: Store) -> None:
    first = await ask(store, 1, "wifi?", "password wifi", decision="answer", best=WIFI)
    second = await ask(store, 2, "wifi pls", "wifi", decision="answer", best=WIFI)
    old = await ask(store, 3, "wifi", "wifi", decision="answer", best=WIFI)
    await store.pass_on_rejected(old, "faq:wifi", at(-60))
    await store.pass_on_rejected(second, "faq:wifi", at(2))
    await store.pass_on_rejected(first, "faq:wifi", at(1))
    found = await store.open_rejections(None, at(-30))
    assert [(r.user_id, r.at) for r in found] == [(1, at(1)), (2, at(2))]  # oldest first


def test_the_open_rejections_lookup_uses_its_partial_index() -> None:
    """The SQL of `open_rejections` for one attendee, as the planner runs it on schema v9.

    (Everyone's, read once at start, goes through the open questions by status.)
    """
    import sqlite3

    from bot.storage.schema import MIGRATIONS, split_statements

    conn = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            for statement in split_statements(script):
                conn.execute(statement)
        query = (
            "EXPLAIN QUERY PLAN SELECT user_id, rejected_key, normalized, rejected_at "
            "FROM questions WHERE rejected_key IS NOT NULL AND status = 'open' "
            "AND rejected_at >= ?"
        )
        params = (at(0).isoformat(), 1)
        plan = conn.execute(f"{query} AND user_id = ? ORDER BY rejected_at, id", params).fetchall()
    finally:
        conn.close()
    assert "questions_open_rejections" in " ".join(str(row[-1]) for row in plan)


async def test_grouping_counts_order_and_paging(store: Store) -> None:
    # "lunch" asked three times by two people, "wifi" twice, "parking" once.
    a = await ask(store, 1, "Where is lunch?", "lunch where", minute=0)
    await ask(store, 2, "where's the wifi", "wifi where", minute=1)
    b = await ask(store, 2, "where is lunch", "lunch where", minute=2)
    p = await ask(store, 3, "Parking?", "parking", minute=3)
    c = await ask(store, 1, "lunch where??", "lunch where", minute=4)
    w2 = await ask(store, 4, "WIFI where", "wifi where", minute=5)
    await ask(store, 5, "answered by bot", "lunch where", minute=6, decision="answer")

    assert await store.count_open_groups() == 3
    groups = await store.open_groups(limit=10, offset=0)
    assert [g.normalized for g in groups] == ["wifi where", "lunch where", "parking"]
    lunch = groups[1]
    assert lunch.representative_id == c
    assert lunch.text == "lunch where??"
    assert lunch.count == 3
    assert lunch.question_ids == (c, b, a)
    assert lunch.user_ids == (1, 2)
    assert lunch.newest_asked_at == at(4)
    assert groups[0].representative_id == w2 and groups[0].count == 2
    assert groups[2].question_ids == (p,)

    page1 = await store.open_groups(limit=2, offset=0)
    page2 = await store.open_groups(limit=2, offset=2)
    assert [g.normalized for g in page1] == ["wifi where", "lunch where"]
    assert [g.normalized for g in page2] == ["parking"]
    assert await store.open_groups(limit=2, offset=4) == []

    members = await store.group_members(a)
    assert [m.id for m in members] == [c, b, a]
    assert all(m.status == "open" for m in members)


async def test_groups_passed_on_after_a_thumbs_down_carry_the_rejected_answers(
    store: Store,
) -> None:
    """/unanswered and the desk mark such a group with the answer that did not help."""
    wifi = await ask(store, 1, "wifi?", "password wifi", decision="answer", best=WIFI)
    await store.pass_on_rejected(wifi, "faq:wifi", at(1))
    again = await ask(store, 2, "wifi pw", "password wifi", minute=2, decision="answer", best=WIFI)
    await store.set_chosen(again, "faq:network")  # they picked another entry, then 👎
    await store.pass_on_rejected(again, "faq:network", at(3))
    await ask(store, 3, "wifi password?", "password wifi", minute=4)  # plainly unanswered
    await ask(store, 4, "bowling?", "bowl", minute=5)
    rejected = (RejectedAnswer("faq:network", None), RejectedAnswer("faq:wifi", "Wi-Fi"))

    bowling, wifi_group = await store.open_groups(10, 0)
    assert bowling.rejected == () and wifi_group.rejected == rejected  # newest first
    desk_bowling, desk_wifi = await store.desk_groups("open")
    assert desk_bowling.rejected == () and desk_wifi.rejected == rejected
    await store.dismiss([wifi], organiser_id=9, now=at(6))
    [dismissed] = await store.desk_groups("dismissed")
    assert dismissed.rejected == (RejectedAnswer("faq:wifi", "Wi-Fi"),)
    [_, still] = await store.open_groups(10, 0)
    assert still.rejected == (RejectedAnswer("faq:network", None),)
    # The desk's CSV has the export's columns, the rejected entry last.
    log = await store.desk_log()
    assert all(len(row) == len(COLUMNS) for row in log)
    assert [row[-1] for row in log] == ["faq:wifi", "faq:network", None, None]


async def test_answering_a_group(store: Store) -> None:
    ids = [await ask(store, u, "lunch?", "lunch", minute=u) for u in (1, 2, 3)]
    other = await ask(store, 4, "wifi?", "wifi", minute=9)
    members = await store.group_members(ids[0])
    done = await store.mark_answered([m.id for m in members], "12:30 in Hall C", 42, at(10))
    assert sorted(done) == ids
    for qid in ids:
        q = await store.get_question(qid)
        assert q is not None
        assert (q.status, q.answer_text, q.answered_by, q.answered_at) == (
            "answered",
            "12:30 in Hall C",
            42,
            at(10),
        )
    assert await store.group_members(ids[0]) == []
    assert [g.representative_id for g in await store.open_groups(10, 0)] == [other]
    # A second organiser answering the same group at the same time changes nothing.
    assert await store.mark_answered(ids, "other answer", 43, at(11)) == []
    q = await store.get_question(ids[0])
    assert q is not None and q.answer_text == "12:30 in Hall C"


async def test_dismiss(store: Store) -> None:
    q1 = await ask(store, 1, "spam", "spam", minute=0)
    q2 = await ask(store, 2, "spam!", "spam", minute=1)
    assert await store.dismiss([q1, q2, q2], organiser_id=42, now=at(3)) == [q1, q2]
    assert await store.count_open_groups() == 0
    q = await store.get_question(q1)
    assert q is not None
    assert (q.status, q.answer_text, q.answered_by, q.answered_at) == (
        "dismissed",
        None,
        42,
        at(3),
    )
    assert await store.dismiss([q1], 42, at(4)) == []


async def test_export_ordering_and_filter(store: Store) -> None:
    q1 = await ask(store, 1, "late clock", minute=30)  # asked later, recorded first
    q2 = await ask(store, 1, "bot answered", minute=0, decision="answer")
    q3 = await ask(store, 2, "still open", minute=10)
    await store.dismiss([q1], 9, at(40))
    assert [q.id for q in await store.export_questions("all")] == [q1, q2, q3]
    assert [q.id for q in await store.export_questions("open")] == [q3]
    with pytest.raises(ValueError):
        await store.export_questions("closed")  # type: ignore[arg-type]


async def test_sql_injection_text_is_stored_verbatim(store: Store, db_path: Path) -> None:
    nasty = "Robert'); DROP TABLE questions;--  \" OR 1=1 -- ; %s ? :name"
    await store.upsert_user(1, nasty, nasty, None, at(0))
    qid = await ask(store, 1, nasty, nasty)
    await store.set_setting(nasty, nasty)
    await store.toggle_star(1, nasty, at(1))
    q = await store.get_question(qid)
    assert q is not None and q.text == nasty and q.normalized == nasty
    user = await stored_user(store, 1)
    assert user is not None and user.first_name == nasty
    assert await store.get_setting(nasty) == nasty
    assert await store.starred_sessions(1) == [nasty]
    assert await starred_by(store, nasty) == [1]
    assert (await store.open_groups(10, 0))[0].normalized == nasty
    assert (await store.stats()).attendees == 1


async def test_vote_upsert_latest_wins(store: Store, db_path: Path) -> None:
    qid = await ask(store, 1, "wifi", decision="answer", best=("faq", "wifi", "Wi-Fi"))
    assert await store.record_vote(qid, 1, "faq:wifi", 1, at(1)) is True
    assert await store.record_vote(qid, 1, "faq:wifi", -1, at(2)) is True
    conn = raw(db_path)
    try:
        rows = conn.execute("SELECT target_key, value, voted_at FROM votes").fetchall()
    finally:
        conn.close()
    assert [tuple(r) for r in rows] == [("faq:wifi", -1, "2025-03-01T09:02:00.000000+00:00")]
    stats = await store.stats()
    assert [(v.key, v.up, v.down) for v in stats.votes] == [("faq:wifi", 0, 1)]
    with pytest.raises(ValueError):
        await store.record_vote(qid, 1, "faq:wifi", 0, at(3))
    assert await store.record_vote(999, 1, "faq:wifi", 1, at(3)) is False
