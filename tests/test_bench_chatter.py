"""bench/chatter.py: how the mixed event counts organisers' posts that are not real questions.

The bench replays real data; this pins the counting rule on hand-made messages, so a post a
real question causes is never counted as noise, whatever the reader calls it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from chatter import (
    BENCH_NOW,
    Message,
    _at_least,
    _at_most,
    _share,
    _with_reader,
    handoff_answers,
    is_lost,
)  # bench/ is no package: found through sys.path

from bot.answering import Answerer
from bot.clock import Clock
from bot.content import load_content
from bot.matching.chatter import ChatterReader

ROOT = Path(__file__).resolve().parent.parent


def test_a_handoff_counts_as_noise_only_for_pure_chatter_of_another_kind() -> None:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    answerer = Answerer(content, Clock(content.conference.timezone, BENCH_NOW))
    reader = ChatterReader()
    person = "kisi insaan se baat karni hai"
    assert reader.read(person).kind == "ask_for_person"
    as_question = Message(person, "question", "ru", person)
    as_request = Message(person, "ask_for_person", "ru", None)
    as_greeting = Message(person, "greeting", "ru", None)  # a mislabel, for the rule's sake
    assert _with_reader(reader, answerer, [as_question]) == (1, 0, 1)
    assert _with_reader(reader, answerer, [as_request]) == (1, 0, 1)
    assert _with_reader(reader, answerer, [as_greeting]) == (1, 1, 1)
    # Pure chatter the reader keeps from the matcher is no post at all.
    assert _with_reader(reader, answerer, [Message("thanks", "thanks", "en", None)]) == (0, 0, 0)


def test_a_question_for_the_handoff_entry_read_as_asking_for_a_person_is_not_lost() -> None:
    """The handoff reply carries the `handoff: yes` entry's answer (the helpdesk contact)."""
    reader = ChatterReader()
    person = "kisi insaan se baat karni hai"  # labelled faq:helpdesk-contact, test half
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    assert person in handoff_answers("test", content)
    reading = reader.read(person)
    assert reading.kind == "ask_for_person" and reading.question is None
    assert not is_lost(reading, person, handoff_answers("test", content))
    # Without the entry's answer in the reply, the same reading loses the question ...
    assert is_lost(reading, person, set())
    # ... and so does another chatter kind, whose reply carries no answer.
    assert is_lost(reader.read("shukriya"), "shukriya", {"shukriya"})
    # A question read as a question is never lost.
    assert not is_lost(reader.read("where is lunch"), "where is lunch", set())


def test_targets_are_judged_on_the_exact_share_not_the_printed_one() -> None:
    assert _share(2, 381) == "0.5%" and _share(2, 381, 2) == "0.52%"
    assert _at_most(2, 381, 0.005) == "missed"
    assert _at_most(1, 381, 0.005) == "met"
    assert _at_most(0, 45, 0.02) == "met" and _at_most(1, 45, 0.02) == "missed"
    assert _at_most(0, 0, 0.02) == "missed"  # nothing measured is not a pass
    assert _at_least(95, 100, 0.95) == "met" and _at_least(94, 100, 0.95) == "missed"
    assert _at_least(0, 0, 0.95) == "missed"
