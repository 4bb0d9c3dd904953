"""Which matcher runs: the lexical matcher alone, or with the optional meaning layer.

One setting decides, `MATCH_SEMANTIC_MODEL`. Everything about it is settled at start-up:
the model is loaded once here, and a missing extra or a broken model stops the start with
a message naming the setting, instead of failing on the first attendee's question or
quietly answering with the other matcher in the middle of the event. This module imports
the meaning layer (numpy, fastembed) only when the setting is on, so the default install
never needs them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.matching.semantic import VectorCache

LEXICAL_ONLY = "lexical only (MATCH_SEMANTIC_MODEL is not set)"
VECTOR_STORE_FILE = "semantic_vectors.sqlite3"


def vector_store_path(database_path: Path) -> Path:
    """Where the meaning layer keeps entry vectors between runs: beside the database."""
    return database_path.parent / VECTOR_STORE_FILE


class MeaningLayerError(Exception):
    """MATCH_SEMANTIC_MODEL is set but the layer cannot start; the message says why."""


@dataclass(frozen=True, slots=True)
class MatcherChoice:
    """The loaded layer (None: lexical only), and how to say which matcher is active."""

    vectors: VectorCache | None
    description: str
    load_seconds: float = 0.0


def choose_matcher(model: str | None, vector_store: Path | None = None) -> MatcherChoice:
    """Load the meaning layer `model` names, or choose the lexical matcher when unset.

    `vector_store`: an SQLite file that keeps entry vectors across restarts (see
    bot/storage/vectors.py); None keeps them in memory only.
    """
    if not model:
        return MatcherChoice(None, LEXICAL_ONLY)
    started = time.perf_counter()
    try:
        from bot.matching.semantic import SemanticModelError, VectorCache, load_encoder
        from bot.storage.vectors import VectorStore
    except ImportError:  # numpy missing: the extra is not installed at all
        raise MeaningLayerError(
            f"MATCH_SEMANTIC_MODEL is set to '{model}', but the semantic extra is not "
            "installed: pip install -e '.[semantic]' (or unset the setting for the lexical "
            "matcher alone)"
        ) from None
    try:
        encoder = load_encoder(model)
    except SemanticModelError as exc:
        raise MeaningLayerError(str(exc)) from None
    store = None
    if vector_store is not None:
        store = VectorStore(vector_store, encoder.identity, encoder.dim)
    seconds = time.perf_counter() - started
    description = f"lexical + meaning layer ({encoder.description})"
    return MatcherChoice(VectorCache(encoder, store), description, seconds)


def active_matcher(vectors: VectorCache | None) -> str:
    """The one-line description for logs and `doctor` of a running Answerer's matcher."""
    if vectors is None:
        return LEXICAL_ONLY
    return f"lexical + meaning layer ({vectors.encoder.description})"
