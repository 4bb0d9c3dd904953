"""Attendees: registering, subscribing, blocking, language, and forgetting them."""

from __future__ import annotations

from pathlib import Path

from bot.storage import Store
from tests.storage.support import ask, at, raw, starred_by, stored_user


async def test_user_upsert_subscribe_block(store: Store) -> None:
    assert await store.upsert_user(1, "Ayesha", "ayesha", "en", at(0)) is True
    assert await store.upsert_user(2, "Bilal", None, "ur", at(1)) is True
    assert (await store.stats()).attendees == 2
    assert await store.count_audience("all") == 2

    assert await store.set_subscribed(1, False, at(2)) is True
    # Refreshing names must not resubscribe.
    assert await store.upsert_user(1, "Ayesha K", "ayeshak", "en-GB", at(3)) is False
    user = await stored_user(store, 1)
    assert user is not None
    assert (user.first_name, user.username, user.language_code) == ("Ayesha K", "ayeshak", "en-GB")
    assert user.subscribed is False
    assert user.created_at == at(0) and user.updated_at == at(3)
    assert await store.count_audience("all") == 1  # only Bilal now
    assert (await store.stats()).subscribers == 1

    assert await store.mark_blocked(2, at(4)) is True
    blocked = await stored_user(store, 2)
    assert blocked is not None and blocked.subscribed is False and blocked.blocked_at == at(4)
    assert await store.count_audience("all") == 0
    assert (await store.stats()).subscribers == 0

    # Coming back clears the block but leaves the opt-out in place until they opt in.
    await store.upsert_user(2, "Bilal", None, "ur", at(5))
    back = await stored_user(store, 2)
    assert back is not None and back.blocked_at is None and back.subscribed is False
    await store.set_subscribed(2, True, at(6))
    assert await store.count_audience("all") == 1
    assert (await stored_user(store, 2)).subscribed is True  # type: ignore[union-attr]

    assert await store.set_subscribed(99, True, at(7)) is False
    assert await store.mark_blocked(99, at(7)) is False
    assert await stored_user(store, 99) is None


async def test_new_user_can_start_unsubscribed(store: Store) -> None:
    await store.upsert_user(5, "E", None, None, at(0), subscribe_new=False)
    assert await store.count_audience("all") == 0
    assert (await store.stats()).subscribers == 0


async def test_language_choice(store: Store) -> None:
    await store.upsert_user(1, "A", None, "ur", at(0))
    assert await store.set_language(1, "roman_ur") is True
    assert await store.user_languages() == [(1, "roman_ur", "ur")]
    await store.set_language(1, None)
    assert await store.user_languages() == [(1, None, "ur")]
    assert await store.set_language(2, "en") is False


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
    assert await stored_user(store, 1) is None
    assert await store.get_question(mine) is None
    assert await store.starred_sessions(1) == []
    assert await store.count_audience("session:s1") == 1  # only attendee 2's star is left

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
    assert await starred_by(store, "s1") == []  # 2 was reminded already; 1 is gone
