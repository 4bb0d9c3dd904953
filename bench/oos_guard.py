"""A class-based out-of-scope guard for the meaning layer, measured (tune_semantic.py --guard).

With the layer, more out-of-scope questions get an answer than with the lexical matcher,
and they come through the same fused routes as the layer's gain ("what's the best hotel
in lahore" answered with the nearby-hotels entry, "nut allergy" with the dietary one):
no score separates them (`--oos`). What the out-of-scope ones have is a word naming
something the entry does not say: a place (lahore, murree), a thing (source code), an
attribute (rates). The guard tested here:

- a word of the question is *uncovered* by an entry when none of its terms (as the
  analyser reads it, resolved by the index) is among the entry's own terms or those of
  the entries answered with it;
- the word's *pull* is how much the entry's meaning score rises when that one word is
  left out of the question (same encoder, question folded): a word the entry's meaning
  covers ("nursing" for the quiet room) lowers it when dropped, a word naming something
  else raises it;
- when the layer would promote a question the lexical matcher did not answer, and the
  answer's largest pull reaches `delta`, the layer offers buttons instead (the same
  buttons it offers when the two opinions disagree). The lexical matcher's own answers
  are never touched.

Everything is counted on the dev half and the tuning set (and CLINC150 training
utterances), never on the held-out half, with bench/choosing.py's rule and its
cross-validation. The guard lives here, not in bot/, because it did not qualify for the
bot: see docs/matching.md ("The out-of-scope guard").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from choosing import Limits, Tally, choose, cross_validate, tally
from tune_semantic import (
    Replayed,
    Scored,
    decided,
    describe,
    fmt_tally,
    letter,
    oos_grid,
    outcome,
)

from bot.matching.fusion import FusionSettings, MeaningLayer, offer_both
from bot.matching.matcher import Candidate, Matcher, MatchResult
from bot.matching.normalize import fold

DELTAS: tuple[float, ...] = (0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1)
NO_PULL = -1.0  # an entry that covers every word of the question

Pulls = dict[str, dict[str, float]]  # question -> entry key -> largest pull


def covered_terms(matcher: Matcher) -> dict[str, frozenset[str]]:
    """Per entry key: its own terms and those of the entries answered with it."""
    own = {d.target.key: frozenset(d.term_weight) for d in matcher.index.documents}
    return {
        key: frozenset().union(*(own.get(k, frozenset()) for k in matcher.index.related[key]))
        for key in own
    }


def word_terms(matcher: Matcher, word: str) -> list[str]:
    """A word's content terms as the index knows them (filler left out)."""
    index = matcher.index
    return [index.resolve(t) or t for t, filler in matcher.analyzer.analyse(word) if not filler]


def word_pulls(
    matcher: Matcher,
    question: str,
    candidates: Sequence[Candidate],
    covered: dict[str, frozenset[str]],
) -> dict[str, dict[str, float]]:
    """Per shortlisted entry, each word it does not cover, with how much the entry's
    meaning score rises when that one word is left out of the question (negative: the
    word brought the question closer to the entry, as a synonym does).

    One encoding per content word of the question, shared by every candidate."""
    layer = matcher.meaning
    assert layer is not None
    words = fold(question).split()
    base = layer.meaning_scores(" ".join(words), candidates)
    found: dict[str, dict[str, float]] = {c.target.key: {} for c in candidates}
    for number, word in enumerate(words):
        terms = word_terms(matcher, word)
        rest = " ".join(words[:number] + words[number + 1 :])
        if not terms or not rest:
            continue
        without = layer.meaning_scores(rest, candidates)
        for candidate, before, after in zip(candidates, base, without, strict=True):
            key = candidate.target.key
            if any(t in covered.get(key, frozenset()) for t in terms):
                continue
            found[key][word] = max(found[key].get(word, NO_PULL), after - before)
    return found


def pulls(
    matcher: Matcher,
    question: str,
    candidates: Sequence[Candidate],
    covered: dict[str, frozenset[str]],
) -> dict[str, float]:
    """Per shortlisted entry, its strongest pull (NO_PULL when it covers every word)."""
    found = word_pulls(matcher, question, candidates, covered)
    return {key: max(words.values(), default=NO_PULL) for key, words in found.items()}


def all_pulls(matcher: Matcher, scored: Iterable[Scored]) -> Pulls:
    covered = covered_terms(matcher)
    return {
        s.item.question: pulls(matcher, s.item.question, s.candidates, covered)
        for s in scored
        if s.fixed is None and s.candidates
    }


