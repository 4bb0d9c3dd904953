"""The /stats snapshot."""

from __future__ import annotations

from bot.storage import TOP_TARGETS, Stats, Store
from tests.storage.support import ask, at


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
    assert st == Stats(0, 0, 0, 0, 0, 0, 0, (), ())


async def test_top_targets_are_capped_at_ten(store: Store) -> None:
    for i in range(12):
        await ask(store, 1, f"q{i}", decision="answer", best=("faq", f"f{i:02}", f"F{i}"), minute=i)
    assert len((await store.stats()).top_targets) == TOP_TARGETS
