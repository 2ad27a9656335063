"""`scrapy report` on a replayed store (plus a small synthetic crawl on two other platforms), opened in real
headless Chromium: counts, screenshots visible, a filter that works, sorting; a screenshot of the page is kept
under the test's tmp dir."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pytest

from crawler.storage import LocalStore, evidence_key
from crawler.storage.spool import Writer
from tests.analyst.browser import offline_page
from tests.analyst.records import listing, post
from tests.support import ROOT


def png(color: tuple) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 90), color).save(buf, "PNG")
    return buf.getvalue()


def page_evidence(writer) -> dict:
    """A detail page's evidence as crawler.evidence writes it: HTML, screenshot, two product photos, the index."""
    html = b"<html><body>glow serum</body></html>"
    sha = hashlib.sha256(html).hexdigest()
    shot, photos = png((200, 200, 200)), [png((200, 30, 30)), png((30, 30, 200))]
    keys = {"html": evidence_key(sha, "html"), "shot": evidence_key(hashlib.sha256(shot).hexdigest(), "png")}
    writer.put_object(keys["html"], html)
    writer.put_object(keys["shot"], shot)
    images = []
    for body in photos:
        key = evidence_key(hashlib.sha256(body).hexdigest(), "png")
        writer.put_object(key, body)
        images.append({"url": "https://cf.shopee.co.id/file/x.png", "key": key, "bytes": len(body),
                       "sha256": hashlib.sha256(body).hexdigest()})
    writer.put_object(evidence_key(sha, "json"), json.dumps({"html_key": keys["html"], "screenshot_key": keys["shot"],
                                                              "images": images}).encode())
    return {"html_key": keys["html"], "screenshot_key": keys["shot"], "sha256": sha, "captured_at": "2026-11-23T04:00:09Z"}


@pytest.fixture(scope="module")
def report_store(amazon_store, tmp_path_factory):
    assert amazon_store.returncode == 0, amazon_store.stderr[-2000:]
    store = tmp_path_factory.mktemp("report") / "store"
    shutil.copytree(amazon_store.store, store)
    writer = Writer(LocalStore(str(store)), spool_dir=store.parent / "spool")
    writer.open("c-synthetic", spider="shopee", started_at="2026-11-23T04:00:00Z")
    writer.write(listing("9001", crawl="c-synthetic", price=("59000", "IDR"), seller="glowdupes", title="Glow serum 1:1 <b>",
                         contacts=[("whatsapp", "+628111222333")], signals={"counterfeit_terms": ["1:1"],
                                                                           "price_ratio": 0.13},
                         evidence=page_evidence(writer)))
    writer.write(post("7440000000000000099", crawl="c-synthetic", author="glow.reseller", text="DM for glow serum",
                      contacts=[{"type": "whatsapp", "value": "+628111222333", "source": "text"}]))
    assert writer.finish({}).errors == []
    return store


def test_report_renders_filters_and_sorts(report_store, tmp_path):
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "scrapy", "report", str(report_store), "-o", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<b>" not in html.split("<body>", 1)[1].replace("<b>%s</b>" % "listing", "").replace(
        "<b>post</b>", "").replace('<b id="shown">', "").replace('<b id="total">', "")  # scraped markup is escaped
    assert "Glow serum 1:1 &lt;b&gt;" in html
    assert len(list((out / "evidence").glob("*.jpg"))) == 3 and len(list((out / "evidence").glob("*.png"))) == 3
    with offline_page() as page:
        page.goto((out / "index.html").as_uri())
        assert page.inner_text("#total") == "5" and page.inner_text("#shown") == "5"
        loaded = page.eval_on_selector_all("img.shot", "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
        assert loaded == 4  # the three Amazon product pages' screenshots and the Shopee one, from the evidence
        photos = page.eval_on_selector_all("img.photo", "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length")
        assert photos == 2  # the product photos the evidence index lists
        assert page.locator(".seller:visible").count() == 5  # Amazon.com, Harbor Audio Outlet, no seller, glowdupes, glow.reseller
        assert "whatsapp +628111222333" in page.inner_text("body")  # shared by two sellers on two platforms
        assert "glowdupes on shopee" in page.inner_text("table") and "glow.reseller on tiktok" in page.inner_text("table")
        page.select_option("#f-platform", "amazon")
        assert page.inner_text("#shown") == "3" and page.locator(".rec:visible").count() == 3
        page.select_option("#f-platform", "")
        page.check("#f-terms")
        assert page.inner_text("#shown") == "1"
        assert page.locator(".rec:visible").get_attribute("data-id") == "9001"
        page.uncheck("#f-terms")
        page.select_option("#sort", "ratio")
        assert page.locator(".seller").first.get_attribute("data-seller") == "shopee:glowdupes"
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert page.refused == []  # the page asked for nothing outside its folder
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_embedded_report_is_one_file(report_store, tmp_path):
    out = tmp_path / "one"
    proc = subprocess.run([sys.executable, "-m", "scrapy", "report", str(report_store), "-o", str(out), "--embed",
                           "--platform", "amazon"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 3 and not (out / "evidence").exists()
    assert "glowdupes" not in html
