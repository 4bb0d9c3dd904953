"""The optional meaning layer's model: sentence vectors for entries and questions.

Only imported when `MATCH_SEMANTIC_MODEL` is set, because it needs the `.[semantic]` extra
(fastembed over onnxruntime, and numpy). Why fastembed: it runs ONNX sentence encoders
with their own tokenizer and pooling, loads a local folder (the int8 model that
bench/build_semantic_model.py builds offline) as readily as a model name it downloads
once (a multilingual model for a deployment with internet), and needs no torch. It beat
model2vec on the measurement that matters: fused with the lexical matcher, int8 MiniLM
lifted CLINC150 far more than a static model2vec distillation (docs/matching.md).

Entry vectors are computed when content loads, never per question. The `VectorCache`
outlives one content snapshot, so a /reload encodes only the phrasings that changed, and
with a `VectorStore` (bot/storage/vectors.py) its vectors outlive the process too,
so a restart with unchanged content encodes nothing. It also remembers the vectors of the
last few thousand questions: attendees ask the same things in the same words.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from bot.storage.vectors import VectorStore

SETTING = "MATCH_SEMANTIC_MODEL"
MANIFEST = "semantic_model.json"  # written by bench/build_semantic_model.py
BATCH_SIZE = 64
SAVE_EVERY = 64  # newly encoded texts between two writes to the vector store
QUESTIONS_REMEMBERED = 4096  # question vectors kept (1.5 KB each with 384 dimensions)
# One question is encoded at a time; more threads only fight the event loop's core.
QUESTION_THREADS = 1
BUILD_HINT = "build the bundled English model with `python bench/build_semantic_model.py`"

Vectors = npt.NDArray[np.float32]


class SemanticModelError(Exception):
    """The meaning layer cannot start; the message names MATCH_SEMANTIC_MODEL and the fix."""


class Encoder(Protocol):
    """Texts to L2-normalised sentence vectors, one row per text."""

    @property
    def description(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def identity(self) -> str:
        """Changes whenever the vectors could: stored vectors are only reused under it."""
        ...

    def encode(self, texts: Sequence[str]) -> Vectors: ...


class FastEmbedEncoder:
    """A fastembed `TextEmbedding`, with rows returned as one normalised float32 matrix."""

    def __init__(self, model: Any, description: str, dim: int, identity: str) -> None:
        self._model = model
        self._description = description
        self._dim = dim
        self._identity = identity

    @property
    def description(self) -> str:
        return self._description

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        rows = list(self._model.embed(list(texts), batch_size=BATCH_SIZE))
        matrix = np.asarray(rows, dtype=np.float32)
        return _normalised(matrix)


def _normalised(matrix: Vectors) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (matrix / norms).astype(np.float32, copy=False)
    return normalised


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise SemanticModelError(
            f"{SETTING}: {folder} has no {MANIFEST}, so it is not a model folder this bot "
            f"can load; {BUILD_HINT}, or give a fastembed model name"
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        model_file = str(manifest["model_file"])
        int(manifest["dim"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SemanticModelError(
            f"{SETTING}: {path} is not valid ({exc.__class__.__name__}: {exc}); {BUILD_HINT}"
        ) from None
    if not (folder / model_file).is_file():
        raise SemanticModelError(
            f"{SETTING}: {folder} lacks its model file {model_file}; {BUILD_HINT}"
        )
    return manifest


def _looks_like_path(spec: str) -> bool:
    """A folder, not a model name: fastembed names models 'owner/model', one slash."""
    return spec.startswith((".", "/", "~")) or spec.count("/") > 1


def load_encoder(spec: str, threads: int | None = QUESTION_THREADS) -> Encoder:
    """The encoder `MATCH_SEMANTIC_MODEL` names: a local model folder, or a model name.

    Everything that can go wrong is raised here, at start-up, as a SemanticModelError
    naming the setting: the extra not installed, a missing or broken folder, an unknown
    name, a model that does not produce vectors. Never a silent fallback mid-event.
    """
    spec = spec.strip()
    try:
        from fastembed import TextEmbedding
    except ImportError:
        raise SemanticModelError(
            f"{SETTING} is set to '{spec}', but the semantic extra is not installed: "
            "pip install -e '.[semantic]' (or unset the setting for the lexical matcher alone)"
        ) from None
    folder = Path(spec).expanduser()
    try:
        if folder.is_dir():
            encoder = _load_folder(TextEmbedding, folder.resolve(), threads)
        elif _looks_like_path(spec):
            raise SemanticModelError(
                f"{SETTING}: the folder {folder} does not exist; {BUILD_HINT}, or point the "
                "setting at a model folder"
            )
        else:
            encoder = _load_named(TextEmbedding, spec, threads)
        probe = encoder.encode(["where is the registration desk"])
    except SemanticModelError:
        raise
    except Exception as exc:  # onnxruntime, tokenizers and downloads raise many kinds
        raise SemanticModelError(
            f"{SETTING}: cannot load '{spec}' ({exc.__class__.__name__}: {exc})"
        ) from exc
    if probe.shape != (1, encoder.dim) or not np.isfinite(probe).all():
        raise SemanticModelError(
            f"{SETTING}: '{spec}' gave vectors of shape {probe.shape}, expected (1, {encoder.dim})"
        )
    return encoder


def _load_folder(text_embedding: Any, folder: Path, threads: int | None) -> Encoder:
    from fastembed.common.model_description import ModelSource, PoolingType

    manifest = _read_manifest(folder)
    name = f"local{folder}"  # fastembed keeps a process-wide registry of model names
    known = {m["model"].lower() for m in text_embedding.list_supported_models()}
    pooling = {"mean": PoolingType.MEAN, "cls": PoolingType.CLS}.get(
        str(manifest.get("pooling", "mean")).lower()
    )
    if pooling is None:
        raise SemanticModelError(f"{SETTING}: {folder / MANIFEST}: pooling must be mean or cls")
    if name.lower() not in known:
        text_embedding.add_custom_model(
            model=name,
            pooling=pooling,
            normalization=bool(manifest.get("normalization", True)),
            sources=ModelSource(hf=None, url="file://local"),
            dim=int(manifest["dim"]),
            model_file=str(manifest["model_file"]),
        )
    model = text_embedding(
        model_name=name,
        specific_model_path=str(folder),
        threads=threads,
        local_files_only=True,
    )
    label = str(manifest.get("name") or folder.name)
    identity = _folder_identity(folder, str(manifest["model_file"]))
    return FastEmbedEncoder(model, f"{label} from {folder}", int(manifest["dim"]), identity)


def _folder_identity(folder: Path, model_file: str) -> str:
    """A digest of every file that shapes the vectors: graph, tokenizer and settings.

    A rebuilt model gets another identity even in the same folder, so vectors stored for
    the old one are never mixed with the new one's.
    """
    digest = hashlib.sha256()
    for name in sorted({model_file, MANIFEST, "tokenizer.json", "tokenizer_config.json"}):
        path = folder / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
    return f"folder:{digest.hexdigest()}"


def _load_named(text_embedding: Any, name: str, threads: int | None) -> Encoder:
    described = {m["model"].lower(): m for m in text_embedding.list_supported_models()}
    found = described.get(name.lower())
    if found is None:
        raise SemanticModelError(
            f"{SETTING}: '{name}' is neither a folder nor a model fastembed knows (e.g. "
            "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2); "
            f"{BUILD_HINT}"
        )
    from importlib.metadata import version

    model = text_embedding(model_name=name, threads=threads)
    identity = f"fastembed:{found['model']}:{version('fastembed')}"
    return FastEmbedEncoder(model, f"{found['model']} (fastembed)", int(found["dim"]), identity)


def encode_alone(encoder: Encoder, text: str) -> Vectors:
    """One text's vector, encoded in a batch of its own.

    Why not in batches: an int8 model quantises its activations with one scale per
    batch, padding included, so a text's vector shifts with the texts beside it (cosine
    0.989 between "where is lunch" alone and next to a longer sentence, with the bundled
    model). Encoded alone, a text's vector depends on the text only: the same in every
    process and every build order, the same as stored on disk, and the same for a
    phrasing as for a question that repeats it word for word. It costs about a sixth
    more CPU when content is first encoded (measured: 4.3 s against 3.7 s for 1,000
    phrasings), and nothing for an English question, which was always encoded alone.
    """
    vector: Vectors = encoder.encode([text])[0]
    return vector


class VectorCache:
    """Vectors of entry texts by text, for one encoder, kept across content reloads.

    A reload re-reads every file, but organisers change a handful of entries at a time:
    encoding only texts not seen before keeps /reload fast with a thousand entries.
    `retain` drops the texts the current content no longer uses, so memory follows the
    content instead of growing with every edit.
    """

    def __init__(self, encoder: Encoder, store: VectorStore | None = None) -> None:
        self.encoder = encoder
        self.store = store
        self._vectors: dict[str, Vectors] = {}
        self._questions: OrderedDict[str, Vectors] = OrderedDict()
        self._questions_lock = threading.Lock()  # reloads build in a thread of their own
        self.encoded = 0  # texts actually sent to the model, for tests and the bench
        self.restored = 0  # texts whose vectors came from the store instead

    def __len__(self) -> int:
        return len(self._vectors)

    def vectors(self, texts: Sequence[str]) -> Vectors:
        missing = {t for t in texts if t not in self._vectors}
        if missing and self.store is not None:
            found = self.store.load(missing)
            self._vectors.update(found)
            self.restored += len(found)
            missing -= found.keys()
        ordered = sorted(missing)
        for start in range(0, len(ordered), SAVE_EVERY):
            batch = ordered[start : start + SAVE_EVERY]
            rows = {text: encode_alone(self.encoder, text) for text in batch}
            self._vectors.update(rows)
            self.encoded += len(batch)
            if self.store is not None:
                self.store.save(rows)
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def retain(self, texts: Iterable[str]) -> None:
        keep = set(texts)
        self._vectors = {t: v for t, v in self._vectors.items() if t in keep}
        if self.store is not None:
            self.store.retain(keep)

    def question_vectors(self, texts: Sequence[str]) -> Vectors:
        """Vectors of a question's texts, from memory when the same text came recently.

        Exact: a remembered vector is the one the model gave for that very text, so a
        repeated question gets the decision it got the first time, without the model.
        """
        with self._questions_lock:
            known = {t: self._questions[t] for t in texts if t in self._questions}
            for text in known:
                self._questions.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update((text, encode_alone(self.encoder, text)) for text in missing)
            with self._questions_lock:
                for text in missing:
                    self._questions[text] = known[text]
                while len(self._questions) > QUESTIONS_REMEMBERED:
                    self._questions.popitem(last=False)
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])


EntryScore = Literal["best", "centroid"]


@dataclass(frozen=True, slots=True)
class EntryVectors:
    """Every entry's texts as rows of one matrix; `spans[i]` are entry i's rows.

    `centroids[i]` is the normalised mean of entry i's rows: the direction its phrasings
    share. Where every text of an entry is a paraphrase of one intent (a CLINC150 intent's
    five utterances), the centroid scores a new paraphrase better than the nearest single
    phrasing; where an entry's texts say different things (a speaker's name, role and
    bio), the best single text is the better judge. `FusionSettings.entry_score` chooses.
    """

    matrix: Vectors
    spans: tuple[tuple[int, int], ...]
    centroids: Vectors

    @classmethod
    def build(cls, cache: VectorCache, texts_by_entry: Sequence[Sequence[str]]) -> EntryVectors:
        flat: list[str] = []
        spans: list[tuple[int, int]] = []
        for texts in texts_by_entry:
            spans.append((len(flat), len(flat) + len(texts)))
            flat.extend(texts)
        matrix = cache.vectors(flat)
        cache.retain(flat)
        centroids = np.zeros((len(spans), cache.encoder.dim), dtype=np.float32)
        for number, (start, end) in enumerate(spans):
            if end > start:
                centroids[number] = matrix[start:end].mean(axis=0)
        return cls(matrix, tuple(spans), _normalised(centroids))

    def similarity(
        self, question_vectors: Vectors, entries: Sequence[int], score: EntryScore = "best"
    ) -> list[float]:
        """Per entry: the best cosine between any question vector and any of its texts
        (or, with `score="centroid"`, its centroid)."""
        if not entries:
            return []
        if score == "centroid":
            cosines = self.centroids[list(entries)] @ question_vectors.T
            return [float(c) for c in cosines.max(axis=1)]
        rows = [np.arange(*self.spans[e]) for e in entries]
        lengths = [len(r) for r in rows]
        if not sum(lengths):
            return [0.0] * len(entries)
        cosines = (self.matrix[np.concatenate(rows)] @ question_vectors.T).max(axis=1)
        best: list[float] = []
        start = 0
        for length in lengths:
            best.append(float(cosines[start : start + length].max()) if length else 0.0)
            start += length
        return best
