"""The meaning layer's out-of-scope guard, measured (tune_semantic.py --guard).

With the layer, more out-of-scope questions get an answer than with the lexical matcher,
and they come through the same fused routes as the layer's gain ("what's the best hotel
in lahore" answered with the nearby-hotels entry, "nut allergy" with the dietary one):
no score separates them (`--oos`). What the out-of-scope ones have is a word naming
something the entry does not say: a place (lahore, murree), a thing (source code), an
attribute (rates). The guard (the bot's own: `MeaningLayer.pull` and
`FusionSettings.pull_guard` in bot/matching/fusion.py):

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
cross-validation. This module only replays: each question's fused decision once without
the guard, and again as buttons for the promotions a delta holds back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

from bot.matching.fusion import FusionSettings
from bot.matching.matcher import Matcher, MatchResult
from bot.matching.pull import NO_PULL

DELTAS: tuple[float, ...] = (0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1)


def strongest_pull(matcher: Matcher, layer: Replayed, scored: Scored) -> float | None:
    """The pull on the answer the layer promotes without the guard (None: not a promotion,
    the guard never looks)."""
    if scored.fixed is not None or not scored.candidates:
        return None
    result = guarded(matcher, layer, scored, None)
    best = result.best
    if result.decision != "answer" or best is None:
        return None
    if matcher.decide(scored.item.question, scored.candidates).decision == "answer":
        return None  # the lexical matcher's own answer: never the guard's business
    return layer.pull(scored.item.question, best.target.key)


def guarded(matcher: Matcher, layer: Replayed, scored: Scored, delta: float | None) -> MatchResult:
    """The bot's fused decision on one question with the guard at `delta`."""
    saved = layer.settings
    layer.settings = replace(saved, pull_guard=delta)
    try:
        return decided(matcher, layer, scored)
    finally:
        layer.settings = saved


def letters(
    matcher: Matcher,
    layer: Replayed,
    everything: Sequence[Scored],
    deltas: Sequence[float | None],
) -> list[str]:
    """Each question's outcome letter under the layer's current settings, per delta
    (None: no guard). The fused decision runs once per question without the guard; only
    promotions are decided again, with every pull held back (the bot's own code), and a
    delta takes that outcome where the promotion's pull reaches it."""
    saved = layer.settings
    base: list[str] = []
    trips: dict[int, tuple[float, str]] = {}
    try:
        layer.settings = replace(saved, pull_guard=None)
        for number, s in enumerate(everything):
            base.append(letter(matcher, layer, s))
            strongest = strongest_pull(matcher, layer, s) if base[-1] in "RW" else None
            if strongest is not None:
                trips[number] = (strongest, "")
        layer.settings = replace(saved, pull_guard=NO_PULL)  # every promotion held back
        for number, (strongest, _) in trips.items():
            s = everything[number]
            trips[number] = (strongest, outcome(decided(matcher, layer, s), s.item.expected))
    finally:
        layer.settings = saved
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
    saved = layer.settings
    lexical = "".join(
        outcome(matcher.decide(s.item.question, s.candidates), s.item.expected)
        if s.fixed is None and s.candidates
        else letter(matcher, layer, s)
        for s in everything
    )
    defaults = replace(FusionSettings(), pull_guard=None)
    layer.settings = defaults
    at_defaults = letters(matcher, layer, everything, (None, *DELTAS))
    print("out-of-scope questions the layer answers (defaults), and the word pulling most:")
    for s, code in zip(everything, at_defaults[0], strict=True):
        if s.item.expected or code not in "RW" or s.fixed is not None:
            continue
        best = decided(matcher, layer, s).best
        assert best is not None
        strongest = layer.pull(s.item.question, best.target.key)
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
            (None, *DELTAS), letters(matcher, layer, everything, (None, *DELTAS)), strict=True
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
        in_scope = [bool(s.item.expected) for s in group]
        without, with_guard = letters(matcher, layer, group, (None, delta))
        print(f"  {label:<24} no guard {short(tally(without, in_scope))}")
        print(f"  {'':<24} guard    {short(tally(with_guard, in_scope))}")
