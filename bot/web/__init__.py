"""The Mini App: the programme for attendees and the desk for organisers, over HTTP.

Why a package of its own: the pages and their JSON API are plain aiohttp over the core
(content, storage, clock, catalogue) and never import telegram, so the same server runs
inside the bot, in the local preview and in tests. The two modules that do touch the
Telegram layer are named for it: `telegram_side` (the relay of desk answers through the
bot, the menu buttons) and `preview` (the bot run against a loopback Bot API).
"""
