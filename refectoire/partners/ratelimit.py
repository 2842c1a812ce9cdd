"""A fixed-window counter per key in Django's cache: shared by every process on the database cache
or Redis (`CACHE_URL`), as the login limits are."""

import time

from django.core.cache import cache


def rate_limit_wait(*, key: str, limit: int, period: int) -> int | None:
    """Counts one hit of `key`; None while within `limit` hits per `period` seconds, else the
    seconds to wait until the window ends (for `Retry-After`)."""
    now = time.time()
    window = int(now // period)
    cache_key = f"refectoire:api-rate:{key}:{window}"
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 5)
        count = 1
    if count <= limit:
        return None
    return max(int((window + 1) * period - now) + 1, 1)
