"""The base of every platform spider: take targets, fetch them, run the platform's parser.

``scrapy crawl <platform> -a url=URL[,URL...]`` fetches each URL and turns the
response into records through ``crawler.extract`` (the same path as
``scrapy extract``). Blocked pages are counted in stats as ``blocked/<reason>``.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.errors import BlockedPage, ExtractionError
from crawler.extract import extract
from crawler.page import Page
from crawler.records import to_dict
from crawler.schema import utc_now


class PlatformSpider(scrapy.Spider):
    platform: str = ""

    def __init__(self, url: str = "", query: str | None = None, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.target_urls = [u.strip() for u in url.split(",") if u.strip()]
        self.query = query

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.target_urls:
            raise ValueError("%s: give -a url=URL[,URL...]" % self.name)
        for url in self.target_urls:
            yield scrapy.Request(url, callback=self.parse_page, dont_filter=True)

    def parse_page(self, response: Response):
        stats = self.crawler.stats
        page = Page(
            url=response.url, body=response.body,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            fetched_at=utc_now(), crawl_id=stats.get_value("crawl_id") or self.crawl_id, query=self.query,
        )
        try:
            records = extract(page, self.platform)
        except BlockedPage as exc:
            stats.inc_value("blocked/%s" % exc.reason)
            self.logger.warning("%s: %s", response.url, exc)
            return
        except ExtractionError as exc:
            stats.inc_value("extract/error")
            self.logger.error("%s: %s", response.url, exc)
            return
        for record in records:
            stats.inc_value("records/%s" % record.kind)
            yield to_dict(record)

    @property
    def crawl_id(self) -> str:
        if not hasattr(self, "_crawl_id"):
            import uuid

            self._crawl_id = uuid.uuid4().hex[:16]
        return self._crawl_id
