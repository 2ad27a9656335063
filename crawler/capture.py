"""What a browser page keeps for extraction, and the sources of one page.

- ``watch(page, request, ...)`` (the spider's page init, before navigation): the main document as the
  server sent it (scripts may rewrite the DOM: a reviews app deleting the theme's JSON-LD), the JSON API
  answers the page fetches itself (the spider's ``api_patterns``), and on evidence pages the images it
  loads (``crawler.evidence``); on other pages the resource types the crawl does not load get an empty
  answer (a blank GIF for images: an aborted image fires ``onerror``, and a page whose handler swaps in
  a placeholder that is aborted too never reaches its load event). Pages are reused
  (``crawler.middlewares.pagepool``): the previous request's listener goes first.
- ``settle(page, response, scrolls, wait_ms)``: scroll list pages, wait for the captured answers.
- ``sources_of(response, crawl_id)``: the rendered page, the page as served, and the API answers, as
  ``(Page, origin)`` for ``crawler.extract.extract_sources``.
"""
from __future__ import annotations

import asyncio
import logging
import re

from scrapy.http import Response

from crawler.page import Page
from crawler.schema import utc_now

logger = logging.getLogger(__name__)

# a 1x1 transparent GIF: what a page gets for an image it may not load. An aborted image fires ``onerror``,
# and pages whose handler swaps in a placeholder that is aborted too never reach their load event.
_BLANK_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _empty_answer(blocked_types):
    async def answer(route, request) -> None:
        kind = request.resource_type
        if kind not in blocked_types:
            await route.fallback()
        elif kind == "image":
            await route.fulfill(status=200, content_type="image/gif", body=_BLANK_GIF)
        else:
            await route.fulfill(status=200, body=b"")
    return answer


async def watch(page, request, api_patterns, evidence=None, blocked_types=frozenset()) -> None:
    """Before navigation: keep what the page fetches (see the module docstring). ``evidence`` is the
    crawl's ``crawler.evidence.Capture`` when this page keeps evidence, else None."""
    previous = getattr(page, "_crawler_on_response", None)
    if previous is not None:
        page.remove_listener("response", previous)
    patterns = [re.compile(p) for p in api_patterns]
    documents: list = request.meta.setdefault("server_documents", [])
    captured: list = request.meta.setdefault("api_responses", [])
    pending: list = request.meta.setdefault("api_pending", [])
    images: list = request.meta.setdefault("evidence_images", [])
    if evidence is not None:
        await evidence.watch(page, request)
    else:  # asked before the handler's own route and the HAR's: blocked types get an empty answer
        await page.route("**", _empty_answer(blocked_types))

    async def keep(response, into: list) -> None:
        try:
            into.append((response.url, response.status, await response.body()))
        except Exception as exc:  # the page navigated on or closed first: nothing to keep
            logger.debug("response %s lost: %s", response.url, exc)

    def on_response(response) -> None:
        try:
            main = response.frame == page.main_frame and response.request.is_navigation_request()
        except Exception:  # a detached frame
            return
        if main and not 300 <= response.status < 400:
            pending.append(asyncio.ensure_future(keep(response, documents)))
        elif evidence is not None and response.request.resource_type == "image" and response.status == 200:
            evidence.keep_image(request, response, images, pending)
        elif any(p.search(response.url) for p in patterns):
            pending.append(asyncio.ensure_future(keep(response, captured)))

    page.on("response", on_response)
    page._crawler_on_response = on_response


async def settle(page, response: Response, scrolls: int, wait_ms: int) -> None:
    """Scroll a list page ``scrolls`` times (lazy results load), then wait for the captured answers."""
    for _ in range(scrolls if response.meta.get("role") in ("search", "account") else 0):
        await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        await page.wait_for_timeout(wait_ms)
    if response.meta.get("api_pending"):
        await asyncio.wait(response.meta["api_pending"], timeout=10)


def sources_of(response: Response, crawl_id: str) -> list[tuple[Page, str]]:
    """The rendered page, the same page as the server sent it, and the API answers it fetched."""
    ctype = response.headers.get("Content-Type", b"").decode("latin-1") or None
    served = [(url, body) for url, status, body in response.meta.get("server_documents") or []
              if 200 <= status < 300 and body and body != response.body
              and url.split("#")[0] == response.url.split("#")[0]][-1:]
    found = [(response.url, response.body, ctype, "page")]
    found += [(url, body, ctype, "served") for url, body in served]
    found += [(url, body, "application/json", "api") for url, status, body in
              response.meta.get("api_responses", []) if status == 200]
    return [(Page(url=url, body=body, content_type=content_type, fetched_at=utc_now(), crawl_id=crawl_id,
                  query=response.meta.get("query")), origin) for url, body, content_type, origin in found]
