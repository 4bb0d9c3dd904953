"""The matcher's side of learning: learned phrasings in the content and their checks."""

from __future__ import annotations

from bot.answering import Answerer
from bot.content import Content
from bot.matching.learned import (
    MAX_PHRASING_CHARS,
    Learned,
    LearnedEntry,
    check_phrasing,
    learned_phrasing_used,
    with_learned,
    without_learned,
)


def test_learned_phrasings_join_the_entry_and_come_out_again(
    sample_content: Content, sample_answerer: Answerer
) -> None:
    learned = Learned(
        (("wifi", "hotspot ka code"), ("no-such-entry", "anything")),
        (LearnedEntry("learned-bowling", "is there a bowling alley", "No bowling, sorry."),),
    )
    content = with_learned(sample_content, learned)
    wifi = content.faq_entry("wifi")
    assert wifi is not None and wifi.phrasings[-1] == "hotspot ka code"
    assert wifi.file_phrasings == sample_content.faq_entry("wifi").file_phrasings  # type: ignore[union-attr]
    assert content.faq_entry("learned-bowling") is not None
    assert content.faq_entry("no-such-entry") is None  # nothing made up for a missing entry
    assert without_learned(content).faq == sample_content.faq
    assert with_learned(content, Learned()).faq == sample_content.faq
    # The original content is untouched (a new snapshot, as a reload makes).
    assert sample_content.faq_entry("learned-bowling") is None


def test_checks_like_a_yaml_variant_and_names_a_conflict(
    sample_content: Content, sample_answerer: Answerer
) -> None:
    matcher = sample_answerer.matcher
    assert check_phrasing(matcher, sample_content, "wifi", "hotspot ka code") is None
    assert check_phrasing(matcher, sample_content, "wifi", "   ").reason == "empty"  # type: ignore[union-attr]
    long = "wifi " * (MAX_PHRASING_CHARS // 4)
    assert check_phrasing(matcher, sample_content, "wifi", long).reason == "too_long"  # type: ignore[union-attr]
    assert check_phrasing(matcher, sample_content, "wifi", "?? !!").reason == "no_words"  # type: ignore[union-attr]
    assert check_phrasing(matcher, sample_content, "nope", "hotspot").reason == "no_entry"  # type: ignore[union-attr]
    duplicate = check_phrasing(matcher, sample_content, "wifi", "is there wi-fi at the VENUE")
    assert duplicate is not None and duplicate.reason == "duplicate"
    conflict = check_phrasing(matcher, sample_content, "wifi", "Is there parking at the venue")
    assert conflict is not None and conflict.reason == "conflict"
    assert (conflict.entry_id, conflict.phrasing) == ("parking", "Is there parking at the venue?")
    # The same answer either way is no conflict: no wrong answer can come of it.
    parking = sample_content.faq_entry("parking")
    assert parking is not None
    same = check_phrasing(
        matcher, sample_content, "learned-x", "Is there parking at the venue", parking.answer
    )
    assert same is None
    # A pending learned phrasing (not yet indexed) conflicts as well.
    pending = with_learned(sample_content, Learned((("parking", "hotspot ka code"),)))
    clash = check_phrasing(matcher, pending, "wifi", "hotspot ka code")
    assert clash is not None and (clash.reason, clash.entry_id) == ("conflict", "parking")


def test_which_answers_came_through_what_was_learned(sample_answerer: Answerer) -> None:
    content = with_learned(
        sample_answerer.content,
        Learned(
            (("wifi", "hotspot ka code"),),
            (LearnedEntry("learned-bowling", "bowling alley", "No bowling."),),
        ),
    )
    answerer = Answerer(content, sample_answerer.clock)
    wifi, bowling = content.faq_entry("wifi"), content.faq_entry("learned-bowling")
    assert wifi is not None and bowling is not None
    assert learned_phrasing_used(answerer.matcher, wifi, "hotspot ka code?") == "hotspot ka code"
    assert learned_phrasing_used(answerer.matcher, wifi, "wifi password") is None
    assert learned_phrasing_used(answerer.matcher, bowling, "bowling?") == "bowling alley"
    plain = sample_answerer.content.faq_entry("parking")
    assert plain is not None and learned_phrasing_used(answerer.matcher, plain, "park") is None
    decided = answerer.decide("hotspot ka code", "en")
    assert decided.decision == "answer" and decided.learned_phrasing == "hotspot ka code"
