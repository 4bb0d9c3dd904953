"""Writing agenda.yaml: all or nothing, readable by the bot, checked before it lands.

The new file is written next to the old one and renamed over it, so the running bot
(or a reload) sees the old programme or the new one, never half of one. It gets the mode
of the file it replaces, or 0644 when new: `mkstemp` creates 0600 files, and a bot
running as another user could then not read its own programme.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import yaml

from bot.content.imports.build import Agenda
from bot.content.imports.programme import ProgrammeImportError
from bot.content.loader import agenda_problems

NEW_FILE_MODE = 0o644


class _Dumper(yaml.SafeDumper):
    """Long descriptions as readable `|` blocks rather than one escaped line."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render_agenda(agenda: Agenda, header: str = "") -> str:
    body = yaml.dump(agenda.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def write_agenda(agenda: Agenda, target: Path, header: str = "") -> None:
    """Replace `target` with `agenda` if it passes check; otherwise leave it untouched."""
    text = render_agenda(agenda, header)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    handle, temp_name = tempfile.mkstemp(prefix=".agenda-", suffix=".yaml", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        problems = agenda_problems(temp)
        if problems:
            listed = "\n".join(f"  - {str(p).replace(str(temp), str(target))}" for p in problems)
            raise ProgrammeImportError(f"the converted agenda does not pass check:\n{listed}")
        os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
