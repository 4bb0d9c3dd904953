"""From raw text to the terms the index compares.

One analyzer serves both sides, the organisers' phrasings when the index is built and the
attendee's question at match time, so every variant spelling ends up as the same term:
fold script variants, translate Roman Urdu / Urdu words, join multi-word concepts
("wi fi" → wifi), stem English word forms, collapse doubled letters of free-form Roman
Urdu spelling, apply the organisers' synonym groups, and drop filler.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import snowballstemmer

from bot.matching.lexicon import LEXICON, PHRASES, STOPWORDS, british_spelling, verb_forms
from bot.matching.normalize import fold, is_urdu_script, squash

_MAX_PHRASE = 3
_WORD_CACHE_SIZE = 200_000  # words: bounded, so a flood of gibberish cannot grow memory
_TEXT_CACHE_SIZE = 4_096  # whole texts (questions, their sentences)
# A clock time is one term ("16:15" → "16h15"): split into "16" and "15" it would match
# any question with a 15 in it ("whats 15 times 17") to whichever answer lists times.
_CLOCK_TIME = re.compile(r"\b(\d{1,2})[:.](\d{2})\b")
_TWELVE_HOUR = re.compile(
    r"\b(?P<hour>0?[1-9]|1[0-2])(?:[:.](?P<minute>\d{2}))?\s*(?P<half>[ap]m)\b",
    re.IGNORECASE,
)


# Urdu endings (as folded: ے is ی) and what the base form ends with instead.
_URDU_ENDINGS: tuple[tuple[str, str], ...] = (
    ("وں", ""),
    ("وں", "ہ"),
    ("یاں", ""),
    ("یاں", "ی"),
    ("یں", ""),
    ("یں", "ہ"),
    ("ات", ""),
    ("ات", "ہ"),
    ("ز", ""),
    ("ی", "ہ"),
    ("ی", "ا"),
    ("ی", ""),
)


# A synonym key for a word as written (singular), not stemmed: see Analyzer._member_key.
_DERIVED = "="
_ENDING = 1  # letters a stem may drop and still be the same word ("reserve" / "reserv")


def _singular(word: str) -> str:
    """The word without a plural ending: "presentations" / "presentation", "queries"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _split_words(text: str) -> list[str]:
    """Folded words, with clock times kept whole ("3pm" as 15:00, the way answers list it)."""
    return fold(_CLOCK_TIME.sub(r"\1h\2", _TWELVE_HOUR.sub(_as_24_hour, text))).split()


def _as_24_hour(match: re.Match[str]) -> str:
    hour = int(match["hour"]) % 12 + (12 if match["half"].casefold() == "pm" else 0)
    return f"{hour:02d}:{match['minute'] or '00'}"


def _fold_word(word: str) -> str:
    return " ".join(fold(word).split())


