"""Choose the meaning layer's fusion settings on tuning data only, never the held-out half.

    python bench/tune_semantic.py            # grid around the defaults in bot/matching/fusion.py
    python bench/tune_semantic.py --bands    # how often the layer changes a lexical decision
    python bench/tune_semantic.py --clinc    # settings for CLINC alone (bench/matching.py's †)
    python bench/tune_semantic.py --oos      # which route answers out-of-scope questions
    python bench/tune_semantic.py --guard    # an out-of-scope guard on the layer's promotions

Tuning data: the dev half of tests/data/questions.yaml, tests/data/tuning_questions.yaml,
and CLINC150 training utterances 6-100 (every fifth, 2,850; for --clinc all 14,250) of
each intent plus oos_train, with K=5 phrasings per entry as in bench/matching.py. Each
question is scored once (the lexical shortlist and the meaning score of each shortlisted
entry); every grid point then replays the real fused decision (`MeaningLayer.match`) on
those scores.

A setting qualifies when, on both conference sets, wrong answers stay within 2.5%, right
answered-or-suggested reaches 90% and out-of-scope left unanswered 92%, and on CLINC wrong
stays within 4.5% and out of scope 92%: margins under the issue's limits, because held-out
figures run worse than tuned ones. Among those, the best summed right share wins.

--bands measures where the layer earns its cost: for each band of lexical decision and
best lexical score, how many tuning questions fall in it and how many outcomes the fused
decision changes (R right answer, W wrong answer, S right entry among the buttons, s
buttons without it, n nothing; "S>R" is a close call the layer settled). A band where the
layer changes (almost) nothing is one where `FusionSettings.settled_answer` may skip it.

--oos measures the out-of-scope guard on the two conference sets (dev half and tuning
set, never the held-out half): which route of the fused decision answers each question
(`route`), and the trade-off between right answers and out-of-scope questions answered
over a grid of fusion settings, with bench/choosing.py's bounds for a fresh set the size
of the held-out half, the choice cross-validated (dev half against tuning set, and five
folds of both).

--guard measures the bot's class-based out-of-scope guard (FusionSettings.pull_guard,
replayed by bench/oos_guard.py: a word of the question that the answer does not cover
and whose removal raises the answer's meaning score) per delta on the same two sets,
judged by the same rule and cross-validation, and checks it on the CLINC150 tuning
utterances with the bot's settings and the † settings (which keep it off). The default
report runs the bot's defaults, guard included.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from choosing import (  # noqa: E402
    Limits,
    Tally,
    choose,
    cross_validate,
    oos_bound,
    tally,
    wrong_bound,
)
from matching import (  # noqa: E402
    BENCH_NOW,
    CLINC,
    CLINC_TRAIN_PER_INTENT,
    TUNING,
    K,
    Labelled,
    clinc_entries,
    load_labelled,
)
from semantic_costs import model_spec  # noqa: E402

from bot.answering import Answerer  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.matching.analyzer import Analyzer  # noqa: E402
from bot.matching.choice import choose_matcher  # noqa: E402
from bot.matching.fusion import FusionSettings, MeaningLayer, Opinion  # noqa: E402
from bot.matching.index import Document, Field, Target  # noqa: E402
from bot.matching.matcher import Candidate, Matcher, MatchResult, MatchSettings  # noqa: E402
from bot.matching.semantic import EntryScore  # noqa: E402

Figures = tuple[float, float, float, float]  # right, wrong, right or suggested, oos left


@dataclass
class Scored:
    item: Labelled
    fixed: MatchResult | None  # a clock or room question, answered outside the matcher
    candidates: list[Candidate]
    meaning: list[float]


def score_all(
    matcher: Matcher, items: Sequence[Labelled], answerer: Answerer | None
) -> list[Scored]:
    layer = matcher.meaning
    assert layer is not None
    scored = []
    for item in items:
        if answerer is not None:
            reply = answerer.ask(item.question)
            if reply.source != "matcher":
                fixed = MatchResult(item.question, reply.decision, reply.candidates)
                scored.append(Scored(item, fixed, [], []))
                continue
        candidates = matcher.score(item.question)
        meaning = layer.meaning_scores(item.question, candidates) if candidates else []
        scored.append(Scored(item, None, candidates, meaning))
    return scored


class Replayed(MeaningLayer):
    """The real fused decision, with each question's meaning scores looked up, not encoded."""

    def __init__(self, layer: MeaningLayer, scored: Sequence[Scored]) -> None:
        self.__dict__.update(layer.__dict__)
        self._known = {s.item.question: s.meaning for s in scored}
        self._opinions: dict[tuple[str, float, float, float, float, float], Opinion] = {}
        self._pulls: dict[tuple[str, str, EntryScore], float] = {}

    def meaning_scores(
        self, question: str, candidates: Sequence[Candidate], score: EntryScore | None = None
    ) -> list[float]:
        return self._known[question]

    def pull(self, question: str, key: str) -> float:
        """The real pull (encoded for real), remembered per question, entry and scoring."""
        remembered = (question, key, self.settings.entry_score)
        found = self._pulls.get(remembered)
        if found is None:
            found = self._pulls[remembered] = super().pull(question, key)
        return found

    def opinion(
        self,
        question: str,
        candidates: Sequence[Candidate],
        related: dict[str, frozenset[str]],
    ) -> Opinion:
        """The real opinion, remembered per question and fusion setting: a grid varies the
        decision thresholds most, and fusing was most of a replay's time."""
        s = self.settings
        key = (
            question,
            s.weight,
            s.meaning_tolerance,
            s.lexical_tolerance,
            s.sure_similarity,
            s.sure_lead,
        )
        found = self._opinions.get(key)
        if found is None:
            found = self._opinions[key] = super().opinion(question, candidates, related)
        return found


