"""Content files that used to take the bot down (issue 15 §1), each a named problem now.

Every case is checked twice: in-process through `load_content` (the problem names the
file and says what is wrong), and all together through `python -m bot check` in a
subprocess, which must exit 1 with no traceback and name every file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import ContentError, load_content
from bot.content.limits import LoadLimits
from tests.content_builder import write_content

ROOT = Path(__file__).resolve().parents[2]


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
        previous = name
    lines.append("entries: *i")
    return "\n".join(lines) + "\n"


def deep_nesting(levels: int) -> str:
    return "entries: " + "[" * levels + "]" * levels + "\n"


def deep_block_nesting(levels: int) -> str:
    return "entries:\n" + "".join("  " * i + "- \n" for i in range(levels))


def _write(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "recursive.yaml": (_write("entries: &e [*e]\n"), "recursive alias"),
    "recursive-map.yaml": (_write("entries: &e\n  - x: *e\n"), "recursive alias"),
    "deep.yaml": (_write(deep_nesting(1000)), "nest"),
    "deep-block.yaml": (_write(deep_block_nesting(1000)), "nest"),
    "moderately-deep.yaml": (_write(deep_nesting(60)), "nested more than 50 levels"),
    "folder.yaml": (lambda path: path.mkdir(), "is a folder"),
    "loop.yaml": (lambda path: path.symlink_to(path.name), "symbolic link loop"),
    "dangling.yaml": (lambda path: path.symlink_to("nowhere.yaml"), "does not exist"),
    "zero.yaml": (lambda path: path.symlink_to("/dev/zero"), "a device, not a regular file"),
    "laughs.yaml": (_write(billion_laughs()), "billion laughs"),
    "fifo.yaml": (lambda path: os.mkfifo(path), "named pipe (FIFO)"),
    "latin1.yaml": (lambda path: path.write_bytes(b"entries: caf\xe9\n"), "not UTF-8"),
    "two-docs.yaml": (_write("entries: []\n---\nentries: []\n"), "second YAML document"),
    "undefined-alias.yaml": (_write("entries: *nope\n"), "before &nope is set"),
    "complex-key.yaml": (_write("? [a, b]\n: x\nentries: []\n"), "key must be plain text"),
    "alias-key.yaml": (_write("a: &a [1, 2]\n*a : x\n"), "key must be plain text"),
}


def _problems(agenda: Path, faq: Path, limits: LoadLimits | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(agenda, faq, limits)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_is_one_named_problem(tmp_path: Path, name: str) -> None:
    agenda, faq = write_content(tmp_path)
    make, expected = HOSTILE[name]
    make(faq / name)
    problems = _problems(agenda, faq)
    assert len(problems) == 1, problems
    assert problems[0].startswith(str(faq / name)), problems
    assert expected in problems[0], problems


def test_aliases_within_the_budget_still_work(tmp_path: Path) -> None:
    """Anchors are legitimate YAML: a shared answer written once is expanded as before."""
    faq_text = (
        "entries:\n"
        "  - id: a\n    question: First?\n    answer: &same Ask at the desk.\n"
        "  - id: b\n    question: Second?\n    answer: *same\n"
    )
    content = load_content(*write_content(tmp_path, faq={"desk.yaml": faq_text}))
    assert content.faq_entry("b").answer == "Ask at the desk."


def test_a_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    """Deployments mount content as links (Kubernetes ConfigMaps); those keep working."""
    agenda, faq = write_content(tmp_path)
    real = tmp_path / "elsewhere.yaml"
    (faq / "venue.yaml").rename(real)
    (faq / "venue.yaml").symlink_to(real)
    assert load_content(agenda, faq).faq_entry("wifi") is not None


def test_hidden_editor_files_are_skipped(tmp_path: Path) -> None:
    """Emacs's lock link `.#venue.yaml` points nowhere while an organiser edits."""
    agenda, faq = write_content(tmp_path)
    (faq / ".#venue.yaml").symlink_to("organiser@laptop.1234:1700000000")
    (faq / "._venue.yaml").write_bytes(b"\x00\x05\x16\x07\xff")
    assert load_content(agenda, faq).faq_entry("wifi") is not None