class Analyzer:
    def __init__(self, synonym_groups: Iterable[Sequence[str]] = ()) -> None:
        self._stemmer = snowballstemmer.stemmer("english")
        self._lexicon: dict[str, str] = {}
        for key, value in LEXICON.items():
            folded = _fold_word(key)
            self._lexicon[folded] = value
            self._lexicon.setdefault(squash(folded), value)
        self._stop = {_fold_word(w) for w in STOPWORDS}
        for form, meaning in verb_forms().items():
            if form in self._lexicon or form in self._stop:
                continue  # the hand-written lists know better
            if meaning is None:
                self._stop.add(form)
            else:
                self._lexicon[form] = meaning
        self._stop |= {squash(w) for w in self._stop}
        self._phrases = {tuple(_fold_word(w) for w in k): v for k, v in PHRASES.items()}
        self._phrase_starts = self._starts(self._phrases)
        self._synonym_starts: frozenset[str] = frozenset()
        self._word_cache: dict[str, tuple[str, bool]] = {}
        self._translation_cache: dict[str, str] = {}
        self._text_cache: dict[str, tuple[tuple[str, bool], ...]] = {}
        self._synonyms: dict[tuple[str, ...], str] = {}
        # Words two groups both claim (after stemming: "charges" and "charge"), as
        # (word, group it stays in, group that lost it): organisers should hear about it.
        self.synonym_conflicts: list[tuple[str, str, str]] = []
        claimed_by: dict[tuple[str, ...], str] = {}
        for group in synonym_groups:
            keyed = [(member, self._member_key(member)) for member in group]
            forms = [(member, member_key) for member, member_key in keyed if member_key]
            if not forms:
                continue
            canonical = "_".join(self._stem_sequence(forms[0][0]))
            label = ", ".join(group)
            for member, member_key in forms:
                # The first group that claims a word wins, so one word has one meaning.
                if member_key in self._synonyms and self._synonyms[member_key] != canonical:
                    self.synonym_conflicts.append((member, claimed_by[member_key], label))
                    continue
                self._synonyms[member_key] = canonical
                claimed_by[member_key] = label
        self._synonym_starts = self._starts(self._synonyms)
        self._synonym_words = frozenset(key for form in self._synonyms for key in form)

    def _translate(self, word: str) -> str:
        cached = self._translation_cache.get(word)
        if cached is not None:
            return cached
        found = self._lexicon.get(word) or self._lexicon.get(squash(word))
        if found is None and len(word) > 3:
            if is_urdu_script(word):
                found = self._translate_inflected(word)
            else:
                found = self._lexicon.get(british := british_spelling(word), british)
        if len(self._translation_cache) < _WORD_CACHE_SIZE:
            self._translation_cache[word] = found or word
        return found or word

    def _translate_inflected(self, word: str) -> str | None:
        """An Urdu plural or oblique form whose base form the lexicon knows.

        "ورکشاپوں", "سہولیات", "کمرے" (folded "کمری") are "ورکشاپ", "سہولت", "کمرہ" with an
        ending; Urdu has no stemmer here, so the common endings are tried against the
        lexicon's own words, and only a known base is accepted.
        """
        for ending, base_ending in _URDU_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 2:
                found = self._lexicon.get(word[: len(word) - len(ending)] + base_ending)
                if found is not None:
                    return found
        return None

    def _stem(self, word: str) -> tuple[str, bool]:
        """The term for one translated word, and whether it is filler."""
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        stop = word in self._stop or squash(word) in self._stop
        plain = is_urdu_script(word) or word.isdigit()
        term = word if plain else self._stemmer.stemWord(word)
        result = (term, stop)
        if len(self._word_cache) < _WORD_CACHE_SIZE:
            self._word_cache[word] = result
        return result

    @staticmethod
    def _join(
        items: list[tuple[str, bool]],
        table: dict[tuple[str, ...], str],
        starts: frozenset[str],
    ) -> list[tuple[str, bool]]:
        """Replace known multi-word spellings by one term (a joined term is never filler).

        `starts` holds the first words of the multi-word keys, so most words skip the
        phrase lookups entirely.
        """
        if not table:
            return items
        out: list[tuple[str, bool]] = []
        i, count = 0, len(items)
        while i < count:
            word, stop = items[i]
            if word in starts:
                for size in range(min(_MAX_PHRASE, count - i), 1, -1):
                    joined = table.get(tuple(w for w, _ in items[i : i + size]))
                    if joined is not None:
                        out.append((joined, False))
                        i += size
                        break
                else:
                    single = table.get((word,))
                    out.append((single, False) if single is not None else (word, stop))
                    i += 1
                continue
            single = table.get((word,))
            out.append((single, False) if single is not None else (word, stop))
            i += 1
        return out

    @staticmethod
    def _starts(table: dict[tuple[str, ...], str]) -> frozenset[str]:
        return frozenset(key[0] for key in table if len(key) > 1)

    def analyse(self, text: str) -> tuple[tuple[str, bool], ...]:
        """Every term in order, each with whether it is filler.

        Recent texts are remembered: answering one question analyses it several times
        (slots, matching, grouping), and attendees repeat each other's words.
        """
        cached = self._text_cache.get(text)
        if cached is not None:
            return cached
        words = self._phrased(text)
        result = tuple(self._join_synonyms(words, [self._stem(word) for word in words]))
        if len(self._text_cache) >= _TEXT_CACHE_SIZE:
            self._text_cache.clear()  # rare; cheaper than tracking recency on every hit
        self._text_cache[text] = result
        return result

    def _word_keys(self, word: str) -> tuple[str, ...]:
        """How a word can meet a synonym member: as the derived word it is, else by stem.

        The derived key comes first: with `[fee, charge]` and `[battery, charging]`,
        "charging" is a battery and "charge", "charged" a fee.
        """
        stem = self._stem(word)[0]
        if is_urdu_script(word) or word.isdigit():
            return (stem,)
        return (_DERIVED + _singular(word), stem)

    def _member_key(self, member: str) -> tuple[str, ...]:
        """A synonym member's key: a base word by its stem, a derived word as written.

        Stemming makes "presentation" "present" and "training" "train": as synonyms of
        slides and workshops they would also catch "present my research" and "train
        ticket". A member the stemmer cuts by more than a letter ("reserve" / "reserv" is
        the same word, "reporter" / "report" is not) therefore only meets itself and its
        plural. The group's first word is its term, so all of that word's forms still
        arrive at the group.
        """
        keys = []
        for word in self._phrased(member):
            stem, singular = self._stem(word)[0], _singular(word)
            derived = len(singular) - len(stem) > _ENDING and not is_urdu_script(word)
            keys.append(_DERIVED + singular if derived else stem)
        return tuple(keys)

    def _join_synonyms(
        self,
        words: list[str],
        stemmed: list[tuple[str, bool]],
    ) -> list[tuple[str, bool]]:
        """Replace the organisers' synonyms by their group's term (never filler)."""
        if not self._synonyms:
            return stemmed
        table, starts, known = self._synonyms, self._synonym_starts, self._synonym_words
        out: list[tuple[str, bool]] = []
        i, count = 0, len(words)
        while i < count:
            keys = [k for k in self._word_keys(words[i]) if k in known]
            joined, size = None, 1
            if keys:
                longest = min(_MAX_PHRASE, count - i) if any(k in starts for k in keys) else 1
                for size in range(longest, 0, -1):
                    alternatives = [keys] + [self._word_keys(w) for w in words[i + 1 : i + size]]
                    joined = next(
                        (table[c] for c in itertools.product(*alternatives) if c in table),
                        None,
                    )
                    if joined is not None:
                        break
            if joined is None:
                out.append(stemmed[i])
                i += 1
            else:
                out.append((joined, False))
                i += size
        return out

    def _stem_sequence(self, text: str) -> list[str]:
        """Terms before synonyms are applied: a synonym group's term is its first member's."""
        return [self._stem(word)[0] for word in self._phrased(text)]

    def _phrased(self, text: str) -> list[str]:
        """Words translated, with multi-word spellings joined.

        Phrases are looked up as typed and again as translated: "going on" is the
        programme, but once "going" reads as arriving, "arrive on monday" must not be.
        """
        typed = [(word, False) for word in _split_words(text)]
        joined = self._join(typed, self._phrases, self._phrase_starts)
        translated = [(self._translate(word), False) for word, _ in joined]
        return [word for word, _ in self._join(translated, self._phrases, self._phrase_starts)]

    def english_reading(self, text: str) -> str:
        """The words as the lexicon reads them in English, for an English sentence encoder.

        "registration kab band hogi" reads "registration when close hogi": not English
        prose, but the words that carry the question are. Urdu-script words the lexicon
        does not know are left out; an English model cannot read them anyway.
        """
        return " ".join(w for w in self._phrased(text) if not is_urdu_script(w))

    def terms(self, text: str) -> list[str]:
        """Content terms in order, filler removed, synonyms merged."""
        return [term for term, stop in self.analyse(text) if not stop]
