"""Matching quality and speed, side by side with naive rapidfuzz, in one run.

    python bench/matching.py            # everything
    python bench/matching.py --quick    # skip the 1,000-entry speed test
    python bench/matching.py --hide-held-out   # while tuning: no held-out figures at all

1. The project's labelled attendee questions (tests/data/questions.yaml) against the
   bundled sample content, reported on the held-out `test` half (thresholds were tuned
   on the `dev` half and the second tuning set, tests/data/tuning_questions.yaml, only).
2. CLINC150 from ../shared/data/clinc150: the first K=5 training utterances of each intent
   are one FAQ entry; the validation split is the attendees' questions.
3. Speed: questions per second on one core and index build time with 1,000 entries.
4. Programme topics (bench/programme_topics.py): topic questions about an imported
   programme, with and without its subtitles and descriptions indexed.
5. Chatter ("hi", "shukriya", "ok") told from questions: bench/chatter.py, test half.
6. The optional meaning layer (MATCH_SEMANTIC_MODEL, docs/matching.md): sections 1 and 2
   print a "+ meaning layer" row beside the lexical one, in the same run, and its costs
   print as section 6, after section 3. The model is the one that
   bench/build_semantic_model.py builds into .cache/semantic (or MATCH_SEMANTIC_MODEL);
   without it, only lexical figures print.

The naive baseline is `rapidfuzz.process.extractOne(question, phrasings, scorer=WRatio)`
answering when the score reaches a threshold; its threshold is the best one on the
tuning questions (dev half / CLINC training utterances past K), never on the test set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import semantic_costs  # noqa: E402  (bench/, beside this file)

from bot.answering import Answerer  # noqa: E402
from bot.clock import Clock  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.matching.analyzer import Analyzer  # noqa: E402
from bot.matching.index import Document, Field, Target  # noqa: E402
from bot.matching.matcher import Matcher, MatchSettings  # noqa: E402

if TYPE_CHECKING:
    from bot.matching.semantic import VectorCache

# Beside the checkout (../shared), or beside the worktrees' folder (../../shared).
CLINC = next(
    (
        path
        for base in (ROOT.parent, ROOT.parent.parent)
        if (path := base / "shared" / "data" / "clinc150" / "data_dev.json").is_file()
    ),
    ROOT.parent / "shared" / "data" / "clinc150" / "data_dev.json",
)
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
TUNING = ROOT / "tests" / "data" / "tuning_questions.yaml"  # tuned on, like the dev half
BENCH_NOW = "2027-02-16T11:10"  # time questions in the labelled set assume this moment
K = 5
CLINC_TRAIN_PER_INTENT = 100

# A system under test maps a question to (decision, answered key or None, suggested keys).
Outcome = tuple[str, str | None, tuple[str, ...]]


@dataclass
class Labelled:
    question: str
    expected: frozenset[str]  # acceptable target keys; empty means out of scope


@dataclass
class Scores:
    right: float
    wrong: float
    right_or_suggested: float
    oos_not_answered: float
    oos_no_suggestion: float
    in_scope: int
    out_of_scope: int

    def row(self, name: str) -> str:
        return (
            f"  {name:<26} {self.right:>6.1%} {self.wrong:>7.1%} {self.right_or_suggested:>10.1%}"
            f" {self.oos_not_answered:>10.1%} {self.oos_no_suggestion:>10.1%}"
        )


HEADER = (
    f"  {'':<26} {'right':>6} {'wrong':>7} {'right/sugg':>10} {'oos unans.':>10} {'oos no-btn':>10}"
)


def evaluate(items: Sequence[Labelled], system: Callable[[str], Outcome]) -> Scores:
    right = wrong = offered = oos_unanswered = oos_silent = 0
    in_scope = [i for i in items if i.expected]
    out_scope = [i for i in items if not i.expected]
    for item in items:
        decision, answered, suggested = system(item.question)
        if item.expected:
            if decision == "answer":
                clock_answer = "agenda:time" in suggested and "agenda:time" in item.expected
                listed = suggested[1:] if suggested[:1] == ("agenda:topics",) else ()
                topic_answer = bool(listed) and set(listed) <= item.expected
                if answered in item.expected or clock_answer or topic_answer:
                    right += 1
                else:
                    wrong += 1
            elif decision == "suggest" and item.expected & set(suggested):
                offered += 1
        else:
            if decision != "answer":
                oos_unanswered += 1
            if decision == "none":
                oos_silent += 1
    n_in, n_out = max(len(in_scope), 1), max(len(out_scope), 1)
    return Scores(
        right / n_in,
        wrong / n_in,
        (right + offered) / n_in,
        oos_unanswered / n_out,
        oos_silent / n_out,
        len(in_scope),
        len(out_scope),
    )


class NaiveWRatio:
    """The obvious bot: best WRatio over every phrasing, answer above a threshold."""

    def __init__(self, phrasings: Sequence[tuple[str, str]]) -> None:
        self.texts = [text for text, _ in phrasings]
        self.keys = [key for _, key in phrasings]
        self.threshold = 0.0

    def best(self, question: str) -> tuple[str | None, float]:
        found = process.extractOne(question, self.texts, scorer=fuzz.WRatio)
        if found is None:
            return None, 0.0
        return self.keys[found[2]], found[1]

    def tune(self, items: Sequence[Labelled]) -> None:
        """Pick the threshold that maximises right answers + correctly silent questions."""
        scored = [(self.best(i.question), i) for i in items]
        best_threshold, best_value = 100.0, -1
        for threshold in range(40, 101):
            value = 0
            for (key, score), item in scored:
                answers = score >= threshold
                value += (answers and key in item.expected) or (not answers and not item.expected)
            if value > best_value:
                best_threshold, best_value = float(threshold), value
        self.threshold = best_threshold

    def __call__(self, question: str) -> Outcome:
        key, score = self.best(question)
        if key is not None and score >= self.threshold:
            return "answer", key, ()
        return "none", None, ()


def matcher_system(answerer_or_matcher: Answerer | Matcher) -> Callable[[str], Outcome]:
    def run(question: str) -> Outcome:
        if isinstance(answerer_or_matcher, Answerer):
            reply = answerer_or_matcher.ask(question)
            if reply.source == "topics" and reply.agenda_view is not None:
                # A list of sessions on a topic: right only when every one listed fits.
                listed = tuple(f"session:{s.id}" for s in reply.agenda_view.sessions)
                return "answer", None, ("agenda:topics", *listed)
            if reply.source != "matcher":
                # Answered from the clock: right for a time question ("what's on now"), or
                # for a room/time question when it names the expected session.
                best = reply.best.target.key if reply.best else None
                key = best if reply.source == "slots" and reply.agenda_view is None else None
                return reply.decision, key, ("agenda:time",)
        else:
            reply = answerer_or_matcher.match(question)
        answered = reply.best.target.key if reply.decision == "answer" and reply.best else None
        return reply.decision, answered, tuple(c.target.key for c in reply.suggestions)

    return run


def load_labelled(split: str | None, path: Path = QUESTIONS) -> list[Labelled]:
    """The labelled questions of one split (None: every question in the file)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for entry in raw["questions"]:
        if split is not None and entry["split"] != split:
            continue
        expect = entry["expect"]
        keys = [expect] if isinstance(expect, str) else list(expect)
        items.append(Labelled(str(entry["q"]), frozenset(k for k in keys if k != "none")))
    return items


