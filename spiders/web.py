"""Any other store: a product page read through its schema.org ``Product`` JSON-LD (detail only).

The fallback for stores no platform spider knows (crawler/parsers/web.py): give the product
pages' URLs (``-a url=https://<store>/<product page>[,...]``). The network guard allows the hosts
of those targets (``allow_target_hosts``) and nothing else: third-party CDNs, trackers and
widgets a store page loads are refused (the JSON-LD is in the server HTML, so nothing is lost);
add domains with ``-s GUARD_EXTRA_DOMAINS=cdn.example.net`` if a store renders its product
client-side from its own CDN.

- product page (browser): the record comes from the JSON-LD ``Product``/``ProductGroup`` in the
  page as served (the main document's bytes: store apps delete or rewrite JSON-LD once their
  scripts run; the rendered DOM is read only when the served HTML has no readable product, e.g. a
  store that writes its JSON-LD from script); the browser is used because a detail page's evidence includes a full-page
  screenshot, and because many stores sit behind bot walls that let browsers through.

Not supported: ``-a query`` and ``-a account`` (a generic store has no known search or seller
page); ``-a url=`` only.
"""
from crawler.spider import PlatformSpider


class WebSpider(PlatformSpider):
    name = platform = "web"
    allowed_domains = []  # every store's own domain comes from its -a url= targets
    allow_target_hosts = True
