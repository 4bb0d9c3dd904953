"""The benchmark's labelled questions must point at real answers in the sample content.

A renamed FAQ id or session would otherwise silently turn right answers into "wrong" ones
in bench/matching.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content import load_content

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CLOCK_ANSWER = "agenda:time"  # a "what's on now" question, answered from the clock


def labelled(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["questions"]


def expected_keys(entry: dict) -> list[str]:
    expect = entry["expect"]
    return [expect] if isinstance(expect, str) else list(expect)


@pytest.fixture(scope="module")
def answer_keys() -> set[str]:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    keys = {f"faq:{e.id}" for e in content.faq}
    keys |= {f"session:{s.id}" for s in content.sessions}
    keys |= {f"speaker:{s.id}" for s in content.speakers}
    return keys | {CLOCK_ANSWER}


@pytest.mark.parametrize("name", ["questions.yaml", "tuning_questions.yaml"])
def test_every_expected_answer_exists(answer_keys, name):
    unknown = {
        (entry["q"], key)
        for entry in labelled(name)
        for key in expected_keys(entry)
        if key != "none" and key not in answer_keys
    }
    assert not unknown


@pytest.mark.parametrize("name", ["questions.yaml", "tuning_questions.yaml"])
def test_none_means_out_of_scope_alone(name):
    for entry in labelled(name):
        keys = expected_keys(entry)
        assert keys and ("none" not in keys or keys == ["none"]), entry["q"]


def test_the_held_out_set_is_large_enough_and_split_in_two():
    entries = labelled("questions.yaml")
    assert {e["split"] for e in entries} == {"dev", "test"}
    out_of_scope = [e for e in entries if expected_keys(e) == ["none"]]
    assert len(entries) >= 300 and len(out_of_scope) >= 70
    for split in ("dev", "test"):
        share = sum(e["split"] == split for e in entries) / len(entries)
        assert 0.4 <= share <= 0.6


def test_no_tuning_question_repeats_a_held_out_one():
    held_out = {e["q"].casefold() for e in labelled("questions.yaml") if e["split"] == "test"}
    repeated = {e["q"].casefold() for e in labelled("tuning_questions.yaml")} & held_out
    # The count only: printing them would show held-out questions to whoever tunes next.
    assert not repeated, f"{len(repeated)} tuning questions repeat held-out ones"
