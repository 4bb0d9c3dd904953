"""Storage tests against real SQLite files, with an injected clock."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import storage
from bot.storage import Question, Store

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PKT = timezone(timedelta(hours=5))  # conference local time (Pakistan)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "bot.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(db_path)
    try:
        yield s
    finally:
        await s.close()


async def ask(
    store: Store,
    user_id: int,
    text: str,
    normalized: str | None = None,
    *,
    minute: int = 0,
    decision: storage.Decision = "none",
    best: tuple[str, str, str] | None = None,
    score: float | None = None,
) -> int:
    kind, ident, label = best or (None, None, None)
    return await store.record_question(
        user_id=user_id,
        chat_id=user_id,
        message_id=1000 + minute,
        text=text,
        normalized=normalized if normalized is not None else text.lower(),
        decision=decision,
        now=at(minute),
        best_kind=kind,
        best_id=ident,
        best_label=label,
        score=score,
    )


def raw(db_path: Path) -> sqlite3.Connection:
    """A second, independent connection, as another process would have."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    return conn


# --- schema -----------------------------------------------------------------------------


async def test_fresh_database_is_migrated_in_wal_mode(db_path: Path) -> None:
    assert not db_path.parent.exists()
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(storage.MIGRATIONS)
        async with s._db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with s._db.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] == storage.BUSY_TIMEOUT_MS
    conn = raw(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(storage.MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {
            "users",
            "questions",
            "votes",
            "broadcasts",
            "deliveries",
            "stars",
            "reminder_prefs",
            "reminders_sent",
            "settings",
        } <= tables
    finally:
        conn.close()


async def test_reopening_does_not_rerun_migrations(db_path: Path) -> None:
    async with await Store.open(db_path) as s:
        await s.upsert_user(1, "Ayesha", "ayesha", "en", at(0))
    # Running migration 1 again would fail on CREATE TABLE; the data must also survive.
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(storage.MIGRATIONS)
        assert await s.count_users() == 1


async def test_later_migration_applies_once_and_failure_rolls_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(db_path) as s:
        await s.set_setting("k", "v")

    released = list(storage.MIGRATIONS)
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(storage, "MIGRATIONS", [*released, broken])
    with pytest.raises(sqlite3.OperationalError):
        await Store.open(db_path)
    conn = raw(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(released)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in names
    finally:
        conn.close()

    good = "CREATE TABLE extra (x TEXT DEFAULT 'a;b'); INSERT INTO extra (x) VALUES ('c;d');"
    monkeypatch.setattr(storage, "MIGRATIONS", [*released, good])
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(released) + 1
        assert await s.get_setting("k") == "v"
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(released) + 1
    conn = raw(db_path)
    try:
        assert [r[0] for r in conn.execute("SELECT x FROM extra")] == ["c;d"]
    finally:
        conn.close()


async def test_database_newer_than_code_is_refused(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(db_path):
        pass
    monkeypatch.setattr(storage, "MIGRATIONS", [])
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(db_path)


def test_statement_splitter_keeps_literals_and_triggers_whole() -> None:
    script = """
        CREATE TABLE a (x TEXT DEFAULT ';');
        CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 'y;z'; END;
        -- trailing comment
    """
    parts = storage._statements(script)
    assert len(parts) == 2
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
    assert storage._statements("SELECT 1; -- no newline after this comment") == ["SELECT 1;"]
    with pytest.raises(ValueError, match="incomplete"):
        storage._statements("SELECT 1; CREATE TABLE b (x TEXT DEFAULT 'oops)")


async def test_naive_datetimes_are_rejected_and_aware_ones_stored_as_utc(
    store: Store, db_path: Path
) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.upsert_user(1, "A", None, None, datetime(2025, 3, 1, 9, 0))
    local = datetime(2025, 3, 1, 14, 0, tzinfo=PKT)
    await store.upsert_user(1, "A", None, None, local)
    conn = raw(db_path)
    try:
        stored = conn.execute("SELECT created_at FROM users").fetchone()[0]
    finally:
        conn.close()
    assert stored == "2025-03-01T09:00:00.000000+00:00"
    user = await store.get_user(1)
    assert user is not None and user.created_at == local


# --- attendees --------------------------------------------------------------------------


async def test_user_upsert_subscribe_block(store: Store) -> None:
    assert await store.upsert_user(1, "Ayesha", "ayesha", "en", at(0)) is True
    assert await store.upsert_user(2, "Bilal", None, "ur", at(1)) is True
    assert await store.count_users() == 2
    assert await store.subscriber_ids() == [1, 2]

    assert await store.set_subscribed(1, False, at(2)) is True
    # Refreshing names must not resubscribe.
    assert await store.upsert_user(1, "Ayesha K", "ayeshak", "en-GB", at(3)) is False
    user = await store.get_user(1)
    assert user is not None
    assert (user.first_name, user.username, user.language_code) == ("Ayesha K", "ayeshak", "en-GB")
    assert user.subscribed is False
    assert user.created_at == at(0) and user.updated_at == at(3)
    assert await store.subscriber_ids() == [2]
    assert await store.count_subscribers() == 1

    assert await store.mark_blocked(2, at(4)) is True
    blocked = await store.get_user(2)
    assert blocked is not None and blocked.subscribed is False and blocked.blocked_at == at(4)
    assert await store.subscriber_ids() == []
    assert await store.count_subscribers() == 0

    # Coming back clears the block but leaves the opt-out in place until they opt in.
    await store.upsert_user(2, "Bilal", None, "ur", at(5))
    back = await store.get_user(2)
    assert back is not None and back.blocked_at is None and back.subscribed is False
    await store.set_subscribed(2, True, at(6))
    assert await store.subscriber_ids() == [2]

    assert await store.set_subscribed(99, True, at(7)) is False
    assert await store.mark_blocked(99, at(7)) is False
    assert await store.get_user(99) is None


async def test_new_user_can_start_unsubscribed(store: Store) -> None:
    await store.upsert_user(5, "E", None, None, at(0), subscribe_new=False)
    assert await store.count_subscribers() == 0


async def test_language_choice(store: Store) -> None:
    await store.upsert_user(1, "A", None, "ur", at(0))
    assert await store.set_language(1, "roman_ur") is True
    user = await store.get_user(1)
    assert user is not None and user.lang == "roman_ur"
    await store.set_language(1, None)
    user = await store.get_user(1)
    assert user is not None and user.lang is None
    assert await store.set_language(2, "en") is False


# --- questions --------------------------------------------------------------------------


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
    user = await store.get_user(1)
    assert user is not None and user.first_name == nasty
    assert await store.get_setting(nasty) == nasty
    assert await store.starred_sessions(1) == [nasty]
    assert await store.stargazers(nasty) == [1]
    assert (await store.open_groups(10, 0))[0].normalized == nasty
    assert await store.count_users() == 1


# --- votes and stats --------------------------------------------------------------------


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


async def test_stats_numbers(store: Store) -> None:
    for uid in (1, 2, 3):
        await store.upsert_user(uid, f"u{uid}", None, None, at(0))
    await store.set_subscribed(3, False, at(0))

    wifi = ("faq", "wifi", "Wi-Fi")
    lunch = ("faq", "lunch", "Lunch")
    keynote = ("session", "k1", "Keynote")
    a1 = await ask(store, 1, "wifi?", decision="answer", best=wifi)
    await ask(store, 2, "wifi pw", decision="answer", best=wifi, minute=1)
    await ask(store, 3, "lunch", decision="answer", best=lunch, minute=2)
    s1 = await ask(store, 1, "food", decision="suggest", best=lunch, minute=3)
    await store.set_chosen(s1, "faq:lunch")
    s2 = await ask(store, 2, "talk", decision="suggest", best=lunch, minute=4)
    await store.set_chosen(s2, "session:k1")  # chose a suggestion other than the best
    s3 = await ask(store, 3, "hmm", decision="suggest", best=keynote, minute=5)
    await store.mark_unanswered(s3)
    await ask(store, 1, "bowling?", minute=6)
    await store.record_vote(a1, 1, "faq:wifi", 1, at(7))
    await store.record_vote(s1, 1, "faq:lunch", 1, at(7))
    await store.record_vote(s2, 2, "session:k1", -1, at(7))
    await store.record_vote(s2, 3, "session:k1", 1, at(7))

    st = await store.stats()
    assert (st.attendees, st.subscribers, st.questions) == (3, 2, 7)
    # s3 became decision 'none' when the attendee pressed "None of these".
    assert (st.decision_answer, st.decision_suggest, st.decision_none) == (3, 2, 2)
    assert st.open == 2
    assert [(t.key, t.label, t.count) for t in st.top_targets] == [
        ("faq:lunch", "Lunch", 2),
        ("faq:wifi", "Wi-Fi", 2),
        ("session:k1", "Keynote", 1),
    ]
    assert [(v.key, v.up, v.down) for v in st.votes] == [
        ("session:k1", 1, 1),
        ("faq:lunch", 1, 0),
        ("faq:wifi", 1, 0),
    ]


async def test_stats_on_empty_database(store: Store) -> None:
    st = await store.stats()
    assert st == storage.Stats(0, 0, 0, 0, 0, 0, 0, (), ())


async def test_top_targets_are_capped_at_ten(store: Store) -> None:
    for i in range(12):
        await ask(store, 1, f"q{i}", decision="answer", best=("faq", f"f{i:02}", f"F{i}"), minute=i)
    assert len((await store.stats()).top_targets) == storage.TOP_TARGETS


# --- forget, stars, settings ------------------------------------------------------------


async def test_forget_user_removes_everything(store: Store, db_path: Path) -> None:
    for uid in (1, 2):
        await store.upsert_user(uid, f"u{uid}", None, None, at(0))
    mine = await ask(store, 1, "mine", decision="answer", best=("faq", "wifi", "Wi-Fi"))
    theirs = await ask(store, 2, "theirs", minute=1)
    await store.record_vote(mine, 1, "faq:wifi", 1, at(2))
    await store.record_vote(mine, 2, "faq:wifi", -1, at(2))  # someone else's vote on mine
    await store.record_vote(theirs, 1, "faq:wifi", 1, at(2))  # my vote on theirs
    await store.record_vote(theirs, 2, "faq:wifi", 1, at(2))
    await store.toggle_star(1, "s1", at(3))
    await store.toggle_star(2, "s1", at(3))

    conn = raw(db_path)
    try:
        with conn:
            conn.execute("INSERT INTO reminder_prefs VALUES (1, 10), (2, 5)")
            conn.execute(
                "INSERT INTO reminders_sent VALUES (1, 's1', ?), (2, 's1', ?)", (at(4), at(4))
            )
            conn.execute(
                "INSERT INTO broadcasts (id, created_by, created_at, text) VALUES (1, 9, ?, 'hi')",
                (at(4).isoformat(),),
            )
            conn.execute(
                "INSERT INTO deliveries (broadcast_id, user_id, status, updated_at) VALUES "
                "(1, 1, 'pending', 'x'), (1, 2, 'pending', 'x')"
            )
    finally:
        conn.close()

    assert await store.forget_user(1) is True
    assert await store.get_user(1) is None
    assert await store.get_question(mine) is None
    assert await store.starred_sessions(1) == []
    assert await store.stargazers("s1") == [2]

    conn = raw(db_path)
    try:
        for table in (
            "users",
            "questions",
            "votes",
            "stars",
            "reminder_prefs",
            "reminders_sent",
            "deliveries",
        ):
            n = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = 1").fetchone()[0]
            assert n == 0, table
        votes = conn.execute("SELECT question_id, user_id FROM votes ORDER BY user_id").fetchall()
        assert [tuple(v) for v in votes] == [(theirs, 2)]
        assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 1
    finally:
        conn.close()
    assert await store.forget_user(1) is False
    # A stale vote button from the forgotten attendee must not crash.
    assert await store.record_vote(mine, 1, "faq:wifi", 1, at(5)) is False


async def test_stars_toggle(store: Store) -> None:
    assert await store.toggle_star(1, "keynote", at(0)) is True
    assert await store.toggle_star(1, "panel", at(1)) is True
    assert await store.toggle_star(2, "keynote", at(2)) is True
    assert await store.starred_sessions(1) == ["keynote", "panel"]
    assert await store.stargazers("keynote") == [1, 2]
    assert await store.toggle_star(1, "keynote", at(3)) is False
    assert await store.starred_sessions(1) == ["panel"]
    assert await store.stargazers("keynote") == [2]
    assert await store.stargazers("nobody") == []


async def test_settings(store: Store) -> None:
    assert await store.get_setting("webhook_secret") is None
    await store.set_setting("webhook_secret", "abc")
    await store.set_setting("webhook_secret", "def")
    assert await store.get_setting("webhook_secret") == "def"


# --- concurrency ------------------------------------------------------------------------


async def test_concurrent_tasks_do_not_interleave_transactions(store: Store) -> None:
    async def attendee(uid: int) -> None:
        await store.upsert_user(uid, f"u{uid}", None, None, at(0))
        qid = await ask(store, uid, f"q{uid}", "same", minute=uid % 7)
        await store.record_vote(qid, uid, "faq:x", 1 if uid % 2 else -1, at(1))
        await store.toggle_star(uid, "s", at(1))
        await store.stats()
        await store.open_groups(5, 0)

    await asyncio.gather(*(attendee(uid) for uid in range(1, 41)))
    assert await store.count_users() == 40
    groups = await store.open_groups(10, 0)
    assert len(groups) == 1 and groups[0].count == 40
    assert len(await store.stargazers("s")) == 40
    st = await store.stats()
    assert [(v.up, v.down) for v in st.votes] == [(20, 20)]

    results = await asyncio.gather(
        *(store.forget_user(uid) for uid in range(1, 21)),
        *(store.mark_answered(groups[0].question_ids, "a", 9, at(9)) for _ in range(3)),
    )
    answered = [r for r in results[20:] if r]
    assert len(answered) == 1  # exactly one organiser's answer applied
    assert await store.count_users() == 20


async def test_cancelled_writers_leave_the_connection_usable(store: Store) -> None:
    # Cancel a writer at every point of its transaction (queued BEGIN, INSERT, COMMIT, ...);
    # the next writer must never find a transaction left open.
    for ticks in range(40):
        task = asyncio.create_task(ask(store, ticks, f"q{ticks}", minute=ticks))
        for _ in range(ticks):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        qid = await ask(store, 99, "after the cancel", minute=ticks)
        assert await store.get_question(qid) is not None


async def test_close_is_idempotent(db_path: Path) -> None:
    s = await Store.open(db_path)
    await s.close()
    await s.close()


def test_module_does_not_import_telegram() -> None:
    source = Path(storage.__file__).read_text(encoding="utf-8")
    assert "import telegram" not in source and "from telegram" not in source
    assert "telegram" not in {m.split(".")[0] for m in sys.modules if m.startswith("bot.storage")}
