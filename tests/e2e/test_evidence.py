"""Evidence that shows what was sold: a replayed Amazon detail page whose product image loads (images stay
blocked elsewhere), a JPEG screenshot taken after it loaded, and the image itself in the store with its
SHA-256 and perceptual hash. One crawl (about 6 s)."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import imagehash
import numpy
from PIL import Image

from crawler.har import entry, write_har
from tests.e2e.harness import crawl
from tests.support import PAGES

URL = "https://www.amazon.com/gp/product/B0FAKEUS02?th=1"
IMAGE_URL = "https://m.media-amazon.com/images/I/61FakeUs1cL.__AC_SX300_SY300_QL70_ML2_.jpg"
GREEN = (20, 200, 90)


def _product_image() -> bytes:
    image = Image.new("RGB", (300, 300), GREEN)
    for x in range(0, 300, 60):  # some structure for the perceptual hash
        for y in range(0, 300, 60):
            if (x + y) // 60 % 2:
                image.paste((240, 240, 240), (x, y, x + 30, y + 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def _evidence_object(store: Path, key: str) -> bytes:
    found = list(store.rglob(Path(key).name))
    assert found, "%s not in the store %s" % (key, store)
    return found[0].read_bytes()


def test_detail_page_evidence_shows_and_stores_the_product_image(tmp_path):
    photo = _product_image()
    page = (PAGES / "amazon" / "product_com_B0FAKEUS02.html").read_bytes()
    har = write_har([entry(URL, page), entry(IMAGE_URL, photo, "image/jpeg")], tmp_path / "flow.har")
    result = crawl("amazon", har, tmp_path, url=URL)
    assert result.returncode == 0, result.stderr[-3000:]
    listing = result.one("listing", "B0FAKEUS02")
    evidence = listing["evidence"]
    assert "_evidence" not in listing  # the transient field never reaches the export
    assert evidence["screenshot_key"].endswith(".jpg") and evidence["html_key"].endswith(".html")
    store = tmp_path / "store"

    shot = Image.open(io.BytesIO(_evidence_object(store, evidence["screenshot_key"])))
    assert shot.format == "JPEG" and shot.height <= 4000
    pixels = numpy.asarray(shot.convert("RGB"), dtype=int)
    greens = int((numpy.abs(pixels - numpy.array(GREEN)) < 30).all(axis=2).sum())
    assert greens > 20_000  # the 300x300 photo (partly checkered) is on the screenshot, not a blank box

    index = json.loads(_evidence_object(store, evidence["sha256"] + ".json"))
    assert index["screenshot_key"] == evidence["screenshot_key"]
    [image] = index["images"]
    assert image["url"] == IMAGE_URL and image["sha256"] == hashlib.sha256(photo).hexdigest()
    assert image["phash"] == str(imagehash.phash(Image.open(io.BytesIO(photo))))
    assert (image["width"], image["height"]) == (300, 300)
    assert _evidence_object(store, image["key"]) == photo
    html = _evidence_object(store, evidence["html_key"])  # the rendered page, as it showed
    assert hashlib.sha256(html).hexdigest() == evidence["sha256"] and b"Acme Audio Bookshelf Speakers" in html
