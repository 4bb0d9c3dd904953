"""The desk's teach offer: after an answer from the desk, the chat's one-tap choices.

An organiser who answers from the desk gets the offer the organisers' chat shows under a
reply ("Also use this for similar questions → [best guess] [second guess] [other…] [new FAQ
entry] [no]"), and a tap does what the chat's button does: the same core `Learner` stores
the attendee's wording as a learned phrasing (or a new learned entry with the answer), with
the same checks and refusals. Entries travel by id here (JSON has no 64-byte callback
limit, so no tokens are needed); the server checks ORGANISER_IDS on every call before this
module is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import messages
from bot.learning import GUESSES, MORE_GUESSES, Learner, Taught
from bot.storage import Question, Store

NEW, NO = "new", "no"
MAX_CHOICE = 200  # an entry id, "new" or "no"; anything longer is not a choice


@dataclass(frozen=True, slots=True)
class Choice:
    """What the organiser tapped: an entry id, a new entry (None), or no (`declined`)."""

    entry_id: str | None = None
    declined: bool = False


def parse_choice(raw: object) -> Choice | None:
    """The choice in a request body, or None when it is not one."""
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_CHOICE:
        return None
    if raw == NO:
        return Choice(declined=True)
    return Choice(None if raw == NEW else raw)


def offer(learner: Learner, question: Question, *, more: bool = False) -> dict[str, object]:
    """The entries to offer for this question, best guess first ("other…": more of them)."""
    guesses = learner.offer(question, MORE_GUESSES if more else GUESSES)
    return {
        "id": question.id,
        "question": question.text,
        "entries": [{"id": entry_id, "label": label} for entry_id, label in guesses],
        "more": not more,  # whether "other…" is still worth showing
    }


def _outcome(taught: Taught, label_of: dict[str, str], language: str) -> dict[str, object]:
    row, refusal = taught.row, taught.refusal
    if row is not None:
        if row.is_entry:
            text = messages.plain("web.taught_entry", language, phrasing=row.text)
        else:
            label = label_of.get(row.entry_id, row.entry_id)
            text = messages.plain("web.taught_phrasing", language, phrasing=row.text, label=label)
        return {"outcome": "taught", "entry": row.entry_id, "message": text}
    if refusal is not None:
        text = messages.plain(
            f"web.teach_refused_{refusal.reason}",
            language,
            phrasing=refusal.phrasing,
            label=refusal.label,
            entry=refusal.entry_id,
        )
        return {"outcome": "refused", "reason": refusal.reason, "message": text}
    return {"outcome": "gone", "message": messages.plain("web.teach_gone", language)}


async def teach(
    learner: Learner,
    store: Store,
    question_id: int,
    choice: Choice,
    organiser: tuple[int, str | None],
    now: datetime,
    language: str,
) -> dict[str, object]:
    """Do what the organiser tapped, through the Learner; the result as the page shows it."""
    question = await store.get_question(question_id)
    if question is None:
        return {"outcome": "missing", "message": messages.plain("web.teach_gone", language)}
    if choice.declined:
        text = messages.plain("web.teach_declined", language, id=question.id)
        return {"outcome": "declined", "message": text}
    if choice.entry_id is None and not question.answer_text:
        text = messages.plain("web.teach_not_answered", language, id=question.id)
        return {"outcome": "refused", "reason": "not_answered", "message": text}
    organiser_id, name = organiser
    taught = await learner.teach(question, choice.entry_id, organiser_id, name, now)
    content = learner.content_now(learner.current())
    labels = {entry.id: entry.question for entry in content.faq}
    return _outcome(taught, labels, language)
