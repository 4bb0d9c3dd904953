"""The connection and the migration sequence: opening, upgrading, refusing, and databases
made by earlier releases."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.storage import BUSY_TIMEOUT_MS, MIGRATIONS, NewQuestion, Rejection, Store, schema
from tests.storage.released_schema import RELEASED
from tests.storage.support import PKT, ask, at, raw, stored_user


async def test_fresh_database_is_migrated_in_wal_mode(db_path: Path) -> None:
    assert not db_path.parent.exists()
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(MIGRATIONS)
        async with s._db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with s._db.execute("PRAGMA busy_timeout") as cur:
            assert (await cur.fetchone())[0] == BUSY_TIMEOUT_MS
    conn = raw(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
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
        assert await s.schema_version() == len(MIGRATIONS)
        assert (await s.stats()).attendees == 1


async def test_later_migration_applies_once_and_failure_rolls_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with await Store.open(db_path) as s:
        await s.set_setting("k", "v")

    released = list(MIGRATIONS)
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(schema, "MIGRATIONS", [*released, broken])
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
    monkeypatch.setattr(schema, "MIGRATIONS", [*released, good])
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
    monkeypatch.setattr(schema, "MIGRATIONS", [])
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(db_path)
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open_readonly(db_path)


def test_statement_splitter_keeps_literals_and_triggers_whole() -> None:
    script = """
        CREATE TABLE a (x TEXT DEFAULT ';');
        CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 'y;z'; END;
        -- trailing comment
    """
    parts = schema.split_statements(script)
    assert len(parts) == 2
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")
    assert schema.split_statements("SELECT 1; -- no newline after this comment") == ["SELECT 1;"]
    with pytest.raises(ValueError, match="incomplete"):
        schema.split_statements("SELECT 1; CREATE TABLE b (x TEXT DEFAULT 'oops)")


# --- databases made by earlier releases -------------------------------------------------


def test_released_migrations_are_unchanged() -> None:
    """Append only: a database in the field has run exactly these scripts."""
    assert MIGRATIONS[: len(RELEASED)] == RELEASED


def _build_released(db_path: Path, versions: int) -> None:
    """A database as an earlier release left it, built with that release's own SQL."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    try:
        for script in RELEASED[:versions]:
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {versions}")
        stamp = at(0).isoformat(timespec="microseconds")
        with conn:
            conn.execute(
                "INSERT INTO users (user_id, first_name, username, language_code, lang, "
                "subscribed, created_at, updated_at) VALUES (1, 'Ayesha', 'ayesha', 'ur', "
                "'roman_ur', 1, ?, ?)",
                (stamp, stamp),
            )
            conn.execute(
                "INSERT INTO questions (user_id, chat_id, message_id, text, normalized, "
                "asked_at, decision, status) VALUES (1, 1, 10, 'parking?', 'parking', ?, "
                "'none', 'open')",
                (stamp,),
            )
            conn.execute(
                "INSERT INTO stars (user_id, session_id, starred_at) VALUES (1, 'keynote', ?)",
                (stamp,),
            )
            conn.execute(
                "INSERT INTO broadcasts (created_by, created_at, text, audience, status) "
                "VALUES (9, ?, 'Doors open', 'all', 'done')",
                (stamp,),
            )
            conn.execute("INSERT INTO settings (key, value) VALUES ('webhook_secret', 's3')")
    finally:
        conn.close()


