"""The parts that keep the bot fast and within Telegram's limits under a burst."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import RetryingLimiter, RetryPolicy
from bot.question_log import QuestionLog
from bot.storage import NewQuestion, Store
from bot.storage import questions as question_storage

T0 = datetime(2027, 2, 16, 6, 30, tzinfo=UTC)


def question(user: int, text: str = "is there a bowling alley") -> NewQuestion:
    return NewQuestion(
        user_id=user,
        chat_id=user,
        message_id=user,
        text=f"{text} {user}",
        normalized=text,
        decision="none",
        now=T0,
    )


async def test_concurrent_questions_share_commits(tmp_path: Path):
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        log = QuestionLog(store)
        ids = await asyncio.gather(*(log.record(question(user)) for user in range(50)))
        assert sorted(ids) == list(range(1, 51)) and len(set(ids)) == 50
        assert log.batches < 50  # the burst was written in a few transactions
        stored = {q.id: q.text for q in await store.export_questions()}
        for user, question_id in enumerate(ids):
            assert stored[question_id] == f"is there a bowling alley {user}"
        assert await log.record(question(99)) == 51  # a lone question is written at once
        await log.close()


async def test_a_failed_batch_fails_its_callers_only(tmp_path: Path):
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        log = QuestionLog(store)
        bad = NewQuestion(
            user_id=1, chat_id=1, message_id=1, text="x", normalized="x", decision="maybe", now=T0
        )  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            await log.record(bad)
        assert await log.record(question(2)) == 1


async def test_a_batch_larger_than_one_insert_is_one_transaction_in_order(tmp_path: Path):
    """Over `_ROWS_PER_INSERT` questions take several INSERTs; ids still follow the input,
    and a bad row anywhere stores none of the batch."""
    count = question_storage._ROWS_PER_INSERT * 2 + 7
    async with await Store.open(tmp_path / "bot.sqlite3") as store:
        assert await store.record_questions([question(0)]) == [1]
        ids = await store.record_questions([question(user) for user in range(1, count + 1)])
        assert ids == list(range(2, count + 2))
        stored = {q.id: q.text for q in await store.export_questions()}
        assert all(stored[i] == f"is there a bowling alley {i - 1}" for i in ids)
        many = [question(user) for user in range(count)]
        many[-1] = NewQuestion(
            user_id=1,
            chat_id=1,
            message_id=1,
            text=None,  # type: ignore[arg-type]
            normalized="x",
            decision="none",
            now=T0,
        )
        with pytest.raises(sqlite3.IntegrityError):
            await store.record_questions(many)
        assert len(await store.export_questions()) == count + 1


async def test_flood_pause_is_per_chat():
    limiter = RetryingLimiter(RetryPolicy(backoff=0))
    limiter._pause(1, 30.0)
    calls: list[int] = []

    async def callback() -> dict:
        calls.append(1)
        return {"ok": True}

    # Another chat is not held up by chat 1's pause.
    result = await asyncio.wait_for(
        limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 2}, None), 1
    )
    assert result == {"ok": True}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(
            limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None), 0.05
        )
    assert calls == [1]