def outcome(result: MatchResult, expected: frozenset[str]) -> str:
    """R/W: answered right/wrong; S: right entry among the buttons; s: buttons without it;
    n: nothing (for out-of-scope questions, an answer counts as W)."""
    if result.decision == "answer" and result.best is not None:
        return "R" if result.best.target.key in expected else "W"
    if result.decision == "suggest":
        offered = expected & {c.target.key for c in result.suggestions}
        return "S" if offered else "s"
    return "n"


def bands(matcher: Matcher, layer: Replayed, scored: Sequence[Scored]) -> None:
    """Per lexical decision and score band: questions, and outcomes the layer changes."""
    saved = layer.settings
    layer.settings = replace(saved, settled_answer=2.0)  # the layer judges every question
    table: dict[tuple[str, float], Counter[str]] = defaultdict(Counter)
    for s in scored:
        if s.fixed is not None or not s.candidates:
            continue
        lexical = matcher.decide(s.item.question, s.candidates)
        fused = layer.match(matcher, s.item.question, s.candidates)
        band = (lexical.decision, min(int(s.candidates[0].score * 10), 9) / 10)
        table[band]["questions"] += 1
        before, after = outcome(lexical, s.item.expected), outcome(fused, s.item.expected)
        if before != after:
            table[band][f"{before}>{after}"] += 1
    layer.settings = saved
    for (decision, low), counts in sorted(table.items()):
        total = counts.pop("questions")
        changed = sum(counts.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        print(
            f"  lexical {decision:<7} score {low:.1f}-{low + 0.1:.1f}: {total:>4} questions, "
            f"{changed:>3} changed ({changed / total:5.1%}) {detail}"
        )


def replay(matcher: Matcher, layer: Replayed, scored: Sequence[Scored]) -> Figures:
    right = wrong = offered = oos_left = 0
    in_scope = sum(1 for s in scored if s.item.expected)
    for s in scored:
        if s.fixed is not None:
            result = s.fixed
            if result.decision == "answer" and s.item.expected:
                # Clock answers ("what's on now") are right for the time questions.
                key = result.best.target.key if result.best else None
                ok = key in s.item.expected or "agenda:time" in s.item.expected
                right, wrong = right + ok, wrong + (not ok)
            elif not s.item.expected:
                oos_left += result.decision != "answer"
            continue
        if s.candidates:
            result = layer.match(matcher, s.item.question, s.candidates)
        else:
            result = MatchResult(s.item.question, "none", ())
        if not s.item.expected:
            oos_left += result.decision != "answer"
        elif result.decision == "answer" and result.best is not None:
            ok = result.best.target.key in s.item.expected
            right, wrong = right + ok, wrong + (not ok)
        elif result.decision == "suggest":
            offered += bool(s.item.expected & {c.target.key for c in result.suggestions})
    out_scope = max(len(scored) - in_scope, 1)
    return right / in_scope, wrong / in_scope, (right + offered) / in_scope, oos_left / out_scope


def clinc_grid(entry_score: EntryScore) -> list[FusionSettings]:
    """The fusion settings `settings_for_clinc` chooses among, for one way of scoring entries.

    Wider than the conference grid in `main` where CLINC150 pulled, measured on its
    training utterances: with five paraphrases per entry the meaning score judges best,
    so weights up to 1.0 (the lexical score then only shortlists, and must still back
    the answer within its tolerance), answer thresholds in steps of 0.025, and the lower
    "clear winner" route (fused score >= 0.45 with a lead) with a lead of 0.15 or off.
    Left out because they changed nothing there: a meaning tolerance of 0.1 (the same
    choice as 0.05), a shortlist of 12 instead of 8 (right -0.5 to +0.3 points at a
    given wrong rate) and the layer judging settled lexical answers too (0.2 or less).
    The out-of-scope guard is off: on CLINC150 it costs right answers (docs/matching.md).
    """
    defaults = replace(FusionSettings(), pull_guard=None)
    grid = []
    for weight, threshold, margin, clear in itertools.product(
        (0.6, 0.75, 0.9, 1.0),  # weight
        [round(0.45 + 0.025 * step, 3) for step in range(11)],  # fused answer threshold
        (0.05, 0.08, 0.12),  # fused answer margin
        (0.15, None),  # lead of the clear-winner route at 0.45 (None: route off)
    ):
        decision = replace(
            defaults.decision,
            answer_threshold=threshold,
            answer_margin=margin,
            clear_threshold=0.45 if clear is not None else 2.0,
            clear_margin=clear if clear is not None else defaults.decision.clear_margin,
        )
        grid.append(
            replace(
                defaults,
                weight=weight,
                meaning_tolerance=0.05,
                sure_similarity=0.7,
                entry_score=entry_score,
                decision=decision,
            )
        )
    return grid


@dataclass(frozen=True)
class Choice:
    """The settings chosen for CLINC150, what they did on the tuning utterances, and
    what the rule did on utterances it did not choose on (see bench/choosing.py)."""

    settings: FusionSettings
    tuned: Tally
    cross_validated: Tally
    limits: Limits
    candidates: int  # settings compared
    top1: dict[EntryScore, float]  # the meaning layer's own first pick, per entry score


class RememberedLexical(Matcher):
    """The matcher, with each question's lexical decision remembered.

    The fused decision first asks for the lexical one (is it settled?), which no fusion
    setting changes: over a grid of hundreds of settings it was half of a replay's time.
    """

    def __init__(self, matcher: Matcher) -> None:
        self.__dict__.update(matcher.__dict__)
        self._lexical: dict[str, MatchResult] = {}

    def decide(
        self,
        question: str,
        candidates: list[Candidate],
        settings: MatchSettings | None = None,
        answer_allowed: bool = True,
    ) -> MatchResult:
        if settings is not None or not answer_allowed:
            return super().decide(question, candidates, settings, answer_allowed)
        found = self._lexical.get(question)
        if found is None:
            found = self._lexical[question] = super().decide(question, candidates)
        return found


def top1(scored: Sequence[Scored]) -> float:
    """How often the meaning layer's own favourite among the shortlist is right."""
    in_scope = [s for s in scored if s.item.expected]
    right = sum(
        max(zip(s.meaning, s.candidates, strict=True), key=lambda pair: pair[0])[1].target.key
        in s.item.expected
        for s in in_scope
        if s.candidates
    )
    return right / max(len(in_scope), 1)


def settings_for_clinc(matcher: Matcher, tuning: Sequence[Labelled], limits: Limits) -> Choice:
    """Fusion settings for CLINC150 alone, chosen on its tuning utterances only.

    The counterpart of bench/matching.py's lexical "thresholds for CLINC" row: another
    FAQ (one intent per entry, five paraphrases each) may want other settings than this
    bot's conference content. Two steps:

    1. How an entry is scored (best text or centroid, see EntryVectors): whichever makes
       the meaning layer's own favourite among the shortlist right more often. The
       centroid of five paraphrases judges a sixth better than any one of them.
    2. Among the fusion settings of `clinc_grid`, the most right answers whose wrong rate,
       bounded for a fresh set of `limits.in_scope` questions, stays within the cap, and
       whose out-of-scope questions stay unanswered: bench/choosing.py says why a bound
       and not the cap itself. The rule is also cross-validated on the tuning utterances.
    """
    layer = matcher.meaning
    assert layer is not None
    by_score: dict[EntryScore, list[Scored]] = {"best": [], "centroid": []}
    for item in tuning:
        candidates = matcher.score(item.question)
        for how, scored in by_score.items():
            # The question is encoded once: the second call finds its vectors remembered.
            meaning = layer.meaning_scores(item.question, candidates, how) if candidates else []
            scored.append(Scored(item, None, candidates, meaning))
    accuracy: dict[EntryScore, float] = {how: top1(s) for how, s in by_score.items()}
    how = max(accuracy, key=lambda h: (accuracy[h], h == "best"))
    scored = by_score[how]
    replayed = Replayed(layer, scored)
    remembered = RememberedLexical(matcher)
    grid = clinc_grid(how)
    codes = []
    for settings in grid:
        replayed.settings = settings
        codes.append(
            "".join(outcome(decided(remembered, replayed, s), s.item.expected) for s in scored)
        )
    in_scope = [bool(item.expected) for item in tuning]
    tallies = [tally(letters, in_scope) for letters in codes]
    chosen = choose(tallies, limits)
    checked = cross_validate(codes, in_scope, limits)
    if chosen is None:
        unguarded = replace(FusionSettings(), pull_guard=None)
        return Choice(unguarded, Tally(), checked, limits, len(grid), accuracy)
    return Choice(grid[chosen], tallies[chosen], checked, limits, len(grid), accuracy)


def decided(matcher: Matcher, layer: Replayed, scored: Scored) -> MatchResult:
    """The fused decision on one scored question (none when nothing was shortlisted)."""
    if not scored.candidates:
        return MatchResult(scored.item.question, "none", ())
    return layer.match(matcher, scored.item.question, scored.candidates)


def route(matcher: Matcher, layer: MeaningLayer, scored: Scored) -> str:
    """The route of `MeaningLayer.match` that decided one question: "settled" (a strong
    lexical answer, the layer not asked), "taught", "confident" (fused score and lead),
    "clear" (the lower fused "clear winner" route), "sure" (the meaning layer sure and
    the lexical matcher backing it), "buttons"/"none", or "fixed" (a clock or room
    question answered outside the matcher). Mirrors `MeaningLayer.match` step by step."""
    if scored.fixed is not None:
        return "fixed"
    question, candidates = scored.item.question, scored.candidates
    if not candidates:
        return "none"
    lexical = matcher.decide(question, candidates)
    if layer.settled(lexical):
        return "settled"
    opinion = layer.opinion(question, candidates, matcher.index.related)
    decision = layer.settings.decision
    result = matcher.decide(question, opinion.candidates, decision, opinion.agree)
    best = result.best
    if result.decision == "answer" and best is not None:
        if best.taught:
            return "taught"
        related = matcher.index.related.get(best.target.key, frozenset({best.target.key}))
        rivals = [c.score for c in opinion.candidates[1:] if c.target.key not in related]
        lead = best.score - (rivals[0] if rivals else 0.0)
        if best.score >= decision.answer_threshold and lead >= decision.answer_margin:
            return "confident"
        return "clear"
    if layer.match(matcher, question, candidates).decision == "answer":
        return "sure"
    return "buttons" if result.decision == "suggest" else "none"


def letter(matcher: Matcher, layer: Replayed, scored: Scored) -> str:
    """One question's outcome letter (see `outcome`), clock answers counted as `replay`."""
    fixed = scored.fixed
    if fixed is None:
        return outcome(decided(matcher, layer, scored), scored.item.expected)
    expected = scored.item.expected
    if fixed.decision == "answer" and expected:
        key = fixed.best.target.key if fixed.best else None
        return "R" if key in expected or "agenda:time" in expected else "W"
    return outcome(fixed, expected)


def oos_grid() -> list[FusionSettings]:
    """Fusion settings around the defaults for the out-of-scope trade-off (--oos), without
    the out-of-scope guard (--guard adds it)."""
    defaults = replace(FusionSettings(), pull_guard=None)
    grid = []
    for weight, tolerance, threshold, margin, clear, lead, sure in itertools.product(
        (0.2, 0.3, 0.45),  # weight
        (0.1, 0.2),  # meaning tolerance
        (0.6, 0.65, 0.7),  # fused answer threshold
        (0.02, 0.05),  # fused answer margin
        (0.45, 0.5, 0.55, 0.6, 2.0),  # clear-winner threshold (2.0: route off)
        (0.1, 0.12, 0.15, 0.2),  # clear-winner lead
        (0.8, 0.9, 2.0),  # sure similarity (2.0: that route off)
    ):
        if clear > 1.0 and lead != 0.1:
            continue
        decision = replace(
            defaults.decision,
            answer_threshold=threshold,
            answer_margin=margin,
            clear_threshold=clear,
            clear_margin=lead,
        )
        grid.append(
            replace(
                defaults,
                weight=weight,
                meaning_tolerance=tolerance,
                sure_similarity=sure,
                decision=decision,
            )
        )
    return grid


def fmt_tally(result: Tally, limits: Limits) -> str:
    right, wrong, offered, left = result.figures
    answered = result.out_of_scope - result.oos_left
    return (
        f"{right:.1%}/{wrong:.1%}/{offered:.1%}/{left:.1%} ({answered} out of scope answered;"
        f" bounds wrong {wrong_bound(result, limits):.1%}, left {oos_bound(result, limits):.1%})"
    )


def oos_report(matcher: Matcher, layer: Replayed, sets: dict[str, Sequence[Scored]]) -> None:
    """Routes that answer, and the right/out-of-scope trade-off (see the module doc)."""
    remembered = RememberedLexical(matcher)
    saved = layer.settings
    print("routes of the fused decision (defaults): in scope R/W, out of scope answered")
    for name, scored in sets.items():
        counts: Counter[str] = Counter()
        for s in scored:
            code = letter(remembered, layer, s)
            if code in "RW":
                kind = f"{code}" if s.item.expected else "oos"
                counts[f"{route(remembered, layer, s)} {kind}"] += 1
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    everything = [s for scored in sets.values() for s in scored]
    in_scope = [bool(s.item.expected) for s in everything]
    # The size of the held-out half (206 in scope, 44 out of scope): only sizes are read.
    limits = Limits(206, 44, wrong_cap=0.03, oos_floor=0.9)
    lexical = "".join(
        outcome(remembered.decide(s.item.question, s.candidates), s.item.expected)
        if s.fixed is None and s.candidates
        else letter(remembered, layer, s)
        for s in everything
    )
    grid = oos_grid()
    codes = []
    for settings in grid:
        layer.settings = settings
        codes.append("".join(letter(remembered, layer, s) for s in everything))
    layer.settings = saved
    default = "".join(letter(remembered, layer, s) for s in everything)
    tallies = [tally(c, in_scope) for c in codes]
    print(f"dev half + {TUNING.name}, right/wrong/right-or-suggested/out-of-scope-left:")
    print(f"  lexical alone: {fmt_tally(tally(lexical, in_scope), limits)}")
    print(f"  defaults:      {fmt_tally(tally(default, in_scope), limits)}")
    print(f"most right per count of out-of-scope questions answered ({len(grid)} settings):")
    for answered in sorted({t.out_of_scope - t.oos_left for t in tallies})[:10]:
        same = [i for i, t in enumerate(tallies) if t.out_of_scope - t.oos_left == answered]
        best = max(same, key=lambda i: (tallies[i].right, -tallies[i].wrong))
        print(f"  {fmt_tally(tallies[best], limits)}  {describe(grid[best])}")
    print(f"rule: {limits.describe()}")
    chosen = choose(tallies, limits)
    if chosen is not None:
        print(f"  chosen: {fmt_tally(tallies[chosen], limits)}  {describe(grid[chosen])}")
    size = len(next(iter(sets.values())))
    for name, (fit, check) in {
        "dev half -> tuning set": (slice(0, size), slice(size, None)),
        "tuning set -> dev half": (slice(size, None), slice(0, size)),
    }.items():
        picked = choose([tally(c[fit], in_scope[fit]) for c in codes], limits)
        shown = (
            fmt_tally(tally(codes[picked][check], in_scope[check]), limits)
            if picked is not None
            else "nothing qualifies"
        )
        print(f"  chosen on {name}: {shown}")
        alone = tally(lexical[check], in_scope[check])
        print(f"    lexical alone there: {fmt_tally(alone, limits)}")
    print(f"  5 folds of both: {fmt_tally(cross_validate(codes, in_scope, limits), limits)}")


def describe(settings: FusionSettings) -> str:
    decision = settings.decision
    clear = (
        f"{decision.clear_threshold}/{decision.clear_margin}"
        if decision.clear_threshold <= 1.0
        else "off"
    )
    return (
        f"entry score {settings.entry_score}, weight {settings.weight}, meaning tolerance "
        f"{settings.meaning_tolerance}, answer {decision.answer_threshold}/"
        f"{decision.answer_margin}, clear winner {clear}, sure {settings.sure_similarity}"
    )


# The † row's settings as docs/matching.md reports them (`--clinc` chooses them again).
DAGGER = FusionSettings(
    pull_guard=None,
    weight=0.9,
    meaning_tolerance=0.05,
    sure_similarity=0.7,
    entry_score="centroid",
    decision=replace(
        FusionSettings().decision,
        answer_threshold=0.575,
        answer_margin=0.08,
        clear_threshold=0.45,
        clear_margin=0.15,
    ),
)


def guard(
    matcher: Matcher,
    own_scored: Sequence[Sequence[Scored]],
    clinc_matcher: Matcher,
    clinc_tuning: Sequence[Labelled],
) -> None:
    """--guard: bench/oos_guard.py on the conference sets, then on CLINC150 tuning."""
    from oos_guard import clinc_check, guard_report

    assert matcher.meaning is not None and clinc_matcher.meaning is not None
    layer = Replayed(matcher.meaning, [s for group in own_scored for s in group])
    sets = dict(zip(("dev half", TUNING.name), own_scored, strict=True))
    delta = guard_report(RememberedLexical(matcher), layer, sets)
    layer_of_clinc = clinc_matcher.meaning
    by_score: dict[EntryScore, list[Scored]] = {"best": [], "centroid": []}
    for item in clinc_tuning:
        candidates = clinc_matcher.score(item.question)
        for how, scored in by_score.items():
            meaning = (
                layer_of_clinc.meaning_scores(item.question, candidates, how) if candidates else []
            )
            scored.append(Scored(item, None, candidates, meaning))
    clinc_check(
        RememberedLexical(clinc_matcher),
        by_score,
        {"bot's settings": FusionSettings(), "† settings (docs)": DAGGER},
        delta,
    )


def qualifies(own: Sequence[Figures], clinc: Figures) -> bool:
    conference = all(w <= 0.025 and rs >= 0.9 and oos >= 0.92 for _, w, rs, oos in own)
    return conference and clinc[1] <= 0.045 and clinc[3] >= 0.92


def fmt_top1(choice: Choice) -> str:
    return ", ".join(f"{how} {share:.1%}" for how, share in choice.top1.items())


def fmt(figures: Figures) -> str:
    return "/".join(f"{share:.1%}" for share in figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bands", action="store_true", help="print the per-band measurement")
    parser.add_argument(
        "--clinc", action="store_true", help="only choose the settings for CLINC alone"
    )
    parser.add_argument(
        "--oos", action="store_true", help="only the out-of-scope routes and trade-off"
    )
    parser.add_argument(
        "--guard", action="store_true", help="only the out-of-scope guard (bench/oos_guard.py)"
    )
    args = parser.parse_args()
    spec = model_spec()
    if spec is None:
        raise SystemExit("No model: build it with `python bench/build_semantic_model.py`.")
    vectors = choose_matcher(spec).vectors
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    clock = Clock(content.conference.timezone, datetime.fromisoformat(BENCH_NOW))
    answerer = Answerer(content, clock, vectors=vectors)
    own = [load_labelled("dev"), load_labelled(None, TUNING)]
    own_scored = [score_all(answerer.matcher, items, answerer) for items in own]
    if args.oos:
        assert answerer.matcher.meaning is not None
        both = Replayed(answerer.matcher.meaning, [s for group in own_scored for s in group])
        oos_report(
            answerer.matcher, both, dict(zip(("dev half", TUNING.name), own_scored, strict=True))
        )
        return

    data = json.loads(CLINC.read_text(encoding="utf-8"))
    docs = [
        Document(Target("faq", i, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for i, texts in clinc_entries(data, K).items()
    ]
    clinc_matcher = Matcher(docs, Analyzer(), vectors=vectors)
    every = [
        Labelled(t, frozenset({f"faq:{i}"}))
        for i, texts in clinc_entries(data, CLINC_TRAIN_PER_INTENT).items()
        for t in texts[K:]
    ]
    out_of_scope = [Labelled(t, frozenset()) for t, _ in data["oos_train"]]
    if args.guard:
        guard(answerer.matcher, own_scored, clinc_matcher, every[::5] + out_of_scope)
        return
    if args.clinc:
        # Every utterance, as bench/matching.py's † row: more questions, a narrower margin.
        # Only the sizes of the validation split are read, the set the figure is reported on.
        limits = Limits(len(data["val"]), len(data["oos_val"]))
        choice = settings_for_clinc(clinc_matcher, every + out_of_scope, limits)
        print(f"settings for CLINC alone (bench/matching.py's † row): {describe(choice.settings)}")
        print(f"  meaning layer's own first pick right: {fmt_top1(choice)}")
        print(f"  rule: among {choice.candidates} settings, {limits.describe()}")
        print(f"  on CLINC train: {fmt(choice.tuned.figures)}")
        checked = fmt(choice.cross_validated.figures)
        print(f"  the rule cross-validated (5 folds of CLINC train): {checked}")
        return
    tuning = every[::5] + out_of_scope
    clinc_scored = score_all(clinc_matcher, tuning, None)

    assert answerer.matcher.meaning is not None and clinc_matcher.meaning is not None
    own_layer = Replayed(answerer.matcher.meaning, [s for group in own_scored for s in group])
    clinc_layer = Replayed(clinc_matcher.meaning, clinc_scored)
    defaults = FusionSettings()
    if args.bands:
        names = ("dev half", TUNING.name, "CLINC train")
        pairs = [(answerer.matcher, own_layer)] * 2 + [(clinc_matcher, clinc_layer)]
        groups = [*own_scored, clinc_scored]
        for name, (matcher, layer), scored in zip(names, pairs, groups, strict=True):
            print(f"{name}: outcomes the layer changes, by lexical decision and score")
            bands(matcher, layer, scored)
    own_figures = [replay(answerer.matcher, own_layer, s) for s in own_scored]
    clinc_figures = replay(clinc_matcher, clinc_layer, clinc_scored)
    print(
        "defaults (right/wrong/right-or-suggested/out-of-scope-left): "
        + "  ".join(fmt(f) for f in own_figures)
        + f"  CLINC {fmt(clinc_figures)}"
    )
    grid = itertools.product(
        (0.2, 0.3, 0.45),  # weight
        (0.05, 0.1, 0.2),  # meaning tolerance
        (0.6, 0.65, 0.7),  # fused answer threshold
        (0.0, 0.02, 0.05),  # fused answer margin
        (0.7, 0.8, 2.0),  # sure similarity (2.0: that route off)
    )
    results = []
    for weight, tolerance, threshold, margin, sure in grid:
        settings = replace(
            defaults,
            weight=weight,
            meaning_tolerance=tolerance,
            sure_similarity=sure,
            decision=replace(defaults.decision, answer_threshold=threshold, answer_margin=margin),
        )
        own_layer.settings = clinc_layer.settings = settings
        own_figures = [replay(answerer.matcher, own_layer, s) for s in own_scored]
        clinc_figures = replay(clinc_matcher, clinc_layer, clinc_scored)
        total = sum(f[0] for f in own_figures) + clinc_figures[0]
        params = (weight, tolerance, threshold, margin, sure)
        results.append(
            (qualifies(own_figures, clinc_figures), total, params, own_figures, clinc_figures)
        )
    results.sort(key=lambda r: (not r[0], -r[1]))
    print("right/wrong/right-or-suggested/out-of-scope-left: dev half, tuning set, CLINC train")
    print("weight, meaning tolerance, answer threshold, answer margin, sure similarity")
    for ok, _, params, own_figures, clinc_figures in results[:12]:
        print(
            f"{'ok' if ok else '--'} {params}  "
            + "  ".join(fmt(f) for f in own_figures)
            + f"  CLINC {fmt(clinc_figures)}"
        )


if __name__ == "__main__":
    main()
