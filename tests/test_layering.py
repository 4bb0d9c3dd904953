"""The domain never imports python-telegram-bot: only the Telegram layer may.

Why: the matcher, storage, content and command line must run (and be tested, and be used by
organisers' scripts) without the bot framework; keeping telegram to one layer also keeps
every Telegram limit in one place (bot/render.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
# telegram_sender.py is the announcements engine's Telegram adapter and transport.py the
# HTTP client PTB sends through: both part of the same layer.
TELEGRAM_LAYER = {"app.py", "render.py", "telegram_sender.py", "transport.py"}


def imports_telegram(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(name == "telegram" or name.startswith("telegram.") for name in names):
            return True
    return False


def test_only_the_telegram_layer_imports_telegram():
    offenders = [
        str(path.relative_to(BOT))
        for path in sorted(BOT.rglob("*.py"))
        if path.parent.name != "handlers"
        and path.name not in TELEGRAM_LAYER
        and imports_telegram(path)
    ]
    assert offenders == []


# SQL lives in bot/storage/ only: the schema, its migrations and every query in one package,
# so a change of table is found (and reviewed) in one place.
STORAGE = BOT / "storage"
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH)\s")


def speaks_sql(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_START.match(node.value):
                return True
            continue
        else:
            continue
        if "aiosqlite" in names:
            return True
    return False


def test_only_storage_speaks_sql():
    offenders = [
        str(path.relative_to(BOT))
        for path in sorted(BOT.rglob("*.py"))
        if STORAGE not in path.parents and speaks_sql(path)
    ]
    assert offenders == []
    assert speaks_sql(STORAGE / "questions.py")  # the check can see SQL where there is some
