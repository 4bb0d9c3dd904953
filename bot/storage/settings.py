"""Settings the bot persists for itself (e.g. the generated webhook secret)."""

from __future__ import annotations

from bot.storage.connection import Database


class Settings(Database):
    """The `settings` key-value table."""

    async def get_setting(self, key: str) -> str | None:
        """A persisted bot setting (e.g. the generated webhook secret), or None."""
        row = await self._select_one("SELECT value FROM settings WHERE key = ?", (key,))
        return None if row is None else row[0]

    async def set_setting(self, key: str, value: str) -> None:
        """Create or replace a persisted bot setting."""
        await self._changed(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
