"""``-s REFRESH_AFTER=7d``: a crawl skips the detail pages (and so their evidence) of objects captured
within that time whose search card says nothing new (crawler.analyst.state).

A spider middleware: a search or account page yields each card, then the request that follows it to its
detail page (``meta["follows"] = (kind, id)``, crawler.middlewares.budget). A follow request is dropped
when the store's state says that object's detail page was captured at most REFRESH_AFTER ago and the card
matches what was captured then (title, text, prices, availability, condition); the card itself is kept.
Counted as ``refresh/skipped``. The state is brought up to date once, when the spider opens, from the
committed crawls of the store (``STORE_URI``). Unset or 0: nothing is skipped and the state is not read.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | None) -> float:
    """Seconds in ``7d``, ``12h``, ``30m``, ``90s``, ``2w`` or a plain number of seconds."""
    if text is None or str(text).strip() in ("", "0"):
        return 0.0
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", str(text))
    if not match:
        raise ValueError("a duration like 7d, 12h, 30m or 90s; got %r" % text)
    return float(match.group(1)) * UNITS[match.group(2) or "s"]


class RefreshMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler, after_s: float):
        super().__init__(crawler)
        self.after_s = after_s
        self.state = None
        self.since = ""
        self.cards: dict[tuple[str, str], dict] = {}

    @classmethod
    def from_crawler(cls, crawler):
        try:
            after = parse_duration(crawler.settings.get("REFRESH_AFTER"))
        except ValueError as exc:
            raise NotConfigured("REFRESH_AFTER: %s" % exc) from exc
        if not after:
            raise NotConfigured  # off unless asked for: nothing to say in the log
        mw = cls(crawler, after)
        crawler.signals.connect(mw.opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.closed, signal=signals.spider_closed)
        return mw

    def opened(self, spider=None) -> None:
        from crawler.analyst.state import refresh
        from crawler.storage import writer_for

        store = writer_for(self.crawler).store
        try:
            self.state = refresh(store)
        except Exception as exc:  # no state: nothing skipped, the crawl goes on
            logger.warning("REFRESH_AFTER: the store's state could not be read (%s); every detail page is fetched", exc)
            self.state = None
        self.since = (datetime.now(timezone.utc) - timedelta(seconds=self.after_s)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def closed(self, spider=None) -> None:
        if self.state is not None:
            self.state.close()

    def _keep(self, output: Any) -> bool:
        if isinstance(output, dict) and output.get("kind"):
            self.cards[(output["kind"], str(output.get("id")))] = output
            return True
        if isinstance(output, Request) and output.meta.get("follows") and self.state is not None:
            kind, id_ = output.meta["follows"]
            card = self.cards.pop((kind, str(id_)), None)
            if card is not None and self.state.unchanged_since(card, self.since):
                self.crawler.stats.inc_value("refresh/skipped")
                return False
        return True

    def process_spider_output(self, response, result, spider=None):
        self.cards.clear()
        for output in result:
            if self._keep(output):
                yield output
        self.cards.clear()

    async def process_spider_output_async(self, response, result, spider=None):
        self.cards.clear()
        async for output in result:
            if self._keep(output):
                yield output
        self.cards.clear()
