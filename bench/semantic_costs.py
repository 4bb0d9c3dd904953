"""Where the benchmark finds the meaning layer's model, and what the layer costs.

Kept apart from bench/matching.py so the matching benchmark stays readable: this module
answers "is the model here?" and prints the cost lines the issue names (installed size of
the extra, model size, load time, encoding 1,000 entries, questions per second).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.matching.analyzer import Analyzer  # noqa: E402
from bot.matching.choice import MatcherChoice, choose_matcher  # noqa: E402
from bot.matching.index import Document, Field, Target  # noqa: E402
from bot.matching.matcher import Matcher  # noqa: E402

T = TypeVar("T")
DEFAULT_MODEL = ROOT / ".cache" / "semantic" / "minilm-l6-int8"
# The run-time packages the `.[semantic]` extra brings, with their own dependencies.
EXTRA_ROOTS = ("fastembed",)


def model_spec() -> str | None:
    """MATCH_SEMANTIC_MODEL if set, else the locally built model if it exists."""
    spec = os.environ.get("MATCH_SEMANTIC_MODEL", "").strip()
    if spec:
        return spec
    return str(DEFAULT_MODEL) if DEFAULT_MODEL.is_dir() else None


def _requirements(name: str) -> list[str]:
    try:
        requires = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        head = requirement.split(";")[0].strip()
        for stop in "<>=!~[ (":
            head = head.split(stop)[0]
        names.append(head.strip())
    return names


def _distribution_size(name: str) -> int:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return 0
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def extra_installed_size() -> tuple[int, list[str]]:
    """Bytes on disk of the extra's packages and everything they pull in, and their names.

    Packages the default install already has (pyyaml, httpx...) are counted too when the
    extra requires them: the figure is an upper bound on what the extra adds.
    """
    seen: set[str] = set()
    todo = list(EXTRA_ROOTS)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_requirements(name))
    installed = sorted(n for n in seen if _distribution_size(n))
    return sum(_distribution_size(n) for n in installed), installed


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(function, *args):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def open_layer() -> MatcherChoice | None:
    """The meaning layer for this run, or None (said so) when no model is here."""
    spec = model_spec()
    if spec is None:
        print(
            f"\nMeaning layer: no model at {DEFAULT_MODEL.relative_to(ROOT)} and "
            "MATCH_SEMANTIC_MODEL is not set, so only lexical figures follow "
            "(build it with `python bench/build_semantic_model.py`)."
        )
        return None
    choice = choose_matcher(spec)
    print(f"\nMeaning layer: {choice.description}; loaded in {choice.load_seconds:.2f} s")
    return choice


def _resident_mb(with_layer: bool, spec: str) -> float:
    """Resident memory of a fresh process holding 1,000 entries, with or without the layer.

    Measured after the index is built and a question answered, not at the peak: reading
    the CLINC file to make the entries costs more than either matcher.
    """
    script = f"""
import sys
sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "bench")!r}]
from matching import speed_groups
from bot.matching.analyzer import Analyzer
from bot.matching.index import Document, Field, Target
from bot.matching.matcher import Matcher
from bot.matching.choice import choose_matcher
docs = [Document(Target("faq", k, t[0]), [Field(x, 1.0, phrasing=True) for x in t])
        for k, t in speed_groups()]