def guarded(
    matcher: Matcher, layer: MeaningLayer, scored: Scored, pull: Pulls, delta: float
) -> MatchResult:
    """The fused decision, with a promotion whose answer has a word pulling at least
    `delta` away from it turned into buttons."""
    result = decided(matcher, layer, scored)
    best = result.best
    question = scored.item.question
    if result.decision != "answer" or best is None:
        return result
    if pull[question].get(best.target.key, NO_PULL) < delta:
        return result
    if matcher.decide(question, scored.candidates).decision == "answer":
        return result  # the lexical matcher's own answer: never the guard's business
    related = matcher.index.related
    opinion = layer.opinion(question, scored.candidates, related)
    buttons = matcher.decide(question, opinion.candidates, layer.settings.decision, False)
    return offer_both(buttons, opinion, related)


def letters(
    matcher: Matcher,
    layer: Replayed,
    everything: Sequence[Scored],
    pull: Pulls,
    deltas: Sequence[float | None],
) -> list[str]:
    """Each question's outcome letter under the layer's current settings, per delta
    (None: no guard). The fused decision runs once per question; only promotions whose
    pull reaches a delta are decided again, as buttons."""
    base: list[str] = []
    trips: dict[int, tuple[float, str]] = {}
    for number, s in enumerate(everything):
        base.append(letter(matcher, layer, s))
        if s.fixed is not None or not s.candidates or base[-1] not in "RW":
            continue
        result = decided(matcher, layer, s)
        best = result.best
        if best is None or matcher.decide(s.item.question, s.candidates).decision == "answer":
            continue
        strongest = pull[s.item.question].get(best.target.key, NO_PULL)
        buttons = guarded(matcher, layer, s, pull, strongest)
        trips[number] = (strongest, outcome(buttons, s.item.expected))
    codes = []
    for delta in deltas:
        code = list(base)
        if delta is not None:
            for number, (strongest, instead) in trips.items():
                if strongest >= delta:
                    code[number] = instead
        codes.append("".join(code))
    return codes


@dataclass(frozen=True)
class Candidates:
    """Settings the rule may choose among, each with its outcome letters."""

    names: list[str]
    codes: list[str]

    def only(self, keep: Callable[[str], bool]) -> Candidates:
        kept = [(n, c) for n, c in zip(self.names, self.codes, strict=True) if keep(n)]
        return Candidates([n for n, _ in kept], [c for _, c in kept])


def name(settings: FusionSettings, delta: float | None) -> str:
    guard = "no guard" if delta is None else f"guard {delta}"
    return f"{describe(settings)}, {guard}"


def judge(
    title: str,
    lexical: str,
    options: Candidates,
    in_scope: Sequence[bool],
    size: int,
    limits: Limits,
) -> None:
    """The rule's choice on both sets, and on questions it did not choose on: dev half ->
    tuning set, tuning set -> dev half, five folds. The lexical matcher is always among
    the candidates: the bot can always run without the layer."""
    names = ["lexical alone", *options.names]
    codes = [lexical, *options.codes]
    print(f"  {title} ({len(codes)} candidates):")
    chosen = choose([tally(c, in_scope) for c in codes], limits)
    if chosen is None:
        print("    chosen on both: nothing qualifies")
    else:
        print(f"    chosen on both: {fmt_tally(tally(codes[chosen], in_scope), limits)}")
        print(f"      {names[chosen]}")
    dev, tuning = slice(0, size), slice(size, None)
    for label, fit, check in (
        ("dev half -> tuning set", dev, tuning),
        ("tuning set -> dev half", tuning, dev),
    ):
        picked = choose([tally(c[fit], in_scope[fit]) for c in codes], limits)
        shown = (
            "nothing qualifies"
            if picked is None
            else f"{fmt_tally(tally(codes[picked][check], in_scope[check]), limits)}"
            f"  [{names[picked]}]"
        )
        print(f"    chosen on {label}: {shown}")
    print(f"    5 folds of both: {fmt_tally(cross_validate(codes, in_scope, limits), limits)}")


