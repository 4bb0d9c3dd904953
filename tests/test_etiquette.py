"""The manners: what each chatter kind gets, and when handoffs are gathered into one post."""

from __future__ import annotations

import pytest

from bot.etiquette import HandoffCounter, action_for, ask_organisers_outcome, greeting_line
from bot.matching.chatter import CHATTER_KINDS, ChatterKind, ChatterReader, Reading


@pytest.mark.parametrize("kind", CHATTER_KINDS)
def test_every_kind_has_a_manner(kind: ChatterKind) -> None:
    action = action_for(Reading(kind, None, (kind,)))
    assert action.kind == kind
    silent = action.reply is None and not action.help
    assert silent == (kind == "acknowledgement")
    assert action.handoff == (kind == "ask_for_person")
    assert action.feedback == (kind == "rudeness")
    assert action.menu == (kind in ("greeting", "anyone_there"))


def test_salam_is_returned_in_kind() -> None:
    reader = ChatterReader()
    assert action_for(reader.read("assalam o alaikum")).reply == "chatter.salam"
    assert action_for(reader.read("hello")).reply == "chatter.greeting"
    assert greeting_line(reader.read("salam, wifi password?")) == "chatter.salam_short"
    assert greeting_line(reader.read("hi, wifi password?")) is None


def test_thanks_and_thanks_bye_count_as_a_thumbs_up() -> None:
    reader = ChatterReader()
    assert action_for(reader.read("shukriya")).upvote
    assert action_for(reader.read("thanks, bye")).upvote
    assert not action_for(reader.read("bye")).upvote


def test_the_third_handoff_in_ten_minutes_starts_a_batch() -> None:
    counter = HandoffCounter(window=600, batch_from=3)
    assert counter.note(1, 0) is None
    assert counter.note(1, 100) is None
    assert counter.note(2, 150) is None  # another attendee counts apart
    assert counter.note(1, 200) == 600  # posted with the rest when the window closes
    assert counter.note(1, 300) == 600
    assert counter.note(1, 700) == 800  # 0 and 100 left the window: 200, 300, 700 remain
    counter.prune(2000)
    assert counter.note(1, 2000) is None  # a new window


def test_a_slow_attendee_is_never_batched() -> None:
    counter = HandoffCounter(window=600, batch_from=3)
    assert all(counter.note(1, minute * 400) is None for minute in range(10))


def test_ask_the_organisers_passes_on_only_a_thumbs_down_on_the_bots_answer() -> None:
    outcome = ask_organisers_outcome
    assert outcome("answered_by_bot", -1, "faq:wifi", False) == "pass_on"
    assert outcome("answered_by_bot", -1, "faq:wifi", True) == "with_organisers"  # a repeat
    assert outcome("answered_by_bot", 1, "faq:wifi", False) == "helpful"
    assert outcome("answered_by_bot", None, "faq:wifi", False) == "helpful"
    for status in ("open", "answered", "dismissed"):
        assert outcome(status, -1, "faq:wifi", False) == "with_organisers"
    assert outcome("suggested", -1, None, False) == "expired"
    assert outcome("answered_by_bot", -1, None, False) == "expired"
