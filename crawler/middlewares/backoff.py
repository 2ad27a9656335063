"""Wait before a retried request: exponential backoff with jitter, bounded.

Spiders retry a blocked page with ``meta["backoff_attempt"] = n``; this middleware
sleeps ``min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2**(n-1)) * uniform(0.5, 1)`` before
sending it (only that request waits, the crawl goes on).
"""
from __future__ import annotations

import asyncio
import random


class BackoffMiddleware:
    def __init__(self, base: float, maximum: float):
        self.base, self.maximum = base, maximum

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getfloat("BACKOFF_BASE_S", 2.0), crawler.settings.getfloat("BACKOFF_MAX_S", 60.0))

    def delay(self, attempt: int) -> float:
        return min(self.maximum, self.base * 2 ** max(0, attempt - 1)) * random.uniform(0.5, 1.0)

    async def process_request(self, request, spider=None):
        attempt = request.meta.get("backoff_attempt")
        if attempt:
            await asyncio.sleep(self.delay(attempt))
        return None
