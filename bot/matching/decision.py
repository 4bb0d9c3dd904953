"""What became of a question: the one vocabulary the matcher decides in and storage records.

It lives in a module of its own so that storage can name it without importing the matcher
(and with it the lexicon and rapidfuzz) just for a type.
"""

from __future__ import annotations

from typing import Literal

Decision = Literal["answer", "suggest", "none"]