vectors = choose_matcher({spec!r}).vectors if {with_layer} else None
matcher = Matcher(docs, Analyzer(), vectors=vectors)
matcher.match("how do I reset my card pin")
status = open("/proc/self/status").read().split("VmRSS:")[1].split()[0]
print(int(status) / 1024)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def costs(
    choice: MatcherChoice,
    groups: Sequence[tuple[str, list[str]]],
    questions: Sequence[str],
) -> None:
    """Section 4: what the layer costs, with the lexical matcher's figures beside it."""
    # The extra is installed: a model loaded.
    from bot.matching.fusion import FusionSettings
    from bot.matching.semantic import VectorCache
    from bot.storage.vectors import VectorStore

    assert choice.vectors is not None
    encoder = choice.vectors.encoder
    spec = model_spec() or ""
    size, packages = extra_installed_size()
    docs = [
        Document(Target("faq", key, texts[0]), [Field(t, 1.0, phrasing=True) for t in texts])
        for key, texts in groups
    ]
    phrasings = sum(len(texts) for _, texts in groups)
    print(f"\n6. Meaning layer cost with {len(docs):,} entries ({phrasings:,} phrasings), one core")
    print(
        f"  installed size of the extra: {size / 1e6:,.0f} MB "
        f"({len(packages)} packages: {', '.join(packages)})"
    )
    folder = Path(spec).expanduser()
    if folder.is_dir():
        print(f"  model folder: {folder_size(folder) / 1e6:.1f} MB ({folder.name})")
    print(f"  model load (import, session, probe): {choice.load_seconds:.2f} s")
    scratch = Path(tempfile.mkdtemp(prefix="semantic-costs-"))
    store_path = scratch / "semantic_vectors.sqlite3"

    def stored() -> VectorStore:
        return VectorStore(store_path, encoder.identity, encoder.dim)

    cold = VectorCache(encoder, stored())
    lexical, lexical_build = timed(Matcher, docs, Analyzer())
    cpu = time.process_time()
    fused, cold_build = timed(lambda: Matcher(docs, Analyzer(), vectors=cold))
    cpu = time.process_time() - cpu
    print(
        f"  first start (nothing stored yet): index {lexical_build:.2f} s; index + encoding "
        f"every phrasing {cold_build:.2f} s ({cpu:.1f} s of CPU)"
    )
    restarted = VectorCache(encoder, stored())
    _, warm_start = timed(lambda: Matcher(docs, Analyzer(), vectors=restarted))
    print(
        f"  restart, content unchanged: {warm_start:.2f} s ({restarted.encoded:,} phrasings "
        f"encoded, {restarted.restored:,} read from the vector store, "
        f"{store_path.stat().st_size / 1e6:.1f} MB)"
    )
    edited = [
        Document(d.target, [Field(f.text + " please", 1.0, phrasing=True) for f in d.fields])
        if number % 20 == 0
        else d
        for number, d in enumerate(docs)
    ]
    before = cold.encoded
    _, warm_build = timed(lambda: Matcher(edited, Analyzer(), vectors=cold))
    print(
        f"  /reload after editing 5% of the entries: {warm_build:.2f} s "
        f"({cold.encoded - before:,} phrasings encoded again, the rest from memory; "
        "target < 10 s)"
    )
    restarted = VectorCache(encoder, stored())
    _, edited_start = timed(lambda: Matcher(docs, Analyzer(), vectors=restarted))
    # The same layer without the out-of-scope guard, on a cache of its own (its question
    # memory starts empty too): what the guard's extra encodes cost.
    unguarded_settings = replace(FusionSettings(), pull_guard=None)
    unguarded_cache = VectorCache(encoder, stored())
    unguarded = Matcher(docs, Analyzer(), vectors=unguarded_cache, fusion=unguarded_settings)
    print(
        f"  restart with 5% of the phrasings not in the store: {edited_start:.2f} s "
        f"({restarted.encoded:,} phrasings encoded, {restarted.restored:,} from the store)"
    )
    shutil.rmtree(scratch, ignore_errors=True)
    assert fused.meaning is not None
    settled = sum(fused.meaning.settled(fused.decide(q, fused.score(q))) for q in questions)
    print(
        f"  questions the lexical matcher settles alone (answer >= "
        f"{fused.meaning.settings.settled_answer}): {settled:,} of {len(questions):,} "
        f"({settled / len(questions):.0%}); the layer judges the rest"
    )
    rates = {}
    for name, matcher in (
        ("lexical", lexical),
        ("with layer", fused),
        ("layer, no guard", unguarded),
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        for question in questions:
            matcher.match(question)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rates[name] = (len(questions) / wall, len(questions) / cpu)
    for name, (wall_rate, cpu_rate) in rates.items():
        print(
            f"  {name:<15}: {wall_rate:,.0f} questions/s wall clock, {cpu_rate:,.0f}/s per "
            f"CPU second ({len(questions):,} questions; target with the layer >= 500/s)"
        )
    slower = rates["lexical"][1] / rates["with layer"][1]
    print(f"  the layer makes each question {slower:.1f}x as expensive in CPU time")
    guard_share = rates["layer, no guard"][1] / rates["with layer"][1]
    print(
        f"  the out-of-scope guard (pull_guard {fused.meaning.settings.pull_guard}): "
        f"{guard_share:.2f}x the CPU time of the layer without it"
    )
    cpu = time.process_time()
    for question in questions:
        fused.match(question)
    repeated = len(questions) / (time.process_time() - cpu)
    print(
        f"  the same questions again (their vectors remembered): {repeated:,.0f}/s per CPU second"
    )
    try:
        plain, layered = _resident_mb(False, spec), _resident_mb(True, spec)
    except (subprocess.CalledProcessError, ValueError, IndexError) as exc:
        print(f"  memory: not measured ({exc.__class__.__name__})")
    else:
        print(
            f"  resident memory of a process with {len(docs):,} entries: {plain:,.0f} MB "
            f"lexical, {layered:,.0f} MB with the layer"
        )
