"""What the bot learned while running, as the matcher sees it: more phrasings per entry.

Learned phrasings are added to `FaqEntry.learned` (so `FaqEntry.phrasings`, the one list
every index over entries reads, includes them) and learned entries become FAQ entries of
their own. Nothing here knows where they came from (organisers or attendees' picks) or
where they are stored: that is `bot.learning`. What lives here is the matcher's side of
the safety rules: a phrasing is checked like a YAML variant (not empty, not too long, not a
duplicate) and refused when it is a near-duplicate of another entry's phrasing with a
different answer, since the index cannot tell two such entries apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from rapidfuzz import fuzz

from bot.content.models import Content, FaqEntry
from bot.matching.matcher import Matcher
from bot.matching.normalize import fold

LEARNED_SOURCE = "learned"  # the `source_file` of a learned entry (no file holds it)
MAX_PHRASING_CHARS = 300  # a phrasing is a question, not a paragraph
# Two phrasings whose sorted terms are this similar (rapidfuzz ratio) ask the same thing.
NEAR_DUPLICATE = 90.0

RefusalReason = Literal[
    "empty", "too_long", "no_words", "duplicate", "conflict", "no_entry", "rejected"
]


@dataclass(frozen=True, slots=True)
class LearnedEntry:
    """An FAQ entry an organiser created from an answer: its question is the first phrasing."""

    id: str
    question: str
    answer: str
    phrasings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Learned:
    """Everything learned that is in effect: (entry id, phrasing) pairs and new entries."""

    phrasings: tuple[tuple[str, str], ...] = ()
    entries: tuple[LearnedEntry, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.phrasings or self.entries)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a phrasing was not learned; for a conflict, the entry and phrasing it clashes with."""

    reason: RefusalReason
    entry_id: str = ""
    label: str = ""
    phrasing: str = ""


def tidy(text: str) -> str:
    """One line, single spaces: how a learned phrasing is stored and shown."""
    return " ".join(text.split())


def without_learned(content: Content) -> Content:
    """The content as the files have it: learned phrasings and entries taken out."""
    faq = tuple(
        replace(entry, learned=()) if entry.learned else entry
        for entry in content.faq
        if entry.source_file != LEARNED_SOURCE
    )
    return replace(content, faq=faq, _by_id={})


def with_learned(content: Content, learned: Learned) -> Content:
    """The content with what was learned added (any learned part already in it replaced).

    A learned phrasing of an entry the files no longer have is left out (it comes back if
    the entry does); so is a learned entry whose id the files now use.
    """
    base = without_learned(content)
    if not learned:
        return base
    extra: dict[str, list[str]] = {}
    for entry_id, text in learned.phrasings:
        extra.setdefault(entry_id, []).append(text)
    taken = {entry.id for entry in base.faq}
    new_entries = [
        FaqEntry(
            id=entry.id,
            question=entry.question,
            answer=entry.answer,
            topic=LEARNED_SOURCE,
            source_file=LEARNED_SOURCE,
        )
        for entry in learned.entries
        if entry.id not in taken
    ]
    faq = tuple(
        replace(entry, learned=tuple(extra[entry.id])) if entry.id in extra else entry
        for entry in (*base.faq, *new_entries)
    )
    return replace(base, faq=faq, _by_id={})


def _sorted_terms(matcher: Matcher, text: str) -> str:
    """The text's terms, canonical and sorted: how the index compares phrasings."""
    aliases = matcher.index.aliases
    return " ".join(sorted({aliases.get(t, t) for t in matcher.analyzer.terms(text)}))


def check_phrasing(
    matcher: Matcher, content: Content, entry_id: str, text: str, answer: str | None = None
) -> Refusal | None:
    """None when `text` may become a phrasing of entry `entry_id`; else why not.

    `answer` is the answer of a new entry (not yet in the content); for an existing entry
    its own answer is used. Refused: empty, too long, no words the matcher reads, already
    a phrasing of this entry, or a near-duplicate of another entry's phrasing whose answer
    differs (the conflict is named).
    """
    text = tidy(text)
    if not text:
        return Refusal("empty")
    if len(text) > MAX_PHRASING_CHARS:
        return Refusal("too_long")
    entry = content.faq_entry(entry_id)
    if answer is None:
        if entry is None:
            return Refusal("no_entry", entry_id)
        answer = entry.answer
    wanted = _sorted_terms(matcher, text)
    if not wanted:
        return Refusal("no_words")
    if entry is not None:
        for phrasing in entry.phrasings:
            if fold(phrasing) == fold(text) or _sorted_terms(matcher, phrasing) == wanted:
                return Refusal("duplicate", entry_id, entry.question, phrasing)
    # What was learned but is not in the index yet (it is being rebuilt) counts as well.
    for other in content.faq:
        if other.id == entry_id or tidy(other.answer) == tidy(answer):
            continue
        pending = other.learned if other.source_file != LEARNED_SOURCE else other.phrasings
        for phrasing in pending:
            if fuzz.ratio(wanted, _sorted_terms(matcher, phrasing)) >= NEAR_DUPLICATE:
                return Refusal("conflict", other.id, other.question, phrasing)
    for document in matcher.index.documents:
        target = document.target
        if target.kind == "faq" and target.id == entry_id:
            continue
        filler = matcher.index.filler
        if not any(
            fuzz.ratio(wanted, " ".join(t for t in known.split() if t not in filler))
            >= NEAR_DUPLICATE
            for known in document.phrasing_texts
        ):
            continue
        known_entry = content.faq_entry(target.id) if target.kind == "faq" else None
        if known_entry is not None and tidy(known_entry.answer) == tidy(answer):
            continue  # the same answer either way: no wrong answer can come of it
        clash = _clashing_phrasing(matcher, content, target.kind, target.id, wanted)
        return Refusal("conflict", target.id, target.label, clash or target.label)
    return None


def _clashing_phrasing(
    matcher: Matcher, content: Content, kind: str, target_id: str, wanted: str
) -> str | None:
    """The other entry's phrasing (as written) that the new one nearly duplicates."""
    entry = content.faq_entry(target_id) if kind == "faq" else None
    if entry is None:
        return None
    best = max(entry.phrasings, key=lambda p: fuzz.ratio(wanted, _sorted_terms(matcher, p)))
    return best


def learned_phrasing_used(matcher: Matcher, entry: FaqEntry, question: str) -> str | None:
    """The learned phrasing that made this answer, or None when a file's phrasing did.

    A learned entry answers through what was learned by definition. For an entry with
    learned phrasings, the question counts as answered by one of them when it resembles
    that phrasing more than any phrasing from the files (as the matcher compares them).
    """
    if entry.source_file == LEARNED_SOURCE:
        return entry.question
    if not entry.learned:
        return None
    asked = _sorted_terms(matcher, question)

    def closeness(phrasing: str) -> float:
        return fuzz.ratio(asked, _sorted_terms(matcher, phrasing))

    best_file = max((closeness(p) for p in entry.file_phrasings), default=0.0)
    best_learned = max(entry.learned, key=closeness)
    return best_learned if closeness(best_learned) > best_file else None
