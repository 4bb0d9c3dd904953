"""Settings the bot persists for itself."""

from __future__ import annotations

from bot.storage import Store


async def test_settings(store: Store) -> None:
    assert await store.get_setting("webhook_secret") is None
    await store.set_setting("webhook_secret", "abc")
    await store.set_setting("webhook_secret", "def")
    assert await store.get_setting("webhook_secret") == "def"
