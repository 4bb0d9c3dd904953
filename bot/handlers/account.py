"""The attendee's account: /start, /stop, /forget, /lang and the bot being blocked."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus

from bot import render
from bot.handlers.context import BotContext, command_argument, is_private, pressed
from bot.handlers.sending import answer_query, edit, respond
from bot.messages import html_text

logger = logging.getLogger(__name__)

LANGUAGE_WORDS = {
    "en": "en",
    "english": "en",
    "انگریزی": "en",
    "ur": "ur",
    "urdu": "ur",
    "اردو": "ur",
}


async def cmd_start(update: Update, context: BotContext) -> None:
    """/start: welcome, menu, and (in a private chat) register and subscribe the attendee."""
    st = context.state
    user, chat = update.effective_user, update.effective_chat
    private = is_private(chat)
    if private and user is not None:
        now = st.now()
        await st.store.upsert_user(user.id, user.first_name, user.username, user.language_code, now)
        await st.store.set_subscribed(user.id, True, now)  # /start again resumes
    welcome = render.welcome(st.content, context.lang, st.username, private=private)
    await respond(update, context, welcome)


async def cmd_stop(update: Update, context: BotContext) -> None:
    """/stop: no more announcements (the attendee's other data stays until /forget)."""
    st = context.state
    user = update.effective_user
    if user is not None:
        await st.store.set_subscribed(user.id, False, st.now())
    await respond(update, context, render.message("stopped", context.lang))


async def cmd_forget(update: Update, context: BotContext) -> None:
    """/forget: ask for confirmation; the button does the deleting."""
    lang = context.lang
    if not is_private(update.effective_chat):
        await respond(update, context, render.message("forget_private_only", lang))
        return
    confirm = render.rendered(html_text("forget_confirm", lang), render.forget_keyboard(lang))
    await respond(update, context, confirm)


async def on_forget(update: Update, context: BotContext) -> None:
    """The /forget confirmation ("forget:yes" / "forget:no")."""
    query, (_, confirmed) = pressed(update)
    st = context.state
    lang = context.lang
    if confirmed == "yes":
        await st.store.forget_user(query.from_user.id)
        st.chosen_languages.pop(query.from_user.id, None)
        await st.learner.forgot()  # what only their picks proposed is gone from the index too
        logger.info("forgot attendee %s at their request", query.from_user.id)
        reply = render.message("forget_done", lang)
    else:
        reply = render.message("forget_cancelled", lang)
    await answer_query(query)
    await edit(query, context, reply)


async def _choose_language(update: Update, context: BotContext, lang: str) -> None:
    """Store the attendee's choice; it wins over their Telegram client's language."""
    st = context.state
    user = update.effective_user
    if user is None:
        return
    if not await st.store.set_language(user.id, lang):
        await st.store.upsert_user(
            user.id,
            user.first_name,
            user.username,
            user.language_code,
            st.now(),
            subscribe_new=is_private(update.effective_chat),
        )
        await st.store.set_language(user.id, lang)
    st.chosen_languages[user.id] = lang


async def cmd_lang(update: Update, context: BotContext) -> None:
    """/lang: English / اردو buttons; `/lang ur` (or urdu, اردو, en) switches at once."""
    message = update.effective_message
    argument = command_argument(message.text if message else None).strip()
    choice = LANGUAGE_WORDS.get(argument.lower())
    if choice is None:
        lang = context.lang
        buttons = render.rendered(html_text("lang_choose", lang), render.language_keyboard(lang))
        await respond(update, context, buttons)
        return
    await _choose_language(update, context, choice)
    await respond(update, context, render.message("lang_set", choice))


async def on_lang(update: Update, context: BotContext) -> None:
    """A language button ("lang:en" / "lang:ur"): the presser's own language changes."""
    query, (_, choice) = pressed(update)
    await _choose_language(update, context, choice)
    await answer_query(query)
    await edit(query, context, render.message("lang_set", choice))


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """An attendee blocked the bot: stop sending them announcements."""
    change = update.my_chat_member
    if change is None or not is_private(change.chat):
        return
    if change.new_chat_member.status == ChatMemberStatus.BANNED:
        st = context.state
        await st.store.mark_blocked(change.chat.id, st.now())
        logger.info("attendee %s blocked the bot; unsubscribed", change.chat.id)
