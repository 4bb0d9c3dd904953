"""Recently decided questions: `Answerer.decide`'s outcome, remembered for a minute.

Why: at an event many attendees send the very same words ("wifi password", "where is
lunch") within minutes, and matching plus rendering is the bot's most expensive work per
message. The outcome of a question depends only on its text, the language, the content
snapshot and the conference clock to the minute (sessions start and end on whole
minutes), so that is the cache key: a cached answer is exactly what a fresh one would be.
A /reload brings a new Answerer, which empties the cache.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.answering.decide import Answered, Answerer

DEFAULT_SIZE = 4096


class RecentAnswers:
    """A small LRU of `Answered` by (question, language, clock minute) for one Answerer."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._owner: Answerer | None = None
        self._entries: OrderedDict[tuple[str, str, object], Answered] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def answer(self, answerer: Answerer, question: str, language: str) -> Answered:
        if answerer is not self._owner:
            self._entries.clear()
            self._owner = answerer
        minute = answerer.clock.now().replace(second=0, microsecond=0)
        key = (question, language, minute)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        result = answerer.decide(question, language)
        self._entries[key] = result
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return result