def test_per_file_size_limit(tmp_path: Path) -> None:
    agenda, faq = write_content(tmp_path)
    (faq / "huge.yaml").write_text("entries: []\n# " + "x" * 3000 + "\n", encoding="utf-8")
    problems = _problems(agenda, faq, LoadLimits(max_file_bytes=2048))
    assert len(problems) == 1
    assert "huge.yaml" in problems[0] and "over the limit of 2 KB per file" in problems[0]


def test_total_size_limit_stops_the_load_naming_the_file(tmp_path: Path) -> None:
    padding = "# " + "x" * 1500 + "\n"
    faq = {f"part-{i}.yaml": "entries: []\n" + padding for i in range(5)}
    agenda, faq_dir = write_content(tmp_path, faq=faq)
    limits = LoadLimits(max_file_bytes=4096, max_total_bytes=6000)
    problems = _problems(agenda, faq_dir, limits)
    assert any("part-" in p and "together exceed" in p and "not read" in p for p in problems)


def test_time_budget_stops_the_load(tmp_path: Path) -> None:
    agenda, faq = write_content(tmp_path)
    problems = _problems(agenda, faq, LoadLimits(seconds=0.0))
    assert len(problems) == 1
    assert "agenda.yaml" in problems[0] and "longer than 0 s" in problems[0]


def test_unreadable_faq_folder_is_a_problem(tmp_path: Path) -> None:
    agenda, _ = write_content(tmp_path)
    problems = _problems(agenda, tmp_path / "agenda.yaml")
    assert any("FAQ folder not found" in p for p in problems)


def test_missing_and_odd_agenda_paths(tmp_path: Path) -> None:
    agenda, faq = write_content(tmp_path)
    agenda.unlink()
    assert any("agenda file not found" in p for p in _problems(agenda, faq))
    agenda.symlink_to("/dev/zero")
    assert any("a device" in p for p in _problems(agenda, faq))
    agenda.unlink()
    agenda.mkdir()
    assert any("is a folder" in p for p in _problems(agenda, faq))


def _check(cwd: Path, env: dict[str, str] | None = None, user: int | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
        check=False,
        user=user,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    return result.stderr


def test_check_names_every_hostile_file_and_exits_cleanly(tmp_path: Path) -> None:
    _, faq = write_content(tmp_path)
    for name, (make, _) in HOSTILE.items():
        make(faq / name)
    err = _check(tmp_path, {"AGENDA_PATH": "agenda.yaml", "FAQ_DIR": "faq"})
    for name, (_, expected) in HOSTILE.items():
        assert any(f"faq/{name}" in line and expected in line for line in err.splitlines()), (
            name,
            err,
        )


# Runs `check` once as root (importing every module it needs: nobody cannot read root's
# Python), then drops to nobody and runs it again for real.
AS_NOBODY = """
import io, os, sys
from bot.cli import main
main(["check"], out=io.StringIO(), err=io.StringIO())
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
sys.exit(main(["check"]))
"""


def test_unreadable_file_as_a_non_root_user(tmp_path: Path) -> None:
    """chmod 000 stops everyone but root; as root, `check` drops to nobody to see it."""
    _, faq = write_content(tmp_path)
    (faq / "secret.yaml").write_text("entries: []\n", encoding="utf-8")
    (faq / "secret.yaml").chmod(0)
    command = [sys.executable, "-m", "bot", "check"]
    if os.geteuid() == 0:
        command = [sys.executable, "-c", AS_NOBODY]
        # pytest's temporary folders are 0700: nobody needs a way in and read access.
        parent = tmp_path
        while parent != parent.parent and parent.stat().st_uid == 0:
            parent.chmod(parent.stat().st_mode | 0o005)
            parent = parent.parent
        for path in (tmp_path / "agenda.yaml", faq / "venue.yaml"):
            path.chmod(0o644)
        faq.chmod(0o755)
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "AGENDA_PATH": "agenda.yaml", "FAQ_DIR": "faq"},
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert "faq/secret.yaml: cannot be read: permission denied" in result.stderr
    assert "1 problem in the content" in result.stderr
