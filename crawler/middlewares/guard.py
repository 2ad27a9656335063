"""The network guard: a crawl requests only its platform's domains and their CDNs, never a
private, loopback or link-local address (169.254.169.254 included).

One ``NetworkGuard`` serves both paths:
- plain Scrapy requests (targets, links, redirects) through ``NetworkGuardMiddleware``;
- every request a browser page makes, as scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``
  predicate, which also drops images, media and fonts (``BLOCKED_RESOURCE_TYPES``).

Hostnames are resolved (cached) and refused when any address is not global.
``GUARD_EXTRA_DOMAINS`` adds domains; ``GUARD_ALLOW_PRIVATE`` exists only for tests
against a local server and is never on by default.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

DEFAULT_BLOCKED_RESOURCE_TYPES = ("image", "media", "font")


class RefusedFinalUrl(IgnoreRequest):
    """A page whose redirect chain ended where the guard refuses: discarded, counted, logged once."""


def host_matches(host: str, domains: list[str] | tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_private(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return not ip.is_global or ip.is_multicast


class NetworkGuard:
    def __init__(self, domains, blocked_resource_types=DEFAULT_BLOCKED_RESOURCE_TYPES, allow_private=False,
                 resolve=True, stats=None, replay=False):
        self.domains = tuple(d.lower().lstrip(".") for d in domains)
        self.blocked_resource_types = frozenset(blocked_resource_types)
        self.allow_private = allow_private
        self.resolve = resolve
        self.stats = stats
        # in replay the HAR routes answer every browser request first; one that reaches the guard
        # means that routing failed, and it must not go to the network
        self.replay = replay
        self._resolved: dict[str, bool] = {}

    @classmethod
    def for_spider(cls, spidercls, settings) -> NetworkGuard:
        """The guard of a crawl: the spider's domains and CDNs (plus ``GUARD_EXTRA_DOMAINS``), the
        resource types it does not load, and whether the crawl replays a HAR."""
        blocked = spidercls.blocked_resource_types
        if blocked is None:
            blocked = tuple(settings.getlist("BLOCKED_RESOURCE_TYPES"))
        replay = bool(settings.get("REPLAY_HAR"))
        return cls(list(spidercls.allowed_domains) + list(spidercls.cdn_domains) + settings.getlist("GUARD_EXTRA_DOMAINS"),
                   blocked_resource_types=blocked, allow_private=settings.getbool("GUARD_ALLOW_PRIVATE"),
                   resolve=not replay, replay=replay)

    def refusal(self, url: str) -> str | None:
        """Why ``url`` may not be requested (without DNS), or None."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return None
        if parts.scheme not in ("http", "https"):
            return "scheme %s" % parts.scheme
        host = (parts.hostname or "").lower()
        if not host:
            return "no host"
        if host == "localhost" or host.endswith(".localhost") or _is_private(host):
            return None if self.allow_private else "private address %s" % host
        if not host_matches(host, self.domains):
            return "host %s is not a domain of this platform" % host
        return None

    def _private_by_dns(self, host: str, infos) -> bool:
        private = any(_is_private(info[4][0]) for info in infos)
        self._resolved[host] = private
        return private

    def dns_refusal(self, host: str, infos) -> str | None:
        if not self.allow_private and self._private_by_dns(host, infos):
            return "%s resolves to a private address" % host
        return None

    def refusal_resolved(self, url: str) -> str | None:
        """``refusal`` plus a blocking DNS check (plain requests)."""
        reason = self.refusal(url)
        if reason or not self.resolve or self.allow_private:
            return reason
        host = urlsplit(url).hostname or ""
        if host in self._resolved:
            return "%s resolves to a private address" % host if self._resolved[host] else None
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return None  # unresolvable: the fetch itself will fail; nothing private was reached
        return self.dns_refusal(host, infos)

    async def __call__(self, request) -> bool:
        """PLAYWRIGHT_ABORT_REQUEST: True aborts the browser's request."""
        if self.replay:
            logger.error("replay: %s reached the network path; aborted (the HAR routing failed)", request.url)
            if self.stats:
                self.stats.inc_value("replay/refused_live")
            return True
        if request.resource_type in self.blocked_resource_types:
            return True
        reason = self.refusal(request.url)
        if reason is None and self.resolve and not self.allow_private:
            host = urlsplit(request.url).hostname or ""
            if host in self._resolved:
                reason = "%s resolves to a private address" % host if self._resolved[host] else None
            else:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(host, None)
                except OSError:
                    infos = []
                reason = self.dns_refusal(host, infos)
        if reason:
            logger.warning("network guard: browser request to %s refused (%s)", request.url, reason)
            if self.stats:
                self.stats.inc_value("guard/refused")
            return True
        return False


class NetworkGuardMiddleware:
    """Refuses plain requests (targets, links, redirects) the guard does not allow, and any response
    whose final URL it does not allow (a browser's redirect chain is not seen by its routes: the page
    that ends somewhere refused is discarded, counted as ``guard/refused_redirect``)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        guard: NetworkGuard | None = getattr(spider, "network_guard", None)
        if guard is None:
            return None
        reason = guard.refusal_resolved(request.url)
        if reason:
            self.crawler.stats.inc_value("guard/refused")
            raise IgnoreRequest("network guard refused %s: %s" % (request.url, reason))
        return None

    def process_response(self, request, response, spider=None):
        spider = spider or self.crawler.spider
        guard: NetworkGuard | None = getattr(spider, "network_guard", None)
        if guard is None or guard.replay or response.url == request.url:
            return response
        reason = guard.refusal(response.url)
        if reason:
            self.crawler.stats.inc_value("guard/refused_redirect")
            logger.error("%s: the page ended at %s, which the network guard refuses (%s); discarded",
                         request.url, response.url, reason)
            raise RefusedFinalUrl("network guard refused the final URL %s: %s" % (response.url, reason))
        return response
