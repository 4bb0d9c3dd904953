"""Recording questions with group commit: every reply waits for its own commit, cheaply.

Why: each question must be committed before the attendee is answered (so a question the
bot promised to pass on cannot be lost), but one transaction per question costs a commit
and several round trips to SQLite's thread each. Under a burst, questions that arrive while
one batch is being committed are written together in the next transaction. A lone
question is written at once, so nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
import logging

from bot.storage import NewQuestion, Store
from bot.storage.errors import StorageUnavailable

logger = logging.getLogger(__name__)


class QuestionLog:
    """Batches `record` calls into `Store.record_questions` transactions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[NewQuestion, asyncio.Future[int]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0  # how many transactions were used (benchmark and tests)

    async def record(self, question: NewQuestion) -> int:
        """Store the question and return its id once it is committed."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((question, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="question-log")
        return await future

    async def _write_all(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                ids = await self.store.record_questions([question for question, _ in batch])
            except BaseException as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(
                            exc
                            if isinstance(exc, Exception)
                            else RuntimeError("question log stopped")
                        )
                if not isinstance(exc, Exception):
                    raise
                # A storage fault is logged once by bot.health, not once per batch.
                level = logging.DEBUG if isinstance(exc, StorageUnavailable) else logging.ERROR
                logger.log(level, "could not record %d question(s): %s", len(batch), exc)
                continue
            self.batches += 1
            for (_, future), question_id in zip(batch, ids, strict=True):
                if not future.done():  # a cancelled handler: the row is stored anyway
                    future.set_result(question_id)

    async def close(self) -> None:
        """Finish writing what is pending (shutdown)."""
        if self._writer is not None and not self._writer.done():
            await self._writer
