"""Entry vectors on disk, so a restart with unchanged content encodes nothing.

Encoding every phrasing of a thousand entries takes the meaning layer's model most of a
minute on a busy small server; reading the same vectors back from a file takes a
fraction of a second. Rows are keyed by the encoder's identity (a digest of the model
files, see `Encoder.identity`) and the exact text, so a rebuilt or different model never
receives another model's vectors, and an edited phrasing is simply a new row.

It is a cache, nothing more: any trouble with the file (read-only folder, a damaged
file, a full disk) is logged once and the layer carries on encoding as it would without
the store. The answers never depend on it, only the start-up time does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from bot.matching.semantic import Vectors  # numpy's array type; the extra is installed

logger = logging.getLogger(__name__)

_CHUNK = 500  # texts per query: well under SQLite's limit on bound parameters
# A rowid table: a WITHOUT ROWID one stores 1.5 KB vectors in its index pages, three
# times the size on disk.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL,
    UNIQUE (model, text)
)
"""


class VectorStore:
    """An SQLite file of float32 vectors by (model identity, text)."""

    def __init__(self, path: Path, identity: str, dim: int) -> None:
        self.path = path
        self.identity = identity
        self.dim = dim
        self._lock = threading.Lock()  # one connection, used by start-up and reload threads
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False, timeout=10)
            db.execute(_SCHEMA)
            db.commit()
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)

    @property
    def usable(self) -> bool:
        return self._db is not None

    def _give_up(self, exc: Exception) -> None:
        logger.warning(
            "meaning layer: cannot use the vector store %s (%s: %s); entry vectors will "
            "be encoded at every start",
            self.path,
            exc.__class__.__name__,
            exc,
        )
        if self._db is not None:
            self._db.close()
        self._db = None

    def load(self, texts: Iterable[str]) -> dict[str, Vectors]:
        """The stored vectors of those texts that have one for this model."""
        wanted = list(texts)
        found: dict[str, Vectors] = {}
        with self._lock:
            if self._db is None:
                return found
            try:
                for start in range(0, len(wanted), _CHUNK):
                    chunk = wanted[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT text, vector FROM vectors WHERE model = ? AND text IN ({marks})",
                        (self.identity, *chunk),
                    )
                    for text, blob in rows:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if vector.shape == (self.dim,):  # anything else: encode it again
                            found[text] = vector
            except sqlite3.Error as exc:
                self._give_up(exc)
                return {}
        return found

    def save(self, vectors: Mapping[str, Vectors]) -> None:
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors (model, text, vector) VALUES (?, ?, ?)",
                    [
                        (self.identity, text, np.asarray(v, dtype=np.float32).tobytes())
                        for text, v in vectors.items()
                    ],
                )
                self._db.commit()
            except sqlite3.Error as exc:
                self._give_up(exc)

    def retain(self, texts: Iterable[str]) -> None:
        """Keep only this model's vectors of these texts: the file follows the content."""
        keep = set(texts)
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute("DELETE FROM vectors WHERE model != ?", (self.identity,))
                stored = [
                    text
                    for (text,) in self._db.execute(
                        "SELECT text FROM vectors WHERE model = ?", (self.identity,)
                    )
                ]
                gone = [(self.identity, text) for text in stored if text not in keep]
                self._db.executemany("DELETE FROM vectors WHERE model = ? AND text = ?", gone)
                self._db.commit()
            except sqlite3.Error as exc:
                self._give_up(exc)

    def __len__(self) -> int:
        with self._lock:
            if self._db is None:
                return 0
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM vectors WHERE model = ?", (self.identity,)
            ).fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
