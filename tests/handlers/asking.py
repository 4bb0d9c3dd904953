"""Questions the current matcher decides a given way, and reading buttons off a reply.

Shared by the handler tests: the matcher keeps improving, so flows are tested on whichever
clear example it handles that way today.
"""

from __future__ import annotations

from bot.answering import Answerer
from bot.matching.matcher import Decision
from tests.fake_telegram import iter_buttons
from tests.harness import Harness

OTHER = 1002


def asking(answerer: Answerer, decision: Decision, questions: list[str]) -> str:
    """The first question the current matcher decides this way (the matcher keeps improving,
    so flows are tested on whichever clear example it handles that way today)."""
    for question in questions:
        if answerer.ask(question).decision == decision:
            return question
    raise AssertionError(f"none of {questions} gets {decision!r}")


def answer_question(h: Harness) -> str:
    return asking(
        h.state.answerer,
        "answer",
        ["wifi password", "what is the wifi password", "parking kahan hai"],
    )


def suggest_question(h: Harness) -> str:
    return asking(
        h.state.answerer,
        "suggest",
        ["where is lunch", "ctf", "lunch", "workshop", "certificate", "keynote"],
    )


def none_question(h: Harness) -> str:
    return asking(
        h.state.answerer, "none", ["is there a bowling alley", "can I bring my cat to the moon"]
    )


def labels(record: dict) -> list[str]:
    return [b["text"] for b in iter_buttons(record.get("reply_markup"))]


def datas(record: dict) -> list[str]:
    return [b["callback_data"] for b in iter_buttons(record.get("reply_markup"))]
