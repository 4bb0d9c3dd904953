"""Every `python -m bot …` example in README.md and docs/*.md runs, and every link resolves.

Why: the docs are the organisers' manual. A command that was renamed, an option that went
away or an exit code that changed must fail here, not at the event. The examples are found,
not listed, so a page another change adds is checked too.

Conventions (docs/development.md explains them to writers):
- Shell blocks are fenced with no language or with sh, bash, shell or console. In them, a
  line that runs `python -m bot` (outside `inline code` and `# comments`) is an example;
  in console blocks only lines starting with `$ ` are commands. Blocks in other languages
  (yaml, json, text...) are never run.
- `<!-- no-test: reason -->` on the line before a block skips it (it needs a token, the
  network, root, or it serves until stopped). `<!-- exit: N -->` says every example in the
  block exits with N instead of 0.
- A block's examples run in order, in bash with pipefail, in a fresh folder holding the
  sample content (agenda.yaml, faq/), an empty database at data/bot.sqlite3, and the
  example exports of tests/data/imports/ (schedule.json is the frab one), with no
  configuration variable set from outside.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.storage import Store

ROOT = Path(__file__).resolve().parents[1]
IMPORT_EXAMPLES = ROOT / "tests" / "data" / "imports"
SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console", "shell-session"}
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")
MARKER = re.compile(r"^\s*<!--\s*(no-test|exit)\s*:\s*(.*?)\s*-->\s*$")
INVOCATION = re.compile(r"(?<![\w/.-])(?:\S*/)?python3? -m bot(?![\w.])")
CODE_SPAN = re.compile(r"`[^`]*`")
TRAILING_COMMENT = re.compile(r"(^|\s)#(?![!]).*$")
# Settings the examples must not inherit from the machine running the tests.
CONFIG_PREFIXES = (
    "BOT_",
    "ORGANISER_",
    "WEBHOOK_",
    "WEB_",
    "MATCH_",
    "CONTENT_",
    "LOG_",
    "BROADCAST_",
    "SCHEDULE_",
)
CONFIG_NAMES = {"AGENDA_PATH", "FAQ_DIR", "DATABASE_PATH", "PORT"}
TIMEOUT = 60  # seconds for one example (they take about one); the machine is shared


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@dataclass
class Block:
    """One fenced block holding `python -m bot` examples."""

    path: Path
    line: int
    commands: list[str] = field(default_factory=list)
    skip: str | None = None
    exit_code: int = 0

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def is_example(line: str) -> bool:
    """A line that runs `python -m bot`, not one that mentions it in `code` or a comment."""
    code = TRAILING_COMMENT.sub("", CODE_SPAN.sub("", line))
    return INVOCATION.search(code) is not None


def _logical_lines(lines: list[str]) -> list[str]:
    """Lines with backslash continuations joined."""
    joined: list[str] = []
    pending = ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    if pending:
        joined.append(pending)
    return joined


def blocks_in(path: Path, text: str) -> list[Block]:
    """The fenced shell blocks of one markdown text that hold examples, with their markers."""
    found: list[Block] = []
    lines = text.splitlines()
    markers: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        marker = MARKER.match(line)
        if marker:
            markers[marker.group(1)] = marker.group(2)
            index += 1
            continue
        fence = FENCE.match(line)
        if not fence:
            if line.strip():
                markers = {}  # a marker applies to the very next block only
            index += 1
            continue
        opening, language = fence.group(1), fence.group(2).lower()
        start = index + 1
        index += 1
        body: list[str] = []
        while index < len(lines) and not lines[index].strip().startswith(opening):
            body.append(lines[index])
            index += 1
        index += 1  # the closing fence
        if language in SHELL_LANGUAGES:
            if language in ("console", "shell-session"):
                body = [b.strip()[2:] for b in body if b.strip().startswith("$ ")]
            commands = [c.strip() for c in _logical_lines(body) if is_example(c)]
            if commands:
                block = Block(path, start, commands, skip=markers.get("no-test"))
                if "exit" in markers:
                    block.exit_code = int(markers["exit"])
                found.append(block)
        markers = {}
    return found


def all_blocks() -> list[Block]:
    return [block for path in doc_files() for block in blocks_in(path, path.read_text("utf-8"))]


def _environment() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(CONFIG_PREFIXES) and name not in CONFIG_NAMES
    }
    # `python` in an example is this interpreter, with this checkout importable.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


async def _empty_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    async with await Store.open(path):
        pass


def workspace(tmp_path: Path) -> Path:
    """A folder like an organiser's: the sample content, a database and some exports."""
    shutil.copy(ROOT / "agenda.yaml", tmp_path / "agenda.yaml")
    shutil.copytree(ROOT / "faq", tmp_path / "faq")
    for export in IMPORT_EXAMPLES.iterdir():
        shutil.copy(export, tmp_path / export.name)
    shutil.copy(IMPORT_EXAMPLES / "frab_schedule.json", tmp_path / "schedule.json")
    asyncio.run(_empty_database(tmp_path / "data" / "bot.sqlite3"))
    return tmp_path


