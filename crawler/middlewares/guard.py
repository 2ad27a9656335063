"""The network guard: a crawl requests only its platform's domains and their CDNs, never a
private, loopback or link-local address (169.254.169.254 included).

One ``NetworkGuard`` serves both paths:
- plain Scrapy requests (targets, links, redirects) through ``NetworkGuardMiddleware``;
- every request a browser page makes, as scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``
  predicate, which also drops images, media and fonts (``BLOCKED_RESOURCE_TYPES``).

These are early, name-level checks (no DNS). Addresses are decided where connections are made:
every connection of the browser and of plain requests goes through the crawl's enforcing proxy
(``crawler.egress``), which resolves the name itself, refuses any address that is not public
unicast (IPv6 embeddings of IPv4 included) and connects to exactly the address it checked;
``EgressRouteMiddleware`` sends plain requests (and their redirect hops) through it.
``GUARD_EXTRA_DOMAINS`` adds domains; ``GUARD_ALLOW_PRIVATE`` exists only for tests
against a local server and is never on by default.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.egress.addresses import parse as parse_address, refused as refused_address

logger = logging.getLogger(__name__)

DEFAULT_BLOCKED_RESOURCE_TYPES = ("image", "media", "font")


class RefusedFinalUrl(IgnoreRequest):
    """A page whose redirect chain ended where the guard refuses: discarded, counted, logged once."""


def host_matches(host: str, domains: list[str] | tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_private(address: str) -> bool:
    """An IP literal that is not public unicast (any IPv6 embedding judged by the IPv4 it carries)."""
    ip = parse_address(address)
    return ip is not None and refused_address(ip) is not None


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

    def refusal_resolved(self, url: str) -> str | None:
        """Kept for callers of the old API: the same name-level check. Addresses are checked by the
        enforcing proxy at connect time (crawler.egress), never from a cached lookup."""
        return self.refusal(url)

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
        if guard is None or response.url == request.url:  # replay too: a HAR may hold a hop
            return response
        reason = guard.refusal(response.url)
        if reason:
            self.crawler.stats.inc_value("guard/refused_redirect")
            logger.error("%s: the page ended at %s, which the network guard refuses (%s); discarded",
                         request.url, response.url, reason)
            raise RefusedFinalUrl("network guard refused the final URL %s: %s" % (response.url, reason))
        return response


class EgressRouteMiddleware:
    """Plain Scrapy requests (no browser) go out through the crawl's enforcing proxy
    (``crawler.egress``), like the browser's: ``meta["proxy"]`` (a ``PROXIES`` proxy set by the
    contexts middleware, or one from the environment) becomes the local listener's upstream. A
    refusal by the proxy (marked with a per-crawl token, so no server can forge it) is an
    ``IgnoreRequest`` counted as ``guard/refused_egress``, never a 403 page taken for a block."""

    def __init__(self, crawler):
        from crawler.egress import egress_for

        self.crawler = crawler
        self.egress = egress_for(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _ours(self) -> set[str]:
        return {proxy.url for proxy in self.egress.proxies.values()}

    async def process_request(self, request, spider=None):
        if request.meta.get("playwright"):
            return None
        current = request.meta.get("proxy")
        if current and current in self._ours():
            return None
        listener = self.egress.proxy_for(current or None)
        await listener.start()
        request.meta["proxy"] = listener.url
        request.headers.pop(b"Proxy-Authorization", None)  # the listener authenticates upstream itself
        return None

    def process_response(self, request, response, spider=None):
        marker = self.egress.policy.marker
        if response.headers.get(b"X-Egress-Refused", b"").decode("latin-1") == marker:
            self.crawler.stats.inc_value("guard/refused_egress")
            raise IgnoreRequest("egress refused %s: %s" % (urlsplit(request.url).netloc,
                                                          response.text.strip()[:200] if response.body else ""))
        return response