def own_questions(vectors: VectorCache | None, show_test: bool = True) -> None:
    content = load_content(ROOT / "agenda.yaml", ROOT / "faq")
    clock = Clock(content.conference.timezone, datetime.fromisoformat(BENCH_NOW))
    answerer = Answerer(content, clock)
    fused = Answerer(content, clock, vectors=vectors) if vectors is not None else None
    phrasings = [(p, f"faq:{e.id}") for e in content.faq for p in e.phrasings]
    phrasings += [(s.title, f"session:{s.id}") for s in content.sessions]
    phrasings += [(s.name, f"speaker:{s.id}") for s in content.speakers]
    naive = NaiveWRatio(phrasings)
    dev, test = load_labelled("dev"), load_labelled("test")
    naive.tune(dev)
    always = NaiveWRatio(phrasings)  # threshold 0: the bot that always answers
    print(
        f"\n1. Own labelled attendee questions ({QUESTIONS.relative_to(ROOT)}), "
        f"clock at {BENCH_NOW}"
    )
    halves = [("test half (held out)", test)] if show_test else []
    halves.append(("dev half (tuned on)", dev))
    if TUNING.is_file():
        halves.append((f"{TUNING.name} (tuned on)", load_labelled(None, TUNING)))
    for name, items in halves:
        ours = evaluate(items, matcher_system(answerer))
        base = evaluate(items, naive)
        print(f" {name}: {ours.in_scope} in scope, {ours.out_of_scope} out of scope")
        print(HEADER)
        print(ours.row("this matcher"))
        if fused is not None:
            print(evaluate(items, matcher_system(fused)).row("+ meaning layer"))
        print(base.row(f"naive WRatio >= {naive.threshold:.0f}"))
        print(evaluate(items, always).row("naive WRatio, always"))


