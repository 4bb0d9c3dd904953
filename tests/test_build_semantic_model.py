"""The model build script's choices that need no torch: which layers a smaller student
keeps, and which sentences it may be taught on.

The distillation itself runs only in the build venv (torch); what is checked here is what
decides whether its figures can be trusted: a student is never taught a sentence that
bench/tune_semantic.py scores it on, nor any CLINC validation utterance.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_semantic_model", ROOT / "bench" / "build_semantic_model.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load()


def test_a_student_keeps_the_first_and_last_layer_spread_evenly() -> None:
    assert build.kept_layers(6, 6) == [0, 1, 2, 3, 4, 5]
    assert build.kept_layers(6, 3) == [0, 2, 5]
    assert build.kept_layers(6, 2) == [0, 5]
    assert build.kept_layers(6, 1) == [5]
    for wrong in (0, 7):
        with pytest.raises(ValueError, match="1 to 6 layers"):
            build.kept_layers(6, wrong)


def test_each_layer_count_builds_into_its_own_folder() -> None:
    assert build.default_out(6) == build.DEFAULT_OUT
    students = {build.default_out(n) for n in (1, 2, 3)}
    assert len(students) == 3 and build.DEFAULT_OUT not in students
    assert all(p.parent == build.DEFAULT_OUT.parent for p in students)


def _clinc(tmp_path: Path) -> tuple[Path, dict[str, list[list[str]]]]:
    train = [[f"{intent} utterance {n}", intent] for intent in ("a", "b") for n in range(20)]
    data = {
        "train": train,
        "val": [["a validation question", "a"]],
        "oos_train": [["an out of scope sentence", "oos"]],
        "oos_val": [["another out of scope sentence", "oos"]],
    }
    path = tmp_path / "clinc.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, data


def test_a_student_is_never_taught_what_the_bench_scores(tmp_path: Path) -> None:
    clinc, data = _clinc(tmp_path)
    texts = build.distillation_texts(tmp_path, clinc)
    past_k = [t for intent in ("a", "b") for t in [f"{intent} utterance {n}" for n in range(5, 20)]]
    scored = set(past_k[:: build.CLINC_TUNING_EVERY])  # as bench/tune_semantic.py picks them
    assert scored and not scored & set(texts)
    assert "a validation question" not in texts
    assert not {t for t, _ in data["oos_train"] + data["oos_val"]} & set(texts)
    assert "a utterance 0" in texts and "b utterance 4" in texts  # entries: content
    assert len(texts) == 40 - len(scored)


def test_the_repository_content_is_taught_without_ids_or_links(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "venue.yaml").write_text(
        "entries:\n"
        "  - id: parking\n"
        "    question: Where can I park my car?\n"
        "    variants:\n"
        "      - gaari kahan park karun\n"
        "      - Where can I park my car?\n"
        "    answer: Lot 1 next to Gate 1.\n"
        "    link: https://example.org/parking map\n"
        "    priority: 3\n",
        encoding="utf-8",
    )
    (tmp_path / "agenda.yaml").write_text(
        "sessions:\n  - {id: s1, title: Keynote on national cyber policy, start: '09:00'}\n",
        encoding="utf-8",
    )
    texts = build.distillation_texts(tmp_path, None)
    assert texts == sorted(
        [
            "Where can I park my car?",
            "gaari kahan park karun",
            "Lot 1 next to Gate 1.",
            "Keynote on national cyber policy",
        ]
    )


def test_the_shared_clinc_file_is_found_beside_the_worktrees(tmp_path: Path) -> None:
    checkout = tmp_path / "wt" / "branch"
    checkout.mkdir(parents=True)
    assert build.clinc_file(checkout) is None
    data = tmp_path / "shared" / "data" / "clinc150"
    data.mkdir(parents=True)
    (data / "data_dev.json").write_text("{}", encoding="utf-8")
    assert build.clinc_file(checkout) == data / "data_dev.json"