BLOCKS = all_blocks()


@pytest.mark.parametrize("block", BLOCKS, ids=[block.where for block in BLOCKS])
def test_documented_command_runs(block: Block, tmp_path: Path):
    if block.skip is not None:
        pytest.skip(f"no-test: {block.skip}")
    folder = workspace(tmp_path)
    for command in block.commands:
        try:
            done = subprocess.run(
                ["bash", "-o", "pipefail", "-c", command],
                cwd=folder,
                env=_environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"{block.where}: `{command}` still ran after {TIMEOUT} s; if it serves until "
                "stopped, put <!-- no-test: reason --> on the line before its block"
            )
        context = f"{block.where}: `{command}`\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        assert done.returncode == block.exit_code, (
            f"exit {done.returncode}, the docs expect {block.exit_code}. If it needs a token "
            "or the network, put <!-- no-test: reason --> before the block; if the exit code "
            f"is meant, <!-- exit: N -->.\n{context}"
        )
        assert "Traceback" not in done.stderr, context


def test_the_examples_are_found():
    """The collector sees the README's examples (a finder that finds nothing proves nothing)."""
    readme = [block for block in BLOCKS if block.path.name == "README.md"]
    commands = [command for block in readme for command in block.commands]
    assert any(command.startswith("python -m bot check") for command in commands)
    assert any(block.skip is None for block in readme)


SAMPLE = """\
Intro with `python -m bot check` in prose.

```sh
python -m bot check            # validate
BOT_NOW=2027-02-16T11:30 python -m bot ask "what's on now"
printf 'wifi\\n' | python -m bot ask --json
echo "not an example: `python -m bot`"
pip install -e .               # no python -m bot here
```

<!-- no-test: needs a token -->
```sh
python -m bot doctor
```

<!-- exit: 2 -->

```bash
python -m bot \\
  ask
```

```yaml
command: python -m bot check
```

```console
$ python -m bot check
OK: python -m bot says so
```

```sh
python -m bot check
```
"""


def test_the_conventions():
    blocks = blocks_in(ROOT / "SAMPLE.md", SAMPLE)
    assert [(block.line, block.skip, block.exit_code) for block in blocks] == [
        (3, None, 0),
        (12, "needs a token", 0),
        (18, None, 2),
        (27, None, 0),
        (32, None, 0),
    ]
    assert blocks[0].commands == [
        "python -m bot check            # validate",
        'BOT_NOW=2027-02-16T11:30 python -m bot ask "what\'s on now"',
        "printf 'wifi\\n' | python -m bot ask --json",
    ]
    assert blocks[2].commands == ["python -m bot    ask"]
    assert blocks[3].commands == ["python -m bot check"]


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("path", doc_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_links_to_files_resolve(path: Path):
    """A relative link in the docs names a file or folder that exists."""
    text = re.sub(r"(`{3,}|~{3,}).*?\1", "", path.read_text("utf-8"), flags=re.DOTALL)
    broken = []
    for match in LINK.finditer(text):
        target = (match.group(1) or match.group(2)).split("#")[0]
        if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # an anchor in the same page, or http:, mailto:...
        if not (path.parent / target).exists():
            broken.append(target)
    assert broken == []


def test_architecture_names_every_layering_rule():
    """docs/architecture.md lists the rules tests/test_layering.py enforces, by test name."""
    layering = ast.parse((ROOT / "tests" / "test_layering.py").read_text("utf-8"))
    rules = [
        node.name
        for node in layering.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]
    architecture = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    missing = [rule for rule in rules if f"`{rule}`" not in architecture]
    assert rules
    assert missing == [], "add a row for each to the rules table in docs/architecture.md"
