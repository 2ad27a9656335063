"""Generic stores end to end, replayed from fixtures/web/*.har: a product page read from its
schema.org JSON-LD on the store's own domain, and two stores on two domains in one crawl."""
from tests.e2e.harness import crawl, fixture_har

ZAPATOS = "https://www.zapatos-ejemplo.es/tienda/zapatilla-runner-azul"
VELAS = "https://www.velasdelsur.example/products/vela-lavanda"


def test_store_product_page(tmp_path):
    result = crawl("web", fixture_har("web", "product"), tmp_path, url=ZAPATOS)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "ZR-4471")
    assert item["platform"] == "web" and item["extractor"] == "jsonld" and item["query"] == ZAPATOS
    assert item["url"] == ZAPATOS and item["price"] == {"amount": "59.9", "currency": "EUR"}
    assert item["brand"] == "Runnex" and item["availability"] == "in_stock"
    evidence = item["evidence"]
    assert evidence["html_key"] and evidence["screenshot_key"] and evidence["sha256"]


def test_two_stores_on_their_own_domains(tmp_path):
    result = crawl("web", fixture_har("web", "two_stores"), tmp_path, url="%s,%s" % (ZAPATOS, VELAS))
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(r["source_url"] for r in result.of("listing")) == sorted([ZAPATOS, VELAS])
    candle = [r for r in result.of("listing") if r["source_url"] == VELAS]
    # read by the generic parser from the served JSON-LD (the store's reviews app deletes it in the browser)
    assert candle and all(r["platform"] == "web" and r["title"].startswith("Vela Lavanda") for r in candle)
    assert any(r["rating"] == 4.8 for r in candle)
    # the guard let both stores' own hosts through (in replay the egress proxy refuses Chromium's
    # preconnects to them by design: counted as egress/refused, never a guard refusal)
    assert "guard/refused" not in result.stderr and "network guard" not in result.stderr
