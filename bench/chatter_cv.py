"""How the chatter reader's learned second opinion generalises, measured on dev alone.

    python bench/chatter_cv.py            # leave one source out, the shipped thresholds
    python bench/chatter_cv.py --sweep    # and the thresholds it was chosen from

The dev chatter (tests/data/chatter.yaml) came in thirteen sets, each written blind by a
different hand and moved into dev after one look. For each set in turn the model of
bench/build_chatter_model.py is trained WITHOUT that set (and without a thirteenth of the
real questions), and the reader with that model is scored on the set it never saw and on
the questions left out: a stand-in for the next blind set.

The phrase and word readings were tuned on every dev set, so their own figures here are
memorised (printed for reference, not as an estimate); what this measures is what the
model adds on top of them and what it costs:
- chatter by kind: right with the readings alone / with the model (the model trained
  without that set), and how many of the readings' misreads the model fixes and breaks;
- real questions taken for chatter (dev chatter's questions, dev questions, tuning
  questions, CLINC training requests of the left-out thirteenth): must stay 0;
- CLINC150's validation requests (never trained on) read as chatter, against the readings
  alone.
The model alone (its top class, no readings) is printed too: it shows what it learned
by itself.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from build_chatter_model import (  # noqa: E402
    CLINC,
    CLINC_CHIT_CHAT,
    THRESHOLDS,
    Example,
    all_examples,
    fold_of,
    train,
)

from bot.matching.chatter import ChatterReader, Reading, second_opinion  # noqa: E402
from bot.matching.chatter import reading_keys as _keys  # noqa: E402
from bot.matching.chatter_model import QUESTION, ChatterModel, Thresholds, features  # noqa: E402

SETS = 13
# The reader as it was before each set moved into dev: blind to that set (it had been
# looked at once, not tuned on). Set 0, the first one, has no such reader.
BLIND_READERS = {
    1: "0453f62^",
    2: "d1bd0e4^",
    3: "33747a2^",
    4: "25267c5^",
    5: "5f463f2^",
    6: "bf56f28^",
    7: "b80a436",
    8: "01842e0",
    9: "c4b09fa",
    10: "952d969",
    11: "807306e",
    12: "c843b3a",
}


def blind_reader(revision: str, into: Path) -> ChatterReader:
    """The phrase and word readings of `revision`, imported from a copy (git show)."""
    name = "blind_" + revision.replace("^", "_parent")
    package = into / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    # Every module of the readings: a revision's chatter.py imports its helpers by package
    # path, and one not copied here would come from TODAY's tree (set 10's blind reader
    # got this round's chatter_formulas.py that way before this list held it).
    for module in ("chatter", "chatter_words", "chatter_formulas"):
        try:
            source = subprocess.run(
                ["git", "show", f"{revision}:bot/matching/{module}.py"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        except subprocess.CalledProcessError:
            continue  # before the word reading existed
        for helper in ("chatter_words", "chatter_formulas"):
            source = source.replace(f"bot.matching.{helper}", f"{name}.{helper}")
        (package / f"{module}.py").write_text(source)
    if str(into) not in sys.path:
        sys.path.insert(0, str(into))
    cls = importlib.import_module(f"{name}.chatter").ChatterReader
    # The readings only: a revision with the learned second opinion would load TODAY's
    # model file (trained on the very set it is scored on) through the shared package.
    learned = "learned" in inspect.signature(cls).parameters
    reader: ChatterReader = cls(learned=False) if learned else cls()
    return reader


@dataclass(frozen=True)
class Scored:
    example: Example
    rules: Reading
    chances: dict[str, float]
    unknown: tuple[str, ...]

    def combined(self, model: ChatterModel) -> Reading:
        return second_opinion(self.example.text, self.rules, self.chances, self.unknown, model)


def right(example: Example, reading: Reading) -> bool:
    if example.label == QUESTION:
        return reading.question is not None
    return reading.kind == example.label and reading.question is None


def fold(example: Example) -> int:
    if example.source.startswith("chatter-"):
        return int(example.source.removeprefix("chatter-"))
    return fold_of(example, SETS)


def clinc_validation() -> list[str]:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    return [
        text
        for split in ("val", "oos_val")
        for text, intent in data[split]
        if intent not in CLINC_CHIT_CHAT
    ]


def score(model: ChatterModel, rules: ChatterReader, texts: list[Example]) -> list[Scored]:
    return [
        Scored(
            e,
            rules.read(e.text),
            model.probabilities(features(e.text, _keys)),
            tuple(model.unknown_words(_keys(e.text))),
        )
        for e in texts
    ]


def report(
    scored: dict[int, list[Scored]],
    models: dict[int, ChatterModel],
    verbose: bool,
    memorised: bool = True,
    table: bool = True,
) -> None:
    if table:
        print(
            f"  {'left out':<11}{'chatter':>8}{'rules':>7}{'model':>7}{'both':>7}"
            f"{'fixed':>7}{'broken':>7}{'questions':>10}{'lost':>6}{'lost both':>10}"
        )
    totals: Counter[str] = Counter()
    fixed_texts: list[str] = []
    broken_texts: list[str] = []
    lost_texts: list[str] = []
    for f in sorted(scored):
        model = models[f]
        row: Counter[str] = Counter()
        for s in scored[f]:
            both = s.combined(model)
            alone = max(s.chances, key=lambda k: s.chances[k])
            if s.example.label == QUESTION:
                row["questions"] += 1
                row["lost"] += s.rules.question is None
                row["lost both"] += both.question is None
                if both.question is None and s.rules.question is not None:
                    lost_texts.append(f"{s.example.text!r} ({s.example.source})")
                continue
            row["chatter"] += 1
            row["rules"] += right(s.example, s.rules)
            row["model"] += alone == s.example.label
            row["both"] += right(s.example, both)
            if right(s.example, both) and not right(s.example, s.rules):
                row["fixed"] += 1
                fixed_texts.append(f"{s.example.text!r}: {s.example.label}")
            if right(s.example, s.rules) and not right(s.example, both):
                row["broken"] += 1
                broken_texts.append(
                    f"{s.example.text!r}: {s.example.label}, now {both.kind or both.question}"
                )
        totals += row
        if table:
            print(_row(f"set {f}", row))
    if table:
        print(_row("all", totals))
    n = totals["chatter"]
    print(
        f"  chatter right kind: readings alone {totals['rules']}/{n} = "
        f"{totals['rules'] / n:.1%}{' (memorised)' if memorised else ''}, "
        f"model alone {totals['model']}/{n} = "
        f"{totals['model'] / n:.1%}, both {totals['both']}/{n} = {totals['both'] / n:.1%}"
    )
    print(
        f"  questions taken for chatter: readings alone {totals['lost']}/{totals['questions']}, "
        f"both {totals['lost both']}/{totals['questions']}"
    )
    if verbose:
        for title, texts in (
            ("fixed", fixed_texts),
            ("broken", broken_texts),
            ("lost", lost_texts),
        ):
            if texts:
                print(f"  {title}:")
                print("\n".join(f"    {t}" for t in texts))


def _row(name: str, row: Counter[str]) -> str:
    return (
        f"  {name:<11}{row['chatter']:>8}{row['rules']:>7}{row['model']:>7}{row['both']:>7}"
        f"{row['fixed']:>7}{row['broken']:>7}{row['questions']:>10}{row['lost']:>6}"
        f"{row['lost both']:>10}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", action="store_true", help="try other thresholds too")
    parser.add_argument("--verbose", action="store_true", help="list fixed/broken/lost texts")
    args = parser.parse_args()
    examples = all_examples()
    rules = ChatterReader(learned=False)
    validation = [Example(t, QUESTION, "clinc-val") for t in clinc_validation()]
    rules_val_lost = sum(rules.read(t.text).question is None for t in validation)
    scored: dict[int, list[Scored]] = {}
    models: dict[int, ChatterModel] = {}
    val_scored: dict[int, list[Scored]] = {}
    for f in range(SETS):
        models[f] = train([e for e in examples if fold(e) != f])
        scored[f] = score(models[f], rules, [e for e in examples if fold(e) == f])
        val_scored[f] = score(models[f], rules, validation)
        print(f"  trained without set {f}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        blind = {f: blind_reader(rev, Path(folder)) for f, rev in BLIND_READERS.items()}
        blind_scored = {
            f: [
                replace(s, rules=blind[f].read(s.example.text))
                for s in scored[f]
                if s.example.source.startswith("chatter-")
            ]
            for f in blind
        }
    grid = [THRESHOLDS]
    if args.sweep:
        grid += [
            Thresholds(0.7, to_chatter, to_person, to_question)
            for to_chatter in (0.6, 0.65, 0.7, 0.75, 0.8, 1.01)
            for to_person in (to_chatter, 0.85, 1.01)
            for to_question in (0.8, 0.9, 1.01)
        ] + [Thresholds(change_kind, 0.7, 0.85, 0.9) for change_kind in (0.5, 0.6, 0.8, 0.9, 1.01)]
    for thresholds in grid:
        tuned = {f: replace(m, thresholds=thresholds) for f, m in models.items()}
        first = thresholds == grid[0]
        print(f"\n{thresholds}")
        print("  the readings of today (tuned on every set):")
        report(scored, tuned, args.verbose and first, table=first)
        print("  the readings as they were before each set moved into dev (blind to it):")
        report(blind_scored, tuned, args.verbose and first, memorised=False, table=first)
        worst = max(
            sum(s.combined(tuned[f]).question is None for s in val_scored[f]) for f in tuned
        )
        print(
            f"  CLINC150 validation requests read as chatter: readings alone "
            f"{rules_val_lost}/{len(validation)}, with the model (worst of the {SETS}) {worst}"
        )


if __name__ == "__main__":
    main()