@pytest.mark.parametrize("versions", range(1, len(RELEASED) + 1))
async def test_database_from_an_earlier_release_opens_and_works(
    db_path: Path, versions: int
) -> None:
    _build_released(db_path, versions)
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(MIGRATIONS)
        # What the earlier release stored reads back through today's methods...
        assert await s.user_languages() == [(1, "roman_ur", "ur")]
        assert [g.normalized for g in await s.open_groups()] == ["parking"]
        assert await s.starred_sessions(1) == ["keynote"]
        assert await s.get_setting("webhook_secret") == "s3"
        [old] = await s.recent_broadcasts()
        assert (old.text, old.status, old.late) == ("Doors open", "done", False)
        # ...and today's writes work on it.
        [qid] = await s.record_questions(
            [NewQuestion(1, 1, 11, "wifi?", "wifi", "answer", at(1), "faq", "wifi", "Wi-Fi")]
        )
        assert await s.record_vote(qid, 1, "faq:wifi", 1, at(2)) is True
        assert await s.toggle_star(1, "panel", at(3)) is True
        new = await s.create_broadcast(
            created_by=9, text="Lunch", parse_mode=None, audience="session:keynote", now=at(4)
        )
        assert await s.start_broadcast(new, at(5), late=True) == 1
        assert (await s.get_broadcast(new)).late is True  # type: ignore[union-attr]
        assert await s.forget_user(1) is True
        assert (await s.stats()).attendees == 0


async def test_v9_starts_the_window_of_earlier_rejections_at_their_asking(db_path: Path) -> None:
    """Questions passed on under v8 had no pass-on time: their asking time stands in."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    try:
        for script in MIGRATIONS[:8]:
            for statement in schema.split_statements(script):
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 8")
        stamp = at(0).isoformat(timespec="microseconds")
        with conn:
            conn.execute(
                "INSERT INTO questions (user_id, chat_id, message_id, text, normalized, "
                "asked_at, decision, status, rejected_key) VALUES (1, 1, 10, 'wifi?', "
                "'wifi', ?, 'none', 'open', 'faq:wifi')",
                (stamp,),
            )
    finally:
        conn.close()
    async with await Store.open(db_path) as s:
        assert await s.schema_version() == len(MIGRATIONS)
        assert await s.open_rejections(1, at(-1)) == [Rejection(1, "faq:wifi", "wifi", at(0))]
        assert await s.open_rejections(1, at(1)) == []


async def test_readonly_open_reads_without_migrating_or_creating(db_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await Store.open_readonly(db_path)
    assert not db_path.exists()
    async with await Store.open(db_path) as s:
        await ask(s, 1, "Is there a prayer room?")
    async with await Store.open_readonly(db_path) as r:
        assert [q.text for q in await r.export_questions()] == ["Is there a prayer room?"]
        with pytest.raises(sqlite3.OperationalError):
            await r.set_setting("k", "v")


# --- time stamps ------------------------------------------------------------------------


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
    user = await stored_user(store, 1)
    assert user is not None and user.created_at == local


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
    assert (await store.stats()).attendees == 40
    groups = await store.open_groups(10, 0)
    assert len(groups) == 1 and groups[0].count == 40
    assert await store.count_audience("session:s") == 40
    st = await store.stats()
    assert [(v.up, v.down) for v in st.votes] == [(20, 20)]

    results = await asyncio.gather(
        *(store.forget_user(uid) for uid in range(1, 21)),
        *(store.mark_answered(groups[0].question_ids, "a", 9, at(9)) for _ in range(3)),
    )
    answered = [r for r in results[20:] if r]
    assert len(answered) == 1  # exactly one organiser's answer applied
    assert (await store.stats()).attendees == 20


async def test_cancelled_writers_leave_the_connection_usable(store: Store) -> None:
    # Cancel a writer at every point of its transaction (queued BEGIN, INSERT, COMMIT, ...);
    # the next writer must never find a transaction left open.
    for ticks in range(40):
        # upsert_user is a whole transaction: BEGIN, SELECT, INSERT, COMMIT.
        task = asyncio.create_task(store.upsert_user(ticks, f"u{ticks}", None, None, at(ticks)))
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


def test_package_does_not_import_telegram() -> None:
    package = Path(schema.__file__).parent
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "import telegram" not in source and "from telegram" not in source, module
    assert "telegram" not in {m.split(".")[0] for m in sys.modules if m.startswith("bot.storage")}
