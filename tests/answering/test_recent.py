"""bot.answering.recent: a decided question is remembered exactly for its clock minute."""

from __future__ import annotations

from datetime import timedelta

from bot.answering import Answerer
from bot.answering.recent import RecentAnswers
from tests.harness import NOW


def test_answer_cache_is_exact_per_minute(sample_answerer: Answerer):
    cache = RecentAnswers(size=2)
    clock = sample_answerer.clock
    clock.set(NOW)
    first = cache.answer(sample_answerer, "what's on now", "en")
    assert cache.answer(sample_answerer, "what's on now", "en") is first
    assert (cache.hits, cache.misses) == (1, 1)
    clock.set(NOW + timedelta(minutes=1))
    later = cache.answer(sample_answerer, "what's on now", "en")
    assert later is not first and cache.misses == 2
    cache.answer(sample_answerer, "wifi", "en")
    cache.answer(sample_answerer, "parking", "en")  # size 2: the oldest goes
    assert len(cache._entries) == 2
    clock.set(NOW)
