"""The chatter reader on the dev half of tests/data/chatter.yaml and on chosen cases.

The test half is for bench/chatter.py only (held out); these tests may be read freely.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.matching.chatter import CHATTER_KINDS, ChatterReader

DATA = Path(__file__).resolve().parents[1] / "data" / "chatter.yaml"
MESSAGES = yaml.safe_load(DATA.read_text(encoding="utf-8"))["messages"]
DEV = [m for m in MESSAGES if m["split"] == "dev"]


@pytest.fixture(scope="module")
def reader() -> ChatterReader:
    return ChatterReader()


def test_the_set_is_large_split_and_covers_every_kind_in_every_language() -> None:
    assert len(MESSAGES) >= 250
    assert {m["split"] for m in MESSAGES} == {"dev", "test"}
    for kind in CHATTER_KINDS:
        languages = {m["lang"] for m in MESSAGES if m["kind"] == kind and m["question"] is None}
        assert {"en", "ru", "ur"} <= languages, kind
    assert any(m["kind"] == "question" for m in MESSAGES)
    assert any(m["kind"] != "question" and m["question"] for m in MESSAGES)


@pytest.mark.parametrize(
    "message", [m for m in DEV if m["question"] is None], ids=lambda m: m["text"]
)
def test_pure_chatter_gets_its_kind(reader: ChatterReader, message: dict[str, str]) -> None:
    reading = reader.read(message["text"])
    assert (reading.kind, reading.question) == (message["kind"], None)
    assert reading.is_chatter


@pytest.mark.parametrize(
    "message", [m for m in DEV if m["question"] is not None], ids=lambda m: m["text"]
)
def test_a_question_in_or_like_chatter_stays_a_question(
    reader: ChatterReader, message: dict[str, str]
) -> None:
    reading = reader.read(message["text"])
    assert reading.question is not None
    assert not reading.is_chatter


@pytest.mark.parametrize(
    ("text", "kind", "question"),
    [
        ("hi, where is lunch", "greeting", "where is lunch"),
        ("thanks! and the prayer room?", "thanks", "and the prayer room?"),
        ("salam, registration kab band hogi", "greeting", "registration kab band hogi"),
        ("السلام علیکم، رجسٹریشن کب بند ہوگی", "greeting", "رجسٹریشن کب بند ہوگی"),
        ("ok so where do I park", "acknowledgement", "ok so where do I park"),
        ("help desk kahan hai", None, "help desk kahan hai"),
        ("where is the help desk", None, "where is the help desk"),
        ("thanks for the wifi info", "thanks", None),
    ],
)
def test_the_question_inside(
    reader: ChatterReader, text: str, kind: str | None, question: str | None
) -> None:
    reading = reader.read(text)
    assert (reading.kind, reading.question) == (kind, question)


def test_thanks_for_something_that_asks_is_a_question(reader: ChatterReader) -> None:
    reading = reader.read("thanks for the wifi info, but is there a prayer room")
    assert reading.kind == "thanks"
    assert reading.question == "but is there a prayer room"


@pytest.mark.parametrize("text", ["salam", "aoa", "Assalam-o-Alaikum", "السلام علیکم", "slm bhai"])
def test_salam_is_marked_to_be_returned_in_kind(reader: ChatterReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.kind == "greeting" and reading.salam


@pytest.mark.parametrize("text", ["hi", "good morning", "hey there"])
def test_other_greetings_are_not_salam(reader: ChatterReader, text: str) -> None:
    assert not reader.read(text).salam


@pytest.mark.parametrize(
    ("text", "kind"),
    [("👍", "acknowledgement"), ("🙏", "thanks"), ("❤️", "thanks"), ("👋🏽", "greeting")],
)
def test_emoji_alone(reader: ChatterReader, text: str, kind: str) -> None:
    assert reader.read(text).kind == kind


@pytest.mark.parametrize("text", ["???", "asdfgh", "qwerty", "jjjjjj", "ااااا", "."])
def test_mash_and_bare_punctuation_are_nonsense(reader: ChatterReader, text: str) -> None:
    assert reader.read(text).kind == "nonsense"


@pytest.mark.parametrize(
    "text",
    ["wifi", "parking?", "dumb question but where is lunch", "i need help with registration"],
)
def test_when_in_doubt_a_message_is_a_question(reader: ChatterReader, text: str) -> None:
    reading = reader.read(text)
    assert reading.question == text and not reading.is_chatter


def test_several_kinds_the_most_demanding_wins(reader: ChatterReader) -> None:
    assert reader.read("ok thanks").kind == "thanks"
    assert reader.read("thanks, bye").kind == "goodbye"
    assert reader.read("hello? anyone?").kind == "anyone_there"
