"""bench/choosing.py: the rule that picks CLINC150's † settings with a margin for new questions.

The benchmark applies it to real tuning data; these tests pin the arithmetic and the rule
on small hand-made outcome strings, where the right answer can be worked out by hand.
"""

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from choosing import (  # bench/ is no package: found through sys.path
    Limits,
    Tally,
    choose,
    cross_validate,
    folds_of,
    oos_bound,
    spread,
    tally,
    within,
    wrong_bound,
)


def test_tally_counts_each_outcome_by_scope():
    # In scope: R right, W wrong, S right button, s other buttons, n nothing.
    # Out of scope: only an answer (R or W) counts against it.
    result = tally("RWSsnWsn", [True] * 5 + [False] * 3)
    assert result == Tally(right=1, wrong=1, offered=1, in_scope=5, oos_left=2, out_of_scope=3)
    assert result.figures == (0.2, 0.2, 0.4, 2 / 3)


def test_tallies_add_and_subtract():
    a = Tally(1, 2, 3, 4, 5, 6)
    b = Tally(1, 1, 1, 1, 1, 1)
    assert a + b == Tally(2, 3, 4, 5, 6, 7)
    assert a - b == Tally(0, 1, 2, 3, 4, 5)
    assert Tally().figures == (0.0, 0.0, 0.0, 0.0)


def test_spread_is_that_of_a_difference_of_two_samples():
    assert spread(0.05, 2850, 3000) == pytest.approx(math.sqrt(0.05 * 0.95 * (1 / 2850 + 1 / 3000)))
    # More questions on either side narrow it; no questions make it unbounded.
    assert spread(0.05, 20000, 3000) < spread(0.05, 2850, 3000)
    assert spread(0.05, 2850, 20000) < spread(0.05, 2850, 3000)
    assert spread(0.05, 0, 3000) == math.inf


def test_exactly_five_percent_wrong_on_tuning_does_not_qualify():
    limits = Limits(in_scope=3000, out_of_scope=100)
    at_cap = Tally(right=1500, wrong=150, in_scope=3000, oos_left=100, out_of_scope=100)
    assert at_cap.figures[1] == pytest.approx(0.05)
    assert wrong_bound(at_cap, limits) > 0.05
    assert not within(at_cap, limits)
    # About 4.1% wrong leaves room for chance on both sets (1.645 spreads: 0.0092).
    margin = Tally(right=1400, wrong=123, in_scope=3000, oos_left=100, out_of_scope=100)
    assert wrong_bound(margin, limits) == pytest.approx(0.041 + 1.645 * spread(0.041, 3000, 3000))
    assert within(margin, limits)


def test_out_of_scope_floor_is_bounded_too():
    limits = Limits(in_scope=3000, out_of_scope=100)
    few_wrong = dict(right=1000, wrong=30, in_scope=3000, out_of_scope=100)
    assert oos_bound(Tally(**few_wrong, oos_left=100), limits) == 1.0
    assert within(Tally(**few_wrong, oos_left=99), limits)
    # 92 of 100 left alone is above the 90% floor, but not by enough for 100 new ones.
    assert not within(Tally(**few_wrong, oos_left=92), limits)


def test_choose_takes_most_right_within_limits_then_fewest_wrong():
    limits = Limits(in_scope=1000, out_of_scope=100, wrong_cap=0.05)
    safe = dict(in_scope=1000, oos_left=100, out_of_scope=100)
    results = [
        Tally(right=600, wrong=60, **safe),  # most right, but 6% wrong
        Tally(right=500, wrong=20, **safe),
        Tally(right=500, wrong=10, **safe),  # as many right, fewer wrong
        Tally(right=400, wrong=0, **safe),
    ]
    assert choose(results, limits) == 2
    assert choose(results[:1], limits) is None


def test_folds_deal_each_scope_out_in_turn():
    assert folds_of([True, True, False, True, False, False], 2) == [0, 1, 0, 0, 1, 0]


def test_cross_validation_counts_only_left_out_questions():
    # Setting 0 answers everything right; setting 1 answers everything wrong. Every fold
    # chooses setting 0, so the pooled out-of-fold outcome is setting 0's on all questions.
    in_scope = [True] * 10 + [False] * 5
    codes = ["R" * 10 + "n" * 5, "W" * 10 + "n" * 5]
    limits = Limits(in_scope=10, out_of_scope=5, oos_floor=0.0)
    assert cross_validate(codes, in_scope, limits, folds=5) == tally(codes[0], in_scope)


def test_cross_validation_sees_the_choice_overfit():
    # Each setting is right on one fold's questions only and wrong nowhere; whichever the
    # other folds prefer is right on none of the left-out fold, so the honest estimate is
    # far below what the choice shows on the data it chose on.
    folds = 4
    in_scope = [True] * 8
    codes = []
    for fold in range(folds):
        codes.append("".join("R" if i % folds == fold else "n" for i in range(8)))
    limits = Limits(in_scope=8, out_of_scope=0, oos_floor=0.0)
    tuned = max(tally(c, in_scope).right for c in codes)
    assert tuned == 2
    assert cross_validate(codes, in_scope, limits, folds=folds).right == 0


def test_a_fold_where_nothing_qualifies_answers_nothing():
    in_scope = [True] * 4 + [False] * 2
    codes = ["WWWWRR"]  # every answer wrong, out-of-scope questions answered
    limits = Limits(in_scope=4, out_of_scope=2)
    pooled = cross_validate(codes, in_scope, limits, folds=2)
    assert pooled == Tally(right=0, wrong=0, offered=0, in_scope=4, oos_left=2, out_of_scope=2)


def test_limits_describe_the_rule():
    text = Limits(in_scope=3000, out_of_scope=100).describe()
    assert "95%" in text and "5%" in text and "3,000 + 100" in text
