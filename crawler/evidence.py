"""Evidence of what a page showed: its HTML, a screenshot taken once its product images loaded, and
those images, content-addressed in the store.

Which pages keep evidence: detail pages (``url`` and ``detail`` roles), and search pages too with
``EVIDENCE_SEARCH_PAGES=True``; the spider marks them ``meta["evidence"] = True``. On such a page:

- images load (every other page keeps blocking them, crawler.middlewares.guard): ``image_route``
  lets image requests through the network guard's other checks (domains, private addresses) within a
  byte budget (``EVIDENCE_IMAGE_BYTES``), a count (``EVIDENCE_IMAGE_REQUESTS``) and a time budget from the
  start of the navigation (``EVIDENCE_IMAGE_MS``); in replay the HAR answers them, or nothing does;
- the screenshot waits (at most ``EVIDENCE_IMAGE_MS``) until the page's images are complete, and is
  a JPEG (``EVIDENCE_SCREENSHOT_QUALITY``) of at most ``EVIDENCE_SCREENSHOT_MAX_HEIGHT`` CSS pixels;
- the main product images (the largest rendered ones, ``EVIDENCE_MAX_IMAGES``) are kept with the page.

The spider only captures (``capture``) and hands a ``PageEvidence`` to its records in the transient
field ``EVIDENCE_FIELD``; the item pipeline (crawler.pipelines.StorePipeline) writes it through the
crawl's writer (``EvidenceWriter``) and removes the field before the record is written, exported or
counted, as Scrapy's FilesPipeline does with files. Stored, all under ``evidence/sha256/``:

- ``<sha256 of the HTML>.html``, ``<sha256 of the screenshot>.jpg``, ``<sha256 of each image>.<ext>``;
- ``<sha256 of the HTML>.json`` (rendered pages): the page's evidence index: the screenshot's and images' keys, each
  image's URL, size, SHA-256 and perceptual hash (``imagehash.phash``, 64 bits as 16 hex digits: the
  same photo re-encoded or resized by another seller is a few bits apart).

A record's ``evidence`` (crawler.schema.Evidence) names the HTML, the screenshot and the HTML's
SHA-256, which also names the index.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import io
import json
import logging
import time
from dataclasses import dataclass, field

from crawler.schema import Evidence, utc_now
from crawler.storage import evidence_key

logger = logging.getLogger(__name__)

EVIDENCE_FIELD = "_evidence"  # transient field of a record: taken off by the pipeline

_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif"}

# the main product images: the largest rendered images of the page, by rendered area
_MAIN_IMAGES_JS = """(limit) => {
  const seen = new Set(), found = [];
  for (const img of document.images) {
    const r = img.getBoundingClientRect(), src = img.currentSrc || img.src;
    if (!src || seen.has(src) || !img.complete || img.naturalWidth < 64 || r.width * r.height < 64 * 64) continue;
    seen.add(src);
    found.push({src, area: r.width * r.height, top: r.top + window.scrollY});
  }
  found.sort((a, b) => b.area - a.area || a.top - b.top);
  return found.slice(0, limit).map(f => f.src);
}"""
_IMAGES_DONE_JS = "() => Array.from(document.images).every(i => i.complete)"
_PAGE_HEIGHT_JS = "() => Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"


@dataclass
class Budget:
    """How many image bytes and requests an evidence page may still load, and until when."""
    max_bytes: int
    max_requests: int
    deadline: float
    spent_bytes: int = 0
    requests: int = 0

    def take(self) -> bool:
        if self.requests >= self.max_requests or self.spent_bytes >= self.max_bytes or time.monotonic() > self.deadline:
            return False
        self.requests += 1
        return True


@dataclass
class PageEvidence:
    """What one page keeps: the bytes, and the keys its records refer to (computed here, written by the pipeline)."""
    url: str
    html: bytes
    screenshot: bytes | None = None
    images: list[tuple[str, str, bytes]] = field(default_factory=list)  # (url, content type, bytes)
    captured_at: str = field(default_factory=utc_now)
    capture_ms: float = 0.0

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.html).hexdigest()

    @property
    def html_key(self) -> str:
        return evidence_key(self.sha256, "html")

    @property
    def screenshot_key(self) -> str | None:
        return evidence_key(hashlib.sha256(self.screenshot).hexdigest(), "jpg") if self.screenshot else None

    @property
    def index_key(self) -> str:
        return evidence_key(self.sha256, "json")

    def schema(self) -> Evidence:
        return Evidence(html_key=self.html_key, screenshot_key=self.screenshot_key, sha256=self.sha256,
                        captured_at=self.captured_at)

    @property
    def size(self) -> int:
        return len(self.html) + len(self.screenshot or b"") + sum(len(body) for _u, _t, body in self.images)


def image_hashes(body: bytes) -> dict | None:
    """SHA-256, perceptual hash and pixel size of an image; None when it cannot be decoded."""
    import imagehash
    from PIL import Image

    try:
        with Image.open(io.BytesIO(body)) as image:
            image.load()
            return {"sha256": hashlib.sha256(body).hexdigest(), "phash": str(imagehash.phash(image)),
                    "width": image.width, "height": image.height}
    except Exception as exc:  # not an image Pillow reads (SVG, truncated ...)
        logger.debug("image not decoded: %s", exc)
        return None


class EvidenceWriter:
    """Writes a page's evidence through the crawl's writer (crawler.storage.spool.Writer), once per content."""

    def __init__(self, writer, stats=None):
        self.writer = writer
        self.stats = stats
        self.written: set[str] = set()  # index keys written in this crawl: a page's records share one evidence

    def write(self, evidence: PageEvidence) -> None:
        from crawler.redact import redact_url  # URLs in the index lose signing and session tokens, as records do

        if evidence.index_key in self.written:
            return
        self.written.add(evidence.index_key)
        self.writer.put_object(evidence.html_key, evidence.html)
        if evidence.screenshot:
            self.writer.put_object(evidence.screenshot_key, evidence.screenshot)
        images = []
        for url, content_type, body in evidence.images:
            hashes = image_hashes(body)
            if hashes is None:
                continue
            key = evidence_key(hashes["sha256"], _EXT.get(content_type.split(";")[0].strip(), "img"))
            self.writer.put_object(key, body)
            images.append({"url": redact_url(url), "key": key, "bytes": len(body), **hashes})
        if evidence.screenshot or images:  # a plain page's evidence is its HTML alone: no index
            index = {"url": redact_url(evidence.url), "captured_at": evidence.captured_at, "html_key": evidence.html_key,
                     "screenshot_key": evidence.screenshot_key, "images": images}
            self.writer.put_object(evidence.index_key, json.dumps(index, sort_keys=True).encode())
        if self.stats is not None:
            self.stats.inc_value("evidence/pages")
            self.stats.inc_value("evidence/images", len(images))
            self.stats.inc_value("evidence/bytes", evidence.size)
            self.stats.inc_value("evidence/capture_ms", int(evidence.capture_ms))


class Capture:
    """The evidence side of a browser page, configured once per crawl from the settings."""

    def __init__(self, settings, guard=None, stats=None):
        self.enabled = settings.getbool("EVIDENCE_ENABLED", True)
        self.search_pages = settings.getbool("EVIDENCE_SEARCH_PAGES", False)
        self.image_bytes = settings.getint("EVIDENCE_IMAGE_BYTES", 4_000_000)
        self.image_requests = settings.getint("EVIDENCE_IMAGE_REQUESTS", 40)
        self.image_ms = settings.getint("EVIDENCE_IMAGE_MS", 8_000)
        self.max_images = settings.getint("EVIDENCE_MAX_IMAGES", 4)
        self.max_height = settings.getint("EVIDENCE_SCREENSHOT_MAX_HEIGHT", 4_000)
        self.quality = settings.getint("EVIDENCE_SCREENSHOT_QUALITY", 70)
        self.timeout_ms = settings.getint("EVIDENCE_SCREENSHOT_TIMEOUT_MS", 30_000)
        self.replay = bool(settings.get("REPLAY_HAR"))
        self.guard = guard
        self._image_guard = None
        self.stats = stats

    async def guard_allows(self, pw_request) -> bool:
        """The network guard's verdict on an image, its resource-type rule aside (domains, CDNs, private
        addresses and DNS still apply)."""
        if self.guard is None:
            return False
        if self._image_guard is None:
            self._image_guard = copy.copy(self.guard)  # shares the guard's DNS cache and domains
            self._image_guard.blocked_resource_types = frozenset()
        return not await self._image_guard(pw_request)

    def keeps(self, role: str) -> bool:
        """Whether a page of this role keeps evidence."""
        return self.enabled and (role in ("url", "detail") or (self.search_pages and role == "search"))

    async def watch(self, page, request) -> None:
        """Before navigation (the spider's page init): let this page's images load within the budget."""
        budget = Budget(self.image_bytes, self.image_requests, time.monotonic() + self.image_ms / 1000)
        request.meta["evidence_budget"] = budget

        async def route_image(route, pw_request):
            if pw_request.resource_type != "image":
                await route.fallback()
                return
            if not budget.take():
                if self.stats is not None:
                    self.stats.inc_value("evidence/images_over_budget")
                await route.abort()
            elif self.replay:
                await route.fallback()  # the HAR answers it, or aborts it: never the network
            elif await self.guard_allows(pw_request):
                await route.continue_()
            else:
                await route.abort()

        await page.route("**", route_image)  # registered last: asked first (scrapy-playwright unroutes "**" per request)

    def keep_image(self, request, response, into: list, pending: list) -> None:
        """A loaded image of an evidence page (counted against the byte budget)."""
        budget: Budget | None = request.meta.get("evidence_budget")

        async def keep():
            try:
                body = await response.body()
            except Exception:  # the page moved on
                return
            if budget is not None:
                budget.spent_bytes += len(body)
            into.append((response.url, response.headers.get("content-type", ""), body))

        pending.append(asyncio.ensure_future(keep()))

    async def capture(self, page, response, image_bodies: list) -> PageEvidence:
        """After the callback's own waiting: images complete, then the screenshot, then the main images."""
        started = time.monotonic()
        try:
            await page.wait_for_function(_IMAGES_DONE_JS, timeout=self.image_ms)
        except Exception:
            if self.stats is not None:
                self.stats.inc_value("evidence/images_timeout")
        evidence = PageEvidence(url=response.url, html=response.body)
        evidence.screenshot = await self.screenshot(page, response.url)
        try:
            main = await page.evaluate(_MAIN_IMAGES_JS, self.max_images)
        except Exception:
            main = []
        by_url = {url: (url, ctype, body) for url, ctype, body in image_bodies if body}
        evidence.images = [by_url[src] for src in main if src in by_url]
        evidence.capture_ms = (time.monotonic() - started) * 1000
        return evidence

    async def screenshot(self, page, url: str) -> bytes | None:
        """A JPEG of the page from its top, at most ``max_height`` CSS pixels. Best effort: a page whose
        screenshot fails keeps its records and HTML evidence."""
        try:
            width = (page.viewport_size or {}).get("width") or 1280
            height = min(int(await page.evaluate(_PAGE_HEIGHT_JS) or 1), self.max_height)
            return await page.screenshot(full_page=True, type="jpeg", quality=self.quality, timeout=self.timeout_ms,
                                         clip={"x": 0, "y": 0, "width": width, "height": max(height, 1)})
        except Exception as exc:
            if self.stats is not None:
                self.stats.inc_value("evidence/screenshot_failed")
            logger.warning("%s: no screenshot (%s)", url, str(exc).splitlines()[0] if str(exc) else exc)
            return None
