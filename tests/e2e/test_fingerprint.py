"""One browser identity: a fingerprint page on 127.0.0.1, crawled by `scrapy crawl web` as a user runs it,
reports what the page's scripts see (navigator, userAgentData, a worker's navigator, Intl) and the server
logs what the requests said (User-Agent, client hints, Accept-Language), for a browser page and for a plain
(non-browser) request of the same crawl. Every value must agree with the others and with the real browser
version, and nothing may say "Headless". Run for the system Chromium and for Playwright's own (when it is
installed). One crawl per browser, about 5 s each."""
from __future__ import annotations

import json
import time

import pytest

from crawler.browser import browser_version, playwright_browser, system_browser
from tests.e2e.harness import crawl
from tests.e2e.server import LocalServer

PRODUCT = {"@context": "https://schema.org", "@type": "Product", "name": "Fingerprint Mug", "sku": "FP-1",
           "offers": {"@type": "Offer", "price": "9.50", "priceCurrency": "USD"}}

PAGE = """<!doctype html><html><head><title>Fingerprint Mug</title>
<script type="application/ld+json">%s</script></head><body><h1>Fingerprint Mug</h1><p>A mug for tests, nine fifty.</p>
<script>
function report(kind, data) {
  var x = new XMLHttpRequest(); x.open("POST", "/report/" + kind, false); x.send(JSON.stringify(data));
}
var d = navigator.userAgentData;
report("page", {ua: navigator.userAgent, appVersion: navigator.appVersion, webdriver: navigator.webdriver,
  platform: navigator.platform, languages: navigator.languages, language: navigator.language,
  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, brands: d && d.brands, mobile: d && d.mobile,
  uaPlatform: d && d.platform});
if (d) d.getHighEntropyValues(["uaFullVersion", "fullVersionList", "platform"]).then(function (h) {
  fetch("/report/high", {method: "POST", body: JSON.stringify(h), keepalive: true}); });
var w = new Worker(URL.createObjectURL(new Blob(["postMessage([navigator.userAgent, navigator.languages])"])));
w.onmessage = function (e) {
  fetch("/report/worker", {method: "POST", body: JSON.stringify({ua: e.data[0], languages: e.data[1]}), keepalive: true}); };
</script></body></html>""" % json.dumps(PRODUCT)

BROWSERS = {"system": system_browser, "playwright": lambda: playwright_browser(full_only=True) or playwright_browser()}


class FingerprintServer(LocalServer):
    """Also keeps the bodies the page POSTs to /report/<kind>."""

    def __init__(self):
        super().__init__({"/fp": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.encode()),
                          # a URL the spider fetches without the browser (crawler.spider.API_URL)
                          "/api/fp": (200, {"Content-Type": "text/html; charset=utf-8"},
                                      PAGE.replace('"FP-1"', '"FP-2"').encode()),
                          "/report/page": (204, {}, b""), "/report/high": (204, {}, b""),
                          "/report/worker": (204, {}, b"")})
        self.reports: dict[str, dict] = {}
        handler = self.httpd.RequestHandlerClass
        serve, reports = handler._serve, self.reports

        def _serve(request):
            if request.path.startswith("/report/"):
                length = int(request.headers.get("Content-Length") or 0)
                reports[request.path.rsplit("/", 1)[1]] = json.loads(request.rfile.read(length) or b"null")
                if length:  # read here: the plain server must not read it again
                    request.headers.replace_header("Content-Length", "0")
            serve(request)

        handler._serve = handler.do_GET = handler.do_POST = handler.do_HEAD = _serve


def _brands(header: str) -> list[tuple[str, str]]:
    return [tuple(part.strip().strip('"') for part in item.split(";v=")) for item in header.split(", ")]


@pytest.mark.parametrize("which", sorted(BROWSERS))
def test_one_identity_everywhere(which, tmp_path):
    executable = BROWSERS[which]()
    if not executable:
        pytest.skip("no %s Chromium installed here" % which)
    version = browser_version(executable)
    major = version.split(".")[0]
    with FingerprintServer() as server:
        result = crawl("web", None, tmp_path, own_browser=True, url="%s/fp,%s/api/fp" % (server.url, server.url),
                       settings={"GUARD_ALLOW_PRIVATE": "True", "BROWSER_EXECUTABLE_PATH": executable,
                                 "BROWSER_LOCALE": "de-DE", "BROWSER_TIMEZONE": "Europe/Berlin",
                                 "POLITENESS_ENABLED": "False"})
        deadline = time.monotonic() + 10
        while len(server.reports) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        requests = {url.split(server.url, 1)[1]: {k.lower(): v for k, v in headers.items()}
                    for _m, url, headers in server.requests}
        reports = dict(server.reports)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.one("listing", "FP-1") and result.one("listing", "FP-2")  # a normal crawl: both pages read
    page, high, worker = reports["page"], reports["high"], reports["worker"]
    browser_headers, plain_headers = requests["/fp"], requests["/api/fp"]
    ua = browser_headers["user-agent"]

    # the User-Agent: the real version, as a headed Chromium says it, the same everywhere
    assert ua == "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s.0.0.0 " \
                 "Safari/537.36" % major
    assert page["ua"] == worker["ua"] == plain_headers["user-agent"] == ua
    assert page["appVersion"] == ua.split("Mozilla/", 1)[1]
    # client hints: the header and navigator.userAgentData name the same brands, the same version
    brands = _brands(browser_headers["sec-ch-ua"])
    assert ("Chromium", major) in brands
    assert brands == [(b["brand"], b["version"]) for b in page["brands"]]
    assert _brands(plain_headers["sec-ch-ua"]) == brands
    assert browser_headers["sec-ch-ua-platform"] == plain_headers["sec-ch-ua-platform"] == '"Linux"'
    assert page["uaPlatform"] == high["platform"] == "Linux" and page["platform"] == "Linux x86_64"
    assert browser_headers["sec-ch-ua-mobile"] == plain_headers["sec-ch-ua-mobile"] == "?0" and page["mobile"] is False
    assert high["uaFullVersion"] == version
    assert ("Chromium", version) in [(b["brand"], b["version"]) for b in high["fullVersionList"]]
    # not automated, one language, one time zone
    assert page["webdriver"] is False
    assert page["languages"] == worker["languages"] == ["de-DE"] and page["language"] == "de-DE"
    assert browser_headers["accept-language"] == plain_headers["accept-language"] == "de-DE"
    assert page["timezone"] == "Europe/Berlin"
    everything = json.dumps([reports, browser_headers, plain_headers])
    assert "headless" not in everything.lower()
