"""Shopify stores, on their own domains: product pages and the product JSON endpoints.

Every Shopify store lives on its own domain, so the network guard allows the hosts of the
``-a url=`` targets (``allow_target_hosts``) plus Shopify's CDNs; the parsers
(crawler/parsers/shopify.py) tell a Shopify page by its own markers, whatever the domain.

- product page (``-a url=https://<store>/products/<handle>``, also under ``/collections/<c>/``
  or a locale prefix) (browser): the record comes from the server HTML (JSON-LD ``Product`` /
  ``ProductGroup``, ``ShopifyAnalytics.meta``, the shop id and ``.myshopify.com`` handle); the
  browser is used because a detail page's evidence includes a full-page screenshot, and because
  stores behind a bot wall (Cloudflare and the like) let a browser through more often.
- product endpoint (``-a url=https://<store>/products/<handle>.js`` or ``.json``) (plain request):
  a JSON API; a browser would only wrap it in HTML. ``.js`` prices are cents, ``.json`` prices
  major units; neither names the currency unless the URL has ``?currency=XXX`` (else the price is null).

Server HTML first: the record is read from the product page AS SERVED (the main document's bytes,
captured in the browser), not from the DOM after the store's scripts ran. Store apps rewrite the page:
review apps (Trustoo, Judge.me ...) delete the theme's JSON-LD ``Product`` to put their own rating
in, themes re-render variant blocks. When the served HTML has nothing readable (a page built by
script, a bot wall), the rendered DOM is read instead. The evidence keeps the rendered DOM and the
screenshot (what a visitor saw).

Not supported: ``-a query`` and ``-a account``. Shopify has no marketplace search nor seller
page: every store is its own site. To crawl a store, give its product URLs (several, comma
separated); a brand-wide search belongs to the ``web`` spider's URL list or to the marketplaces.
"""
import asyncio
import logging
import re

from crawler.errors import ExtractionError
from crawler.extract import extract_page
from crawler.page import Page
from crawler.spider import PlatformSpider

logger = logging.getLogger(__name__)

# the product JSON endpoints: /products/<handle>.js and .json
PRODUCT_JSON = re.compile(r"/products/[^/?#]+\.js(?:on)?(?:[?#]|$)")


class ServerHtmlFirst:
    """Read a browser page from the main document's bytes as served (see the module docstring);
    the rendered DOM when those have nothing readable. Mixed in before PlatformSpider."""

    async def page_init(self, page, request) -> None:
        await super().page_init(page, request)
        previous = getattr(page, "_server_html_listener", None)
        if previous is not None:  # a pooled page: the previous request's listener goes first
            page.remove_listener("response", previous)
            page._server_html_listener = None
        documents: list = request.meta.setdefault("server_documents", [])
        pending: list = request.meta.setdefault("api_pending", [])  # awaited by parse_page

        async def keep(response) -> None:
            try:
                documents.append((response.url, response.status, await response.body()))
            except Exception as exc:  # the page navigated on or closed first
                logger.debug("document %s lost: %s", response.url, exc)

        def on_response(response) -> None:
            try:
                main = response.frame == page.main_frame and response.request.is_navigation_request()
            except Exception:  # a detached frame
                return
            if main and not 300 <= response.status < 400:
                pending.append(asyncio.ensure_future(keep(response)))

        page.on("response", on_response)
        page._server_html_listener = on_response

    def server_html(self, response) -> bytes | None:
        """The main document's bytes for the page's final URL (the last one, after client redirects)."""
        documents = [d for d in response.meta.get("server_documents") or [] if 200 <= d[1] < 300 and d[2]]
        same = [d for d in documents if d[0].split("#")[0] == response.url.split("#")[0]]
        return (same or documents or [(None, None, None)])[-1][2]

    def _readable(self, response, body: bytes) -> bool:
        page = Page(url=response.url, body=body, content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None)
        try:
            return bool(extract_page(page, self.platform).records)
        except ExtractionError:
            return False

    def records_of(self, response, screenshot):
        served = self.server_html(response) if response.meta.get("playwright") else None
        if served and served != response.body and self._readable(response, served):
            response.meta["rendered_body"] = response.body
            response = response.replace(body=served, encoding=None)
        yield from super().records_of(response, screenshot)

    def keep_evidence(self, response, screenshot):
        rendered = response.meta.pop("rendered_body", None)
        if rendered is not None:  # the evidence is what the visitor's browser showed
            response = response.replace(body=rendered, encoding=None)
        return super().keep_evidence(response, screenshot)


class ShopifySpider(ServerHtmlFirst, PlatformSpider):
    name = platform = "shopify"
    allowed_domains = ["myshopify.com"]  # a store's own domain comes from its -a url= targets
    allow_target_hosts = True
    # theme assets and images, the storefront scripts (shopifycloud), analytics (monorail)
    cdn_domains = ["cdn.shopify.com", "shopifycdn.net", "shopifysvc.com", "shopifycloud.com"]
    plain_pages = PRODUCT_JSON.pattern  # the product JSON endpoints: a browser would only wrap them in HTML
