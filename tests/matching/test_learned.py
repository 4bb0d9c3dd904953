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


def _with(answerer: Answerer, *phrasings: tuple[str, str], entries: tuple = ()) -> Answerer:
    return Answerer(
        with_learned(answerer.content, Learned(tuple(phrasings), entries)), answerer.clock
    )


def test_a_taught_wording_settles_a_close_call(sample_answerer: Answerer) -> None:
    """The organiser's word beats a higher score, for exactly the words they taught."""
    question = "when is the ctf briefing"
    before = sample_answerer.matcher.match(question)
    assert before.best is not None and before.best.target.key == "session:ctf-opening-briefing"
    taught = _with(sample_answerer, ("ctf-schedule", question))
    scores = {c.target.key: c.score for c in taught.matcher.score(question)}
    assert scores["session:ctf-opening-briefing"] > scores["faq:ctf-schedule"]  # a close call
    for asked in (question, "WHEN is the CTF briefing??", "hi, the ctf briefing: when is it"):
        result = taught.matcher.match(asked)
        assert result.decision == "answer", asked
        assert result.best is not None and result.best.target.key == "faq:ctf-schedule"
        assert result.best.taught
    # A word more (known or not) is another question: the usual decision applies.
    for other in ("when is the ctf briefing on day 2", "when is the ctf briefing bowling"):
        result = taught.matcher.match(other)
        assert not any(c.taught for c in result.candidates), other
        assert result.decision == "suggest", other  # the learned phrasing made it close
    # The same words taught for two different answers settle nothing.
    both = _with(sample_answerer, ("ctf-schedule", question), ("ctf-registration", question))
    assert both.matcher.match(question).decision == "suggest"


def test_a_chatty_learned_message_lends_its_entry_no_filler_and_little_context(
    sample_answerer: Answerer,
) -> None:
    """Only a learned phrasing's content words join the index, and a long message's
    words weigh less: teaching one must not turn its entry into everyone's rival."""
    message = (
        "Hi, I'm coming from Lahore on Monday night and was wondering what time things kick "
        "off on Tuesday morning, and also what time it wraps up on Wednesday so I can book "
        "my bus back. So when exactly do I need to be there?"
    )
    index = _with(sample_answerer, ("event-dates", message)).matcher.index
    plain = sample_answerer.matcher.index
    assert "im" not in plain.idf and "im" not in index.idf  # the attendee's filler
    dates = next(d for d in index.documents if d.target.id == "event-dates")
    assert 0 < dates.term_weight["lahor"] < 0.5  # context, weighed as such
    for question in ("i'm vegan, any options?", "fire alarm baje to kahan jana hai"):
        before = sample_answerer.matcher.match(question)
        after = _with(sample_answerer, ("event-dates", message)).matcher.match(question)
        assert before.decision == after.decision == "answer", question


def test_entries_with_the_same_answer_are_no_close_call(sample_answerer: Answerer) -> None:
    """A learned entry repeating an entry's answer word for word is related to it."""
    parking = sample_answerer.content.faq_entry("parking")
    assert parking is not None
    copy = LearnedEntry("learned-cars", "where do cars go", " ".join(parking.answer.split()))
    answerer = _with(sample_answerer, entries=(copy,))
    related = answerer.matcher.index.related
    assert "faq:learned-cars" in related["faq:parking"]
    assert "faq:parking" in related["faq:learned-cars"]
    assert related["faq:wifi"] == frozenset({"faq:wifi"})


def test_learning_adds_weight_and_never_takes_any_away(sample_answerer: Answerer) -> None:
    """Every word an entry had keeps at least its weight once something is learned for it
    (only the shared word statistics move): a learned wording adds words, not votes."""
    message = "what time does it all end on the last day, we need to book our bus"
    index = _with(sample_answerer, ("event-dates", message)).matcher.index
    plain = sample_answerer.matcher.index
    before = next(d for d in plain.documents if d.target.id == "event-dates").term_weight
    after = next(d for d in index.documents if d.target.id == "event-dates").term_weight
    assert all(after[term] >= weight for term, weight in before.items())
    assert "bus" in after and "bus" not in before
    question = "what time does day 2 end"
    scores = [
        {c.target.key: c.score for c in answerer.matcher.score(question)}["faq:event-dates"]
        for answerer in (sample_answerer, _with(sample_answerer, ("event-dates", message)))
    ]
    assert scores[1] >= scores[0]
