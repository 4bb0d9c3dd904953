"""The manners: what each chatter kind gets, and when handoffs are gathered into one post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.agenda import AgendaView
from bot.answering.decide import Answered, Reply
from bot.etiquette import (
    REPEAT_WINDOW,
    HandoffCounter,
    PassedOn,
    action_for,
    ask_organisers_outcome,
    greeting_line,
    withhold_rejected,
)
from bot.matching.chatter import CHATTER_KINDS, ChatterKind, ChatterReader, Reading
from bot.matching.decision import Decision
from bot.matching.index import Target
from bot.matching.matcher import Candidate
from bot.storage import Rejection


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


# --- the same question again after a 👎 passed on (withhold_rejected) ----------------------


def _target(key: str) -> Candidate:
    kind, ident = key.split(":")
    return Candidate(Target(kind, ident, ident.title()), 0.9)  # type: ignore[arg-type]


def _answered(
    decision: Decision,
    best: str | None,
    suggestions: tuple[str, ...] = (),
    *,
    grouping_key: str = "password wifi",
    agenda_list: bool = False,
) -> Answered:
    candidates = tuple(_target(key) for key in ((best,) if best else ()) + suggestions)
    view = AgendaView("Now", ()) if agenda_list else None
    reply = Reply("q", decision, candidates, tuple(_target(k) for k in suggestions), view)
    return Answered(
        reply, decision, "<b>answer</b>" if decision == "answer" else None, grouping_key
    )


PASSED_AT = datetime(2027, 2, 16, 11, 0, tzinfo=UTC)
WIFI = Rejection(1, "faq:wifi", "password wifi", PASSED_AT)


def test_an_answer_with_the_rejected_entry_is_still_waiting_whatever_the_words() -> None:
    assert withhold_rejected(_answered("answer", "faq:wifi"), [WIFI]) is None
    other_words = _answered("answer", "faq:wifi", grouping_key="connect how wifi")
    assert withhold_rejected(other_words, [WIFI]) is None


def test_other_answers_and_attendees_without_rejections_are_untouched() -> None:
    parking = _answered("answer", "faq:parking")
    assert withhold_rejected(parking, [WIFI]) is parking
    wifi = _answered("answer", "faq:wifi")
    assert withhold_rejected(wifi, []) is wifi
    handed_off = _answered("none", "faq:wifi")  # the repeat rule by words covers these
    assert withhold_rejected(handed_off, [WIFI]) is handed_off


def test_an_agenda_list_is_withheld_only_for_the_same_words() -> None:
    now = Rejection(1, "session:keynote", "now what", PASSED_AT)
    same = _answered("answer", "session:keynote", grouping_key="now what", agenda_list=True)
    assert withhold_rejected(same, [now]) is None
    day_one = _answered("answer", "session:keynote", grouping_key="day1", agenda_list=True)
    assert withhold_rejected(day_one, [now]) is day_one
    single = _answered("answer", "session:keynote", grouping_key="keynot when")
    assert withhold_rejected(single, [now]) is None  # that session's own answer


def test_did_you_mean_drops_the_rejected_entry_and_none_left_is_still_waiting() -> None:
    close = _answered("suggest", None, ("faq:wifi", "faq:internet", "faq:helpdesk"))
    kept = withhold_rejected(close, [WIFI])
    assert kept is not None and kept.decision == "suggest"
    assert [c.target.key for c in kept.reply.suggestions] == ["faq:internet", "faq:helpdesk"]
    assert close.reply.suggestions[0].target.key == "faq:wifi"  # the shared answer unchanged
    second = _answered("suggest", None, ("faq:internet", "faq:wifi"))
    kept = withhold_rejected(second, [WIFI])
    assert kept is not None and [c.target.key for c in kept.reply.suggestions] == ["faq:internet"]
    only = _answered("suggest", None, ("faq:wifi", "faq:internet"))
    both = [WIFI, Rejection(1, "faq:internet", "internet", PASSED_AT)]
    assert withhold_rejected(only, both) is None
    unrelated = _answered("suggest", None, ("faq:lunch", "faq:snacks"))
    assert withhold_rejected(unrelated, [WIFI]) is unrelated


class _Database:
    """What `Store.open_rejections` would return, and how often it was asked."""

    def __init__(self, *held: Rejection) -> None:
        self.held = list(held)
        self.asked = 0

    async def lookup(self, user_id: int, since: datetime) -> list[Rejection]:
        self.asked += 1
        return [r for r in self.held if r.user_id == user_id and r.at >= since]


async def test_passed_on_asks_the_database_only_when_the_answer_may_be_withheld() -> None:
    record, db = PassedOn(), _Database(WIFI)
    now = PASSED_AT + timedelta(minutes=5)
    wifi, parking = _answered("answer", "faq:wifi"), _answered("answer", "faq:parking")
    assert await record.withhold(wifi, 1, now, db.lookup) is wifi  # nothing noted yet
    record.note(WIFI)
    assert await record.withhold(parking, 1, now, db.lookup) is parking
    assert await record.withhold(wifi, 2, now, db.lookup) is wifi  # another attendee
    assert db.asked == 0
    assert await record.withhold(wifi, 1, now, db.lookup) is None
    assert db.asked == 1


async def test_passed_on_drops_what_the_database_no_longer_holds() -> None:
    record, db = PassedOn(), _Database(WIFI)
    record.note(WIFI)
    db.held = []  # the organisers answered it (in the chat, the desk or /unanswered)
    wifi, now = _answered("answer", "faq:wifi"), PASSED_AT + timedelta(minutes=5)
    assert await record.withhold(wifi, 1, now, db.lookup) is wifi
    assert await record.withhold(wifi, 1, now, db.lookup) is wifi
    assert db.asked == 1 and record.recent(1, now) == []


async def test_passed_on_forgets_after_the_window_and_is_rebuilt_at_start() -> None:
    record, db = PassedOn(), _Database(WIFI)
    record.load(await db.lookup(1, PASSED_AT - REPEAT_WINDOW))  # as post_init does
    assert record.recent(1, PASSED_AT + REPEAT_WINDOW) == [WIFI]
    later = PASSED_AT + REPEAT_WINDOW + timedelta(seconds=1)
    wifi = _answered("answer", "faq:wifi")
    assert await record.withhold(wifi, 1, later, db.lookup) is wifi
    assert db.asked == 1  # the lookup at start only
    other = Rejection(2, "faq:lunch", "lunch", later)
    record.note(other)  # noting prunes everyone's expired entries
    assert record.recent(2, later) == [other] and record.recent(1, PASSED_AT) == []
