"""bot.answering.decide: the path from a question to the bot's decision, in one place."""

from __future__ import annotations

from bot.answering import Answerer
from bot.answering.text import HTML


def test_decide_answers_with_the_text_it_would_send_and_the_grouping_key(
    sample_answerer: Answerer,
):
    decided = sample_answerer.decide("wifi password", "en")
    assert decided.decision == "answer"
    assert decided.answer_html == sample_answerer.answer_text(decided.reply, HTML, "en")
    assert decided.grouping_key == sample_answerer.grouping_key("wifi password")


def test_special_questions_come_before_the_matcher(sample_answerer: Answerer):
    reading = sample_answerer.read("what's on in hall a right now")
    assert reading.found.room is not None and "now" in reading.leftover_terms
    assert sample_answerer.decide(reading.question, "en").reply.source == "slots"
    assert sample_answerer.decide("what is next", "en").reply.source == "clock"
    assert sample_answerer.decide("wifi password", "en").reply.source == "matcher"


def test_an_agenda_answer_is_read_in_the_askers_language_once(sample_answerer: Answerer):
    urdu = sample_answerer.decide("day 2 agenda", "ur")
    assert urdu.reply.language == "ur"
    assert urdu.answer_html is not None
    assert (
        urdu.answer_html.splitlines()[0]
        == sample_answerer.answer_text(
            sample_answerer.ask("day 2 agenda"), HTML, "ur"
        ).splitlines()[0]
    )
    assert urdu.answer_html != sample_answerer.decide("day 2 agenda", "en").answer_html


def test_nothing_to_show_is_a_hand_off(sample_answerer: Answerer):
    decided = sample_answerer.decide("is there a bowling alley", "en")
    assert decided.decision == "none" and decided.answer_html is None
