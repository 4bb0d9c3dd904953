"""Recording questions with group commit (bot.batching): every reply waits for its own
commit, and a burst of questions shares transactions.

Each question must be committed before the attendee is answered (so a question the bot
promised to pass on cannot be lost); under a burst, questions that arrive while one batch
is being committed are written together in the next transaction.
"""

from __future__ import annotations

from bot.batching import Batcher
from bot.storage import NewQuestion, Store


class QuestionLog(Batcher[NewQuestion, int]):
    """Batches `record` calls into `Store.record_questions` transactions."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.record_questions, "question(s)")
        self.store = store

    async def record(self, question: NewQuestion) -> int:
        """Store the question and return its id once it is committed."""
        return await self.submit(question)
