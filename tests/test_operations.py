"""backup, purge and export-faq-candidates on a real database file."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot import operations
from bot.cli import main
from bot.config import load_settings
from bot.operations import parse_age
from bot.storage import NewQuestion, Store

NOW = datetime(2027, 2, 16, 10, 0, tzinfo=UTC)


async def seed(path) -> None:
    async with await Store.open(path) as store:

        async def ask(user: int, text: str, key: str, when: datetime) -> int:
            [question_id] = await store.record_questions(
                [
                    NewQuestion(
                        user_id=user,
                        chat_id=user,
                        message_id=1,
                        text=text,
                        normalized=key,
                        decision="none",
                        now=when,
                    )
                ]
            )
            return question_id

        bikes = [
            await ask(1, "can i park my bicycle", "bicycl park", NOW),
            await ask(2, "Can I park my bicycle?", "bicycl park", NOW),
            await ask(3, "cycle parking hai?", "bicycl park", NOW),
        ]
        await store.mark_answered(bikes, "Bicycles go in the rack by Gate 2.", 99, NOW)
        pets = await ask(4, "can i bring my cat", "bring cat", NOW - timedelta(days=100))
        await store.mark_answered([pets], "Sorry, no pets.", 99, NOW)
        old = await ask(5, "old question", "old question", NOW - timedelta(days=120))
        await store.record_vote(old, 5, "faq:wifi", 1, NOW - timedelta(days=120))
        await ask(6, "still open", "still open", NOW)


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "data" / "bot.sqlite3"
    asyncio.run(seed(path))
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out=out, err=err), out.getvalue(), err.getvalue()


def count(path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_backup_is_a_complete_database_while_another_connection_is_open(database, tmp_path):
    async def with_bot_running() -> tuple[int, str, str]:
        async with await Store.open(database):  # the bot holds the database open
            return await asyncio.to_thread(run, "backup", str(tmp_path / "copy.sqlite3"))

    code, out, _ = asyncio.run(with_bot_running())
    assert code == 0 and "Backed up" in out
    assert count(tmp_path / "copy.sqlite3", "questions") == count(database, "questions") == 6
    assert not (tmp_path / "copy.sqlite3.partial").exists()


def test_purge_deletes_old_questions_and_their_votes(database):
    out, err = io.StringIO(), io.StringIO()
    code = operations.purge(load_settings(), "90d", out, err, now=NOW)
    assert code == 0
    assert "Deleted 2 questions and 1 votes" in out.getvalue()
    assert count(database, "questions") == 4 and count(database, "votes") == 0


def test_purge_needs_a_sensible_age(database):
    code, _, err = run("purge", "--older-than", "soon")
    assert code == 2 and "90d" in err
    assert parse_age("12w") == timedelta(weeks=12) and parse_age("48h") == timedelta(hours=48)


def test_export_faq_candidates_groups_wordings_into_ready_entries(database, tmp_path):
    code, out, _ = run("export-faq-candidates")
    assert code == 0
    exported = yaml.safe_load(out)
    bikes, pets = exported["entries"]
    assert bikes["answer"] == "Bicycles go in the rack by Gate 2."
    assert bikes["question"] in {
        "can i park my bicycle",
        "Can I park my bicycle?",
        "cycle parking hai?",
    }
    assert len(bikes["variants"]) == 2
    assert pets == {
        "id": "can-i-bring-my-cat",
        "question": "can i bring my cat",
        "answer": "Sorry, no pets.",
    }
    # Pasted into a FAQ file, the entries load.
    from bot.content import load_content
    from tests.content_builder import write_content

    (tmp_path / "site").mkdir()
    agenda, faq_dir = write_content(tmp_path / "site")
    (faq_dir / "candidates.yaml").write_text(out, encoding="utf-8")
    assert load_content(agenda, faq_dir).faq_entry("can-i-bring-my-cat") is not None


def test_commands_without_a_database_say_what_to_set(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing.sqlite3"))
    for argv in (
        ("backup", "x.sqlite3"),
        ("purge", "--older-than", "90d"),
        ("export-faq-candidates",),
    ):
        code, _, err = run(*argv)
        assert code == 2 and "DATABASE_PATH" in err
