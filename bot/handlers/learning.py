"""Teaching the bot: the offer under an organiser's answer, /teach, /learned and its buttons.

Every command and button here is behind `organiser_only` (a forged button from anyone
else is refused). The work is `bot.learning.Learner`'s: it stores first, then the reply
says what was learned; the index catches up in the background.
"""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.answering.text import key_for_token
from bot.handlers.context import BotContext, command_argument, pressed
from bot.handlers.guards import organiser_only
from bot.handlers.sending import answer_query, edit, respond
from bot.learning import MORE_GUESSES, Taught
from bot.messages import plain
from bot.state import BotState
from bot.storage import Question

NEW = "new"


def _label(st: BotState, entry_id: str) -> str:
    entry = st.content.faq_entry(entry_id)
    return entry.question if entry is not None else entry_id


async def _teach(
    update: Update, context: BotContext, question: Question, entry_id: str | None
) -> tuple[Taught, render.Rendered]:
    st, lang = context.state, context.lang
    user = update.effective_user
    assert user is not None
    taught = await st.learner.teach(question, entry_id, user.id, user.full_name, st.now())
    if taught.row is not None:
        return taught, render.taught(taught.row, _label(st, taught.row.entry_id), lang)
    if taught.refusal is not None:
        return taught, render.teach_refused(taught.refusal, lang)
    return taught, render.message("learned_gone", lang)


@organiser_only
async def on_teach_button(update: Update, context: BotContext) -> None:
    """The offer's buttons ("teach:<question id>:<entry token>|other|new|no")."""
    query, (_, raw_id, choice) = pressed(update)
    st, lang = context.state, context.lang
    question = await st.store.get_question(int(raw_id))
    if question is None:
        await answer_query(query, plain("cb.expired", lang))
        return
    if choice == "no":
        await answer_query(query)
        await edit(query, context, render.message("teach_declined", lang, id=question.id))
        return
    if choice == "other":
        guesses = st.learner.offer(question, MORE_GUESSES)
        await answer_query(query)
        await edit(query, context, render.teach_more(question.id, question.text, guesses, lang))
        return
    entry_id: str | None = None
    if choice != NEW:
        key = key_for_token(st.content, choice)
        if key is None or not key.startswith("faq:"):
            await answer_query(query, plain("cb.expired", lang))
            return
        entry_id = key.removeprefix("faq:")
    taught, reply = await _teach(update, context, question, entry_id)
    await answer_query(query, plain("cb.taught", lang) if taught.row else None)
    await edit(query, context, reply)


@organiser_only
async def cmd_teach(update: Update, context: BotContext) -> None:
    """/teach ID ENTRY: question ID's wording becomes a phrasing of ENTRY ("new": an entry)."""
    st, lang = context.state, context.lang
    message = update.effective_message
    parts = command_argument(message.text if message else None).split()
    raw_id = parts[0].lstrip("#") if parts else ""
    if len(parts) != 2 or not raw_id.isdigit() or not 0 < int(raw_id) < 2**63:
        await respond(update, context, render.message("teach_usage", lang))
        return
    question = await st.store.get_question(int(raw_id))
    if question is None:
        await respond(update, context, render.message("no_such_question", lang, id=raw_id))
        return
    target = parts[1]
    if target.lower() == NEW and not question.answer_text:
        await respond(update, context, render.message("teach_not_answered", lang, id=question.id))
        return
    _, reply = await _teach(update, context, question, None if target.lower() == NEW else target)
    await respond(update, context, reply)


async def _learned_page(st: BotState, lang: str) -> render.Rendered:
    rows = await st.store.learned("proposed", "active")
    proposals = [r for r in rows if r.status == "proposed"]
    active = [r for r in rows if r.status == "active"]
    labels = {r.entry_id: _label(st, r.entry_id) for r in rows}
    in_files = len(await st.learner.now_in_files())
    uses = await st.store.learned_uses_by_id()
    tz = st.content.conference.timezone
    return render.learned_list(proposals, active, in_files, labels, uses, tz, lang)


@organiser_only
async def cmd_learned(update: Update, context: BotContext) -> None:
    """/learned: proposals to approve, what was learned (from whom, when), [remove]."""
    await respond(update, context, await _learned_page(context.state, context.lang))


@organiser_only
async def on_learned_button(update: Update, context: BotContext) -> None:
    """/learned's buttons ("learn:ok|no|rm:<id>", "learn:clear")."""
    query, parts = pressed(update)
    st, lang = context.state, context.lang
    user = update.effective_user
    assert user is not None
    action = parts[1]
    note: str | None
    if action == "clear":
        removed = await st.learner.remove(*(row.id for row in await st.learner.now_in_files()))
        note = plain("cb.learned_removed", lang, count=removed)
    else:
        learned_id = int(parts[2])
        row = await st.store.get_learned(learned_id)
        note = plain("cb.learned_gone", lang)
        if row is not None and action == "rm":
            removed = await st.learner.remove(learned_id)
            note = plain("cb.learned_removed", lang, count=removed)
        elif row is not None and action == "ok":
            taught = await st.learner.approve(learned_id, user.id, user.full_name, st.now())
            if taught.refusal is not None:
                await answer_query(query)
                await respond(update, context, render.teach_refused(taught.refusal, lang))
                await edit(query, context, await _learned_page(st, lang))
                return
            if taught.row is not None:
                label = _label(st, row.entry_id)
                note = plain("cb.learned_approved", lang, phrasing=row.text, label=label)
        elif (
            row is not None
            and action == "no"
            and await st.learner.reject(learned_id, user.id, user.full_name, st.now())
        ):
            note = plain("cb.learned_rejected", lang, phrasing=row.text)
    await answer_query(query, render.truncate(note, 190) if note else None)
    await edit(query, context, await _learned_page(st, lang))