def clinc_entries(data: dict, k: int) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["train"]:
        by_intent[intent].append(text)
    return {intent: texts[:k] for intent, texts in by_intent.items()}


def clinc(vectors: VectorCache | None) -> None:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    entries = clinc_entries(data, K)
    docs = [
        Document(Target("faq", intent, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for intent, texts in entries.items()
    ]
    matcher = Matcher(docs, Analyzer())
    fused = Matcher(docs, Analyzer(), vectors=vectors) if vectors is not None else None
    phrasings = [(t, f"faq:{i}") for i, texts in entries.items() for t in texts]
    naive = NaiveWRatio(phrasings)
    # Every training utterance past the first K: a larger tuning set than the validation
    # split itself, so the thresholds chosen on it are not an accident of a few questions.
    tuning = [
        Labelled(t, frozenset({f"faq:{i}"}))
        for i, texts in clinc_entries(data, CLINC_TRAIN_PER_INTENT).items()
        for t in texts[K:]
    ] + [Labelled(t, frozenset()) for t, _ in data["oos_train"]]
    # WRatio over every phrasing is slow: a tenth of the in-scope questions is plenty, and
    # every out-of-scope one keeps the two in their proportion.
    naive.tune(
        [item for item in tuning if item.expected][::10]
        + [item for item in tuning if not item.expected]
    )
    val = [Labelled(t, frozenset({f"faq:{i}"})) for t, i in data["val"]]
    val += [Labelled(t, frozenset()) for t, _ in data["oos_val"]]
    ours = evaluate(val, matcher_system(matcher))
    base = evaluate(val, naive)
    tuned_settings = tune_for(matcher, tuning, wrong_cap=0.05)
    matcher.settings = tuned_settings
    tuned = evaluate(val, matcher_system(matcher))
    print(
        f"\n2. CLINC150, K={K} phrasings per entry, validation split: "
        f"{ours.in_scope} in scope, {ours.out_of_scope} out of scope"
    )
    print(HEADER)
    print(ours.row("this matcher"))
    print(tuned.row("  thresholds for CLINC *"))
    fused_note = ""
    if fused is not None and fused.meaning is not None:
        print(evaluate(val, matcher_system(fused)).row("+ meaning layer"))
        from choosing import Limits  # bench/, beside this file
        from tune_semantic import describe, fmt, fmt_top1, settings_for_clinc

        # Every tuning utterance (14,250) and oos_train. Encoding them all costs about a
        # minute, but the margin under the 5% cap shrinks with the number of questions the
        # choice rests on (bench/choosing.py): on every fifth of them it cost 1.4 points
        # right on the training utterances. The margin is sized for the set the figure is
        # reported on; only its size is read here.
        choice = settings_for_clinc(fused, tuning, Limits(ours.in_scope, ours.out_of_scope))
        fused.meaning.settings = choice.settings
        print(evaluate(val, matcher_system(fused)).row("  settings for CLINC †"))
        fused_note = (
            f"  † meaning layer with {describe(choice.settings)}: entry score by the layer's "
            f"own first pick ({fmt_top1(choice)}), then the most right among "
            f"{choice.candidates} settings on those training utterances and oos_train with "
            f"the {choice.limits.describe()} (bench/choosing.py); there "
            f"{fmt(choice.tuned.figures)}, the rule cross-validated on 5 folds of them "
            f"{fmt(choice.cross_validated.figures)}"
        )
    print(base.row(f"naive WRatio >= {naive.threshold:.0f}"))
    always = NaiveWRatio(phrasings)  # threshold 0: the bot that always answers
    print(evaluate(val, always).row("naive WRatio, always"))
    print(
        f"  * answer threshold {tuned_settings.answer_threshold}, margin "
        f"{tuned_settings.answer_margin}: chosen on CLINC training utterances {K + 1}-"
        f"{CLINC_TRAIN_PER_INTENT} of each intent and oos_train, wrong <= 5%"
    )
    if fused_note:
        print(fused_note)


def tune_for(matcher: Matcher, tuning: Sequence[Labelled], wrong_cap: float) -> MatchSettings:
    """Answer threshold and margin for another FAQ, chosen on its tuning questions only.

    Maximises right answers with wrong answers within `wrong_cap` and at least 90% of
    out-of-scope questions not answered; suggestion settings stay at their defaults.
    """
    scored = [(item, matcher.score(item.question)) for item in tuning]
    best, best_right = matcher.settings, -1.0
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        for margin in (0.0, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2):
            matcher.settings = replace(
                MatchSettings(), answer_threshold=threshold, answer_margin=margin
            )
            decided = [(item, matcher.decide(item.question, cands)) for item, cands in scored]
            in_scope = [(i, d) for i, d in decided if i.expected]
            out_scope = [d for i, d in decided if not i.expected]
            answered = [(i, d) for i, d in in_scope if d.decision == "answer"]
            right = sum(d.best.target.key in i.expected for i, d in answered) / len(in_scope)
            wrong = len(answered) / len(in_scope) - right
            silent = sum(d.decision != "answer" for d in out_scope) / max(len(out_scope), 1)
            if wrong <= wrong_cap and silent >= 0.9 and right > best_right:
                best, best_right = matcher.settings, right
    matcher.settings = MatchSettings()
    return best


def speed_groups() -> list[tuple[str, list[str]]]:
    """1,000 entries of K=5 phrasings each, cut from CLINC training utterances."""
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["train"]:
        by_intent[intent].append(text)
    groups: list[tuple[str, list[str]]] = []
    for chunk in range(20):
        for intent, texts in by_intent.items():
            part = texts[chunk * K : (chunk + 1) * K]
            if len(part) == K:
                groups.append((f"{intent}-{chunk}", part))
    return groups[:1000]


def questions_for_speed() -> list[str]:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    return [t for t, _ in data["val"]]


def speed() -> None:
    groups = speed_groups()
    docs = [
        Document(Target("faq", key, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for key, texts in groups
    ]
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        matcher = Matcher(docs, Analyzer())
        builds.append(time.perf_counter() - started)
    questions = questions_for_speed()
    started = time.perf_counter()
    for q in questions:
        matcher.match(q)
    cold_qps = len(questions) / (time.perf_counter() - started)
    passes = []
    for _ in range(3):
        started = time.perf_counter()
        for q in questions:
            matcher.match(q)
        passes.append(len(questions) / (time.perf_counter() - started))
    ours_qps = statistics.median(passes)
    naive = NaiveWRatio([(t, k) for k, texts in groups for t in texts])
    sample = questions[:500]
    started = time.perf_counter()
    for q in sample:
        naive(q)
    naive_qps = len(sample) / (time.perf_counter() - started)
    print(f"\n3. Speed with {len(docs):,} entries ({len(docs) * K:,} phrasings), one core")
    print(f"  index build: {statistics.median(builds):.3f} s (median of 3)")
    print(
        f"  this matcher: {ours_qps:,.0f} questions/s steady state (median of 3 passes over "
        f"{len(questions):,} questions); first pass, cold word caches: {cold_qps:,.0f}/s"
    )
    print(f"  naive WRatio: {naive_qps:,.0f} questions/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the speed and cost tests")
    parser.add_argument(
        "--lexical",
        action="store_true",
        help="leave the meaning layer out even if its model is here",
    )
    parser.add_argument(
        "--hide-held-out",
        action="store_true",
        help="print no held-out figures (for runs while tuning: each look counts)",
    )
    args = parser.parse_args()
    show_test = not args.hide_held_out
    print(
        "Shares: in-scope answered right / answered wrong / right entry answered or "
        "suggested; out-of-scope not answered / given no buttons either."
    )
    layer = None if args.lexical else semantic_costs.open_layer()
    vectors = layer.vectors if layer is not None else None
    if QUESTIONS.is_file():
        own_questions(vectors, show_test)
    else:
        print(f"\n1. skipped: {QUESTIONS} not found")
    if CLINC.is_file():
        clinc(vectors)
        if not args.quick:
            speed()
            if layer is not None:
                semantic_costs.costs(layer, speed_groups(), questions_for_speed())
    else:
        print(f"\n2./3. skipped: {CLINC} not found")
    from programme_topics import run as programme_topics  # bench/ is on sys.path

    programme_topics(show_test=show_test)

    import chatter  # bench/chatter.py, next to this file (on sys.path as the script's folder)

    chatter.run("test" if show_test else "dev")


if __name__ == "__main__":
    main()
