"""Per-user rate limits and one-time request nonces for the Mini App's API.

Why nonces: the same initData is valid for a whole Mini App session (up to 24 hours), so
a state-changing request captured on the way (a proxy log, a shared screenshot of devtools)
could be sent again. Every POST carries a fresh random nonce; a nonce seen before from the
same user within the initData lifetime is refused as a replay.
"""

from __future__ import annotations

from collections import OrderedDict, deque

from bot.web.initdata import MAX_AGE_SECONDS

MIN_NONCE, MAX_NONCE = 16, 64


class RateLimiter:
    """At most `limit` requests per `window` seconds per key (a sliding window)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[object, deque[float]] = {}

    def allow(self, key: object, now: float) -> bool:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 10_000:  # forget idle users so memory stays bounded
            for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                del self._hits[stale]
        return True


class NonceCache:
    """Nonces seen per user, remembered as long as the initData they came with is valid."""

    def __init__(self, ttl: float = MAX_AGE_SECONDS, capacity: int = 200_000) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._seen: OrderedDict[tuple[int, str], float] = OrderedDict()

    def use(self, user_id: int, nonce: object, now: float) -> bool:
        """True the first time a well-formed nonce is used; False for a replay or junk."""
        if not isinstance(nonce, str) or not MIN_NONCE <= len(nonce) <= MAX_NONCE:
            return False
        if not all(c.isalnum() or c in "-_" for c in nonce):
            return False
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if at > now - self.ttl and len(self._seen) < self.capacity:
                break
            del self._seen[oldest]
        key = (user_id, nonce)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
