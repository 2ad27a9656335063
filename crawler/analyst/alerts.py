"""``-s ALERT_WEBHOOK=URL`` on a crawl: once the crawl has committed (its manifest in the store), what changed
since the spider's previous committed crawl is posted to the webhook (crawler.analyst.diff), as
``scrapy diff`` would. Off the reactor thread and bounded (ALERT_WEBHOOK_SECONDS plus one request timeout);
a webhook that fails is logged and counted (``alert/failed``), never the crawl's failure."""
from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

logger = logging.getLogger(__name__)


class WebhookAlerts:
    def __init__(self, crawler, url: str):
        self.crawler = crawler
        self.url = url

    @classmethod
    def from_crawler(cls, crawler):
        url = crawler.settings.get("ALERT_WEBHOOK")
        if not url:
            raise NotConfigured  # off unless asked for: nothing to say in the log
        ext = cls(crawler, url)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def _send(self, crawl_id: str) -> int:
        from crawler.analyst import diff
        from crawler.storage import writer_for

        settings = self.crawler.settings
        store = writer_for(self.crawler).store
        before, after = diff.choose(store, to_crawl=crawl_id)
        found = diff.changes(diff.side(store, before), diff.side(store, after))
        heading = "crawl %s (%s) since %s" % (crawl_id, after[0].get("spider"), before[0]["crawl_id"])
        diff.post_webhook(self.url, diff.slack_payload(found, heading, settings.getint("ALERT_MAX_LINES", 50)),
                          timeout=settings.getfloat("ALERT_WEBHOOK_TIMEOUT", 10.0),
                          attempts=settings.getint("ALERT_WEBHOOK_ATTEMPTS", 3),
                          max_seconds=settings.getfloat("ALERT_WEBHOOK_SECONDS", 30.0))
        return len(found)

    async def closed(self, spider=None, reason=None):
        stats = self.crawler.stats
        crawl_id = stats.get_value("crawl_id")
        if not stats.get_value("store/manifest") or not crawl_id:
            return  # nothing committed: nothing to compare
        try:
            sent = await maybe_deferred_to_future(threads.deferToThread(self._send, crawl_id))
        except ValueError as exc:  # no earlier crawl of this spider: nothing to say yet
            logger.info("alert: %s", exc)
        except Exception as exc:
            stats.inc_value("alert/failed")
            logger.warning("alert: webhook %s failed: %s", self.url.split("?")[0], exc)
        else:
            stats.set_value("alert/changes", sent)
            logger.info("alert: %d changes posted to %s", sent, self.url.split("?")[0])
