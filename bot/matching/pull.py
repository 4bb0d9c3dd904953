"""What an entry does not say: the words of a question an entry's terms do not cover.

The meaning layer's out-of-scope guard (see `MeaningLayer.pull`) needs, per entry, the
terms it covers, and per word of a question, the terms the index reads it as. The
entries' side is computed once per content snapshot (at load or reload), never per
question.
"""

from __future__ import annotations

from bot.matching.index import Index

NO_PULL = -1.0  # an entry that covers every word of the question


def covered_terms(index: Index) -> dict[str, frozenset[str]]:
    """Per entry key: its own terms and those of the entries answered with it.

    An entry answered together with another ("lunch day 1" with "lunch day 2") says
    what its partner says, so a word either covers is not one the answer leaves out.
    """
    own = {d.target.key: frozenset(d.term_weight) for d in index.documents}
    return {
        key: frozenset().union(*(own.get(k, frozenset()) for k in index.related[key]))
        for key in own
    }


def word_terms(index: Index, word: str) -> list[str]:
    """A word's content terms as the index knows them (read by the index's own analyser,
    filler left out); a word the index does not know stands for itself."""
    return [index.resolve(t) or t for t, filler in index.analyzer.analyse(word) if not filler]
