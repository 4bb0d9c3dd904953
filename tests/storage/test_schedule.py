"""Stars and reminder preferences."""

from __future__ import annotations

from bot.storage import Store
from tests.storage.support import at, starred_by


async def test_stars_toggle(store: Store) -> None:
    assert await store.toggle_star(1, "keynote", at(0)) is True
    assert await store.toggle_star(1, "panel", at(1)) is True
    assert await store.toggle_star(2, "keynote", at(2)) is True
    assert await store.starred_sessions(1) == ["keynote", "panel"]
    assert await starred_by(store, "keynote") == [1, 2]
    assert await store.toggle_star(1, "keynote", at(3)) is False
    assert await store.starred_sessions(1) == ["panel"]
    assert await starred_by(store, "keynote") == [2]
    assert await starred_by(store, "nobody") == []
