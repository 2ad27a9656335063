"""Egress of a crawl: one enforcement point for every connection (``crawler.egress.proxy``), the
address classifier (``crawler.egress.addresses``), and how Chromium is kept behind it.

``egress_for(crawler)`` is the crawl's one ``Egress``: its policy (the network guard's allowlist,
replay, ``GUARD_ALLOW_PRIVATE``) and one local listener per upstream proxy (``None``: direct).
The Playwright handler (``crawler.playwright_handler``) launches Chromium behind it and gives every
browser context its listener; ``crawler.middlewares.guard.EgressRouteMiddleware`` sends plain Scrapy
requests through it.
"""
from __future__ import annotations

import logging

from crawler.egress.proxy import EgressProxy, Policy

logger = logging.getLogger(__name__)

# Chromium's own traffic, off in every mode: component updates, safe browsing, autofill, sync, GCM,
# network prediction and DNS prefetch, domain reliability, pings, field trials, media router
BACKGROUND_OFF_ARGS = [
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    "--dns-prefetch-disable", "--disable-default-apps", "--disable-breakpad", "--no-default-browser-check",
    "--metrics-recording-only", "--disable-field-trial-config", "--safebrowsing-disable-auto-update",
    # Chromium honours one --disable-features: Playwright's own list first (it would be overridden otherwise),
    # then the services that phone home
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,AimEnabled,PreconnectToSearch,"
    "AutofillServerCommunication,OptimizationHints,MediaRouter,NetworkPrediction,"
    "OptimizationGuideModelDownloading,OptimizationHintsFetching,Translate,InterestFeedContentSuggestions,"
    "CertificateTransparencyComponentUpdater,DialMediaRouteProvider,NetworkTimeServiceQuerying,"
    "SafeBrowsingEnhancedProtection,PrivacySandboxSettings4,AcceptCHFrame",
]
# Chromium resolves nothing itself: destinations go to the proxy by name; the proxy is an IP literal
NO_RESOLUTION_ARG = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def _merge_disable_features(args: list[str]) -> list[str]:
    """Chromium honours only the last --disable-features: merge them all into one."""
    features: list[str] = []
    out: list[str] = []
    for arg in args:
        if arg.startswith("--disable-features="):
            features += [f for f in arg.split("=", 1)[1].split(",") if f and f not in features]
        else:
            out.append(arg)
    if features:
        out.append("--disable-features=" + ",".join(features))
    return out


def launch_options(options: dict, proxy_url: str) -> dict:
    """Playwright launch options with Chromium behind ``proxy_url`` (loopback included: Playwright
    passes ``--proxy-bypass-list=<-loopback>``), background services off and no DNS of its own."""
    options = dict(options)
    args = [a for a in options.get("args") or [] if not a.startswith(("--proxy-server", "--proxy-bypass-list",
                                                                       "--host-resolver-rules", "--proxy-pac-url",
                                                                       "--no-proxy-server"))]
    args += [a for a in BACKGROUND_OFF_ARGS if a not in args] + [NO_RESOLUTION_ARG]
    options["args"] = _merge_disable_features(args)
    options["proxy"] = {"server": proxy_url, "bypass": "<-loopback>"}
    return options


class Egress:
    def __init__(self, policy: Policy):
        self.policy = policy
        self.proxies: dict[str | None, EgressProxy] = {}

    def proxy_for(self, upstream: str | None = None) -> EgressProxy:
        """The local listener for ``upstream`` (bound now, served once ``start()`` ran)."""
        proxy = self.proxies.get(upstream)
        if proxy is None:
            proxy = self.proxies[upstream] = EgressProxy(self.policy, upstream)
            proxy.bind()
        return proxy

    async def start(self) -> None:
        for proxy in list(self.proxies.values()):
            await proxy.start()

    async def close(self) -> None:
        for proxy in list(self.proxies.values()):
            await proxy.close()


def policy_from(crawler) -> Policy:
    from crawler.middlewares.guard import NetworkGuard

    settings = crawler.settings
    guard = settings.get("PLAYWRIGHT_ABORT_REQUEST")
    if not isinstance(guard, NetworkGuard):
        guard = NetworkGuard.for_spider(crawler.spidercls, settings)

    def host_refusal(host: str) -> str | None:  # read live: the spider adds its target hosts later
        return guard.refusal("http://%s/" % ("[%s]" % host if ":" in host else host))

    mode = str(settings.get("EGRESS_UPSTREAM_DNS") or "upstream").lower()
    return Policy(host_refusal=host_refusal, refuse_all=bool(settings.get("REPLAY_HAR")),
                  allow_private=settings.getbool("GUARD_ALLOW_PRIVATE"),
                  upstream_dns="local" if mode == "local" else "upstream", stats=crawler.stats)


def egress_for(crawler) -> Egress:
    egress = getattr(crawler, "_crawler_egress", None)
    if egress is None:
        egress = crawler._crawler_egress = Egress(policy_from(crawler))
        egress.proxy_for(None)
        for upstream in crawler.settings.getlist("PROXIES"):
            egress.proxy_for(upstream)
    return egress
