"""Agenda questions by room, day and time, on the bundled sample programme."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.clock import Clock
from bot.content import load_content
from bot.matching.slots import SlotReader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample() -> Answerer:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    return Answerer(content, Clock(content.conference.timezone, datetime(2027, 2, 16, 11, 30)))


@pytest.mark.parametrize(
    ("question", "session"),
    [
        ("hall b wednesday 3pm", "supply-chain-talk"),
        ("what's in Hall C at 15:00 on day 1", "threat-intel-talk"),
        ("hall c 3 baje day 1 kya hai", "threat-intel-talk"),
        ("lab 1 mein day 2 subah kya hai", "ot-ics-workshop"),
        ("what's in hall b right after lunch on day 2", "cloud-attacks-talk"),
    ],
)
def test_room_and_time_questions_name_the_session(sample, question, session):
    assert_answered_from_the_agenda(sample, question, session)


def assert_answered_from_the_agenda(sample: Answerer, question: str, session: str) -> None:
    reply = sample.ask(question)
    assert reply.decision == "answer" and reply.source == "slots"
    assert reply.best.target.id == session


def test_room_now_uses_the_clock(sample):
    reply = sample.ask("what is on in hall a right now")
    assert reply.source == "slots"
    assert reply.best.target.id == "policy-panel"  # 11:15-12:15 in Hall A


def test_a_room_alone_is_left_to_the_matcher(sample):
    assert sample.ask("where is the forensics lab").source == "matcher"


def test_reading_slots():
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    found = SlotReader(content).read("Hall B, Wednesday at 3pm please", date(2027, 2, 16))
    assert found.room.id == "hall-b"
    assert found.day == date(2027, 2, 17)
    assert found.at == time(15, 0)
    assert SlotReader(content).read("day 2 lab 1", date(2027, 2, 16)).at is None


def test_repeating_sessions_are_answered_together(sample):
    reply = sample.ask("lunch kab hai")
    keys = [c.target.key for c in reply.suggestions] or [reply.best.target.key]
    assert "session:d2-lunch" not in keys or "session:d1-lunch" not in keys
    text = sample.text_for("session:d1-lunch")
    assert "Also:" in text and "Wed 17 Feb 13:00–14:00" in text


def test_room_and_day_headings_in_urdu(sample):
    reply = sample.ask("hall b wednesday")
    assert reply.source == "slots" and reply.agenda_view is not None
    urdu = sample.answer_text(reply, language="ur")
    assert urdu.splitlines()[0] == "Hall B، بدھ 17 فروری"
    assert sample.answer_text(reply).splitlines()[0] == "Hall B, Wednesday 17 February"
    day = sample.ask("day 2 agenda")
    assert sample.answer_text(day, language="ur").splitlines()[0] == "دن 2، بدھ 17 فروری"


@pytest.mark.parametrize(
    ("question", "session"),
    [
        ("doosre din ka pehla keynote kab hai", "threat-landscape-keynote"),
        ("first keynote", "opening-keynote"),
        ("what is the last talk in hall b on day 1", "startup-showcase"),
        ("day 1 ka aakhri session", "d1-closing-remarks"),
        ("who opens day 2", "threat-landscape-keynote"),  # not the CTF round running since 09:00
        ("who closes day 2", "closing-ceremony"),
        ("who gives the first keynote", "opening-keynote"),
        ("who gives the opening keynote", "opening-keynote"),  # "opening" before a kind
        ("closing keynote kab hai", "threat-landscape-keynote"),
    ],
)
def test_a_session_by_its_order_in_the_agenda(sample, question, session):
    assert_answered_from_the_agenda(sample, question, session)


@pytest.mark.parametrize(
    "question",
    [
        "first aid kahan hai",
        "last day to register",
        "where was the first ncsc held",
        "first floor lift",
        "last date for registration",
        # "open" / "close" that are not "opening X" / "closing X" of an agenda kind
        "registration kab band hogi",
        "when does registration close",
        "what time does the venue open",
    ],
)
def test_first_and_last_in_other_senses_are_left_to_the_matcher(sample, question):
    assert sample.ask(question).source == "matcher"


def test_no_session_of_the_kind_asked_leaves_it_to_the_matcher(sample):
    # The sample agenda has no panel in Lab 1: nothing to order, so no invented answer.
    assert sample.ask("last panel in lab 1 on day 2").source != "slots"


@pytest.mark.parametrize(
    ("question", "session"),
    [
        ("when is the keynote on day 2", "threat-landscape-keynote"),  # the only one that day
        ("registration day 2 kab hai", "d2-registration"),
        ("which panel is in hall c on day 2", "women-in-cyber-panel"),
    ],
)
def test_the_only_session_of_a_kind_on_a_day(sample, question, session):
    assert_answered_from_the_agenda(sample, question, session)


def test_every_session_of_a_kind_on_a_day_is_listed(sample):
    reply = sample.ask("keynotes on day 1")
    assert reply.decision == "answer" and reply.agenda_view is not None
    assert [s.id for s in reply.agenda_view.sessions] == ["opening-keynote", "ai-keynote"]
    text = sample.answer_text(reply)
    assert "Securing Pakistan's digital frontier" in text and "AI: the defender" in text
    assert text.splitlines()[0] == "Tuesday 16 February"
    assert sample.answer_text(reply, language="ur").splitlines()[0] == "منگل 16 فروری"


@pytest.mark.parametrize(
    "question",
    [
        "keynote",  # a kind alone is for the matcher: it may be an FAQ question
        "where's the forensics lab workshop",  # a session's name, not a room and a kind
        "is there a workshop for beginners on day 2",
    ],
)
def test_a_kind_without_a_day_or_with_other_words_is_left_to_the_matcher(sample, question):
    assert sample.ask(question).source == "matcher"
