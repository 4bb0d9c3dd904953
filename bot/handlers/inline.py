"""Inline mode: `@botname wifi` in any chat offers shareable answers.

Attendees use this to drop the answer into a group conversation ("where's lunch?" →
`@bot lunch` → the FAQ answer) without the bot having to read the group. Only entries the
matcher scores at least as high as it would to *suggest* them are offered, so the list is
short and relevant; an empty query offers what's on now, next and the venue.
"""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.handlers.context import BotContext

MAX_INLINE_QUERY = 256  # Telegram's own limit on inline query text
CACHE_SECONDS = 30  # short: "now" and "next" change through the day


async def on_inline_query(update: Update, context: BotContext) -> None:
    query = update.inline_query
    if query is None:
        return
    st = context.state
    lang = context.lang
    answerer = st.answerer
    text = query.query.strip()[:MAX_INLINE_QUERY]
    if not text:
        results = render.inline_defaults(answerer.content, st.now(), lang)
    else:
        reply = answerer.ask(text)
        floor = answerer.matcher.settings.suggest_threshold
        results = render.inline_results(answerer, reply, floor, lang)
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)