def guard_report(matcher: Matcher, layer: Replayed, sets: dict[str, Sequence[Scored]]) -> float:
    """Pulls, the guard per delta at the defaults, and the rule with cross-validation.

    Returns the delta the rule chooses at the default fusion settings (for the CLINC
    check), or the middle of DELTAS when none qualifies."""
    everything = [s for scored in sets.values() for s in scored]
    in_scope = [bool(s.item.expected) for s in everything]
    size = len(next(iter(sets.values())))
    limits = Limits(206, 44, wrong_cap=0.03, oos_floor=0.9)  # the held-out half's size
    pull = all_pulls(matcher, everything)
    saved = layer.settings
    lexical = "".join(
        outcome(matcher.decide(s.item.question, s.candidates), s.item.expected)
        if s.fixed is None and s.candidates
        else letter(matcher, layer, s)
        for s in everything
    )
    defaults = FusionSettings()
    layer.settings = defaults
    at_defaults = letters(matcher, layer, everything, pull, (None, *DELTAS))
    print("out-of-scope questions the layer answers (defaults), and the word pulling most:")
    for s, code in zip(everything, at_defaults[0], strict=True):
        if s.item.expected or code not in "RW" or s.fixed is not None:
            continue
        best = decided(matcher, layer, s).best
        assert best is not None
        strongest = pull[s.item.question].get(best.target.key, NO_PULL)
        lexical_too = matcher.decide(s.item.question, s.candidates).decision == "answer"
        print(
            f"  {s.item.question!r} -> {best.target.key}: pull {strongest:+.2f}"
            + (" (the lexical matcher answers it too)" if lexical_too else "")
        )
    dev, tuning = slice(0, size), slice(size, None)
    print(
        "dev half + tuning set (dev half | tuning set), "
        "right/wrong/right-or-suggested/out-of-scope-left:"
    )
    rows = [("lexical alone", lexical)] + [
        (name(defaults, d).split(", ")[-1] if d is not None else "defaults", code)
        for d, code in zip((None, *DELTAS), at_defaults, strict=True)
    ]
    for label, code in rows:
        parts = [tally(code[part], in_scope[part]) for part in (slice(None), dev, tuning)]
        print(f"  {label:<14} {fmt_tally(parts[0], limits)}")
        print(f"  {'':<14} | {short(parts[1])} | {short(parts[2])}")
    grid = oos_grid()
    names: list[str] = []
    codes: list[str] = []
    for settings in grid:
        layer.settings = settings
        for delta, code in zip(
            (None, *DELTAS), letters(matcher, layer, everything, pull, (None, *DELTAS)), strict=True
        ):
            names.append(name(settings, delta))
            codes.append(code)
    layer.settings = saved
    options = Candidates(names, codes)
    print(f"the rule: {limits.describe()}")
    judge(
        "fusion settings, no guard (as --oos)",
        lexical,
        options.only(lambda n: n.endswith("no guard")),
        in_scope,
        size,
        limits,
    )
    judge("fusion settings x guard", lexical, options, in_scope, size, limits)
    default_name = describe(defaults)
    at_default = options.only(lambda n: n.startswith(default_name + ","))
    judge("default fusion settings x guard", lexical, at_default, in_scope, size, limits)
    chosen = choose([tally(c, in_scope) for c in at_default.codes], limits)
    delta = DELTAS[len(DELTAS) // 2]
    if chosen is not None and not at_default.names[chosen].endswith("no guard"):
        delta = float(at_default.names[chosen].rsplit(" ", 1)[1])
    judge(
        f"fusion settings, guard fixed at {delta}",
        lexical,
        options.only(lambda n: n.endswith(f"guard {delta}")),
        in_scope,
        size,
        limits,
    )
    return delta


def short(result: Tally) -> str:
    right, wrong, offered, left = result.figures
    answered = result.out_of_scope - result.oos_left
    return f"{right:.1%}/{wrong:.1%}/{offered:.1%}/{left:.1%} ({answered})"


def clinc_check(
    matcher: Matcher,
    scored: dict[str, Sequence[Scored]],
    settings: dict[str, FusionSettings],
    delta: float,
) -> None:
    """CLINC150 training utterances, per fusion setting, without and with the guard."""
    print(f"CLINC150 training utterances (every fifth past K, and oos_train), guard {delta}:")
    for label, fusion in settings.items():
        group = scored[fusion.entry_score]
        assert matcher.meaning is not None
        layer = Replayed(matcher.meaning, group)
        layer.settings = fusion
        pull = all_pulls_with(matcher, group, fusion)
        in_scope = [bool(s.item.expected) for s in group]
        without, with_guard = letters(matcher, layer, group, pull, (None, delta))
        print(f"  {label:<24} no guard {short(tally(without, in_scope))}")
        print(f"  {'':<24} guard    {short(tally(with_guard, in_scope))}")


def all_pulls_with(matcher: Matcher, scored: Sequence[Scored], fusion: FusionSettings) -> Pulls:
    """Pulls measured with the entry score `fusion` uses (best text or centroid)."""
    layer = matcher.meaning
    assert layer is not None
    saved = layer.settings
    layer.settings = replace(saved, entry_score=fusion.entry_score)
    try:
        return all_pulls(matcher, scored)
    finally:
        layer.settings = saved
