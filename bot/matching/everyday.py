"""Which words of people's names are everyday English words ("Rain", "York", "Will").

Such a word in a question is usually the word, not the person, so the matcher lets it
reach a speaker only when the question is about a person (see Matcher._blocked). The
test is the lower-case entries of Webster's Second International (the `english-words`
package): "rain", "york", "will" are there; "Ayesha", "Rehman" and "Ali" only as names or
not at all. Loading the list takes a moment and tens of megabytes, so it is read only for
names not seen before and the answers are kept instead of the list.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from importlib import resources
from threading import Lock

_known: dict[str, bool] = {}
_lock = Lock()


def _dictionary() -> frozenset[str]:
    data = resources.files("english_words").joinpath("data", "web2_alpha.pickle").read_bytes()
    words = pickle.loads(data)  # the package's own data file, shipped in its wheel
    return frozenset(w for w in words if w.islower())


def everyday_words(words: Iterable[str]) -> set[str]:
    """The lower-cased words among `words` that are everyday English words."""
    wanted = {w.casefold() for w in words if w.isalpha()}
    with _lock:
        missing = wanted - _known.keys()
        if missing:
            dictionary = _dictionary()
            _known.update({w: w in dictionary for w in missing})
        return {w for w in wanted if _known[w]}
