"""`python -m bot unanswered`: CSV/JSON export that works while the bot is writing."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.export import _cell, formula_like
from bot.storage import NewQuestion, Store

T0 = datetime(2027, 2, 16, 6, 30, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def populate(path: Path) -> None:
    async def fill() -> None:
        async with await Store.open(path) as store:
            for user, text, decision in (
                (1, "is there a bowling alley", "none"),
                (2, "wifi password", "answer"),
                (3, '=HYPERLINK("http://x", "click")', "none"),
                (4, 'lunch,\n"where"?', "none"),
            ):
                await store.record_questions(
                    [
                        NewQuestion(
                            user_id=user,
                            chat_id=user,
                            message_id=1,
                            text=text,
                            normalized=text,
                            decision=decision,
                            now=T0,
                            best_kind="faq",
                            best_id="wifi",
                            best_label="Is there Wi-Fi?",
                            score=0.42,
                        )
                    ]
                )
            await store.dismiss([3], 9001, T0)

    asyncio.run(fill())


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["unanswered", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_no_database_is_a_clear_error(db: Path):
    code, out, err = run()
    assert code == 2 and out == ""
    assert "No database" in err and str(db) in err
    assert not db.exists()  # the export never creates one


def test_csv_open_by_default(db: Path):
    populate(db)
    code, out, _ = run()
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    columns = {"id", "asked_at", "user_id", "question", "status", "best_match", "rejected_key"}
    assert columns <= set(rows[0])
    assert [r["question"] for r in rows] == ["is there a bowling alley", 'lunch,\n"where"?']
    assert rows[0]["status"] == "open" and rows[0]["best_match"] == "Is there Wi-Fi?"
    assert rows[0]["score"] == "0.42" and rows[0]["user_id"] == "1"


def test_all_statuses_and_formula_cells(db: Path):
    populate(db)
    code, out, _ = run("--status", "all")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["status"] for r in rows] == ["open", "answered_by_bot", "dismissed", "open"]
    assert rows[2]["question"].startswith("'=HYPERLINK")


def test_json(db: Path):
    populate(db)
    code, out, _ = run("--format", "json", "--status", "all")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 4 and rows[2]["question"].startswith("=HYPERLINK")  # raw in JSON
    assert rows[0]["asked_at"] == T0.isoformat() and rows[0]["score"] == 0.42


def test_export_reads_while_the_bot_writes(db: Path):
    populate(db)
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # the bot is mid-transaction
        writer.execute("UPDATE questions SET status = 'answered' WHERE id = 1")
        code, out, _ = run("--format", "json")
        assert code == 0
        assert [r["id"] for r in json.loads(out)] == [1, 4]  # the committed snapshot
        writer.execute("COMMIT")
    finally:
        writer.close()
    code, out, _ = run("--format", "json")
    assert [r["id"] for r in json.loads(out)] == [4]


def test_not_a_bot_database(db: Path):
    db.parent.mkdir(parents=True)
    sqlite3.connect(db).close()
    code, _, err = run()
    assert code == 2 and "Cannot read the database" in err


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "\u200b=1+1",  # zero-width space
        "\u202e=1+1",  # right-to-left override
        "\u2066\u200d+cmd|' /C calc'!A0",  # isolate + zero-width joiner
        "\ufeff@SUM(A1)",  # byte order mark
        "\u00a0-2+3",  # no-break space
        " =1+1",
        "\u3164=1",  # Hangul filler, drawn as nothing
        "\u00ad\u200b\u200c\u200e=1",
    ],
)
def test_formula_cells_behind_invisible_characters_are_neutralised(text: str):
    assert formula_like(text)
    assert _cell(text) == "'" + text


@pytest.mark.parametrize("text", ["wifi password", "\u200bwifi", "a=b", "رجسٹریشن کب", ""])
def test_ordinary_text_is_left_alone(text: str):
    assert not formula_like(text)
    assert _cell(text) == text
