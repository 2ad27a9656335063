"""Mercado Libre end to end, replayed from fixtures/mercadolibre/*.har: an item page (browser, with
screenshot evidence), a search followed to its item pages, a seller's items (_CustId_) followed the
same way, and a search on another site (-a site=com.ar). List pages are plain requests."""
import pytest

from spiders.mercadolibre import MercadoLibreSpider, site_of
from tests.e2e.harness import by_source, crawl, fixture_har, has_screenshot


def test_item_url(tmp_path):
    url = "https://articulo.mercadolibre.com.mx/MLM-3300000003-tenis-futbol-rapido-nino-_JM"
    result = crawl("mercadolibre", fixture_har("mercadolibre", "item"), tmp_path, url=url)
    assert result.returncode == 0, result.stderr[-2000:]
    item = result.one("listing", "MLM3300000003")
    assert item["query"] == url and item["extractor"] == "hydration"
    assert item["price"] == {"amount": "459", "currency": "MXN"} and item["sold_count"] == 5000
    assert item["seller"] == {"id": "445566", "handle": None, "name": "DEPORTES KOMBAT MX",
                              "url": "https://www.mercadolibre.com.mx/pagina/deporteskombatmx"}
    assert item["condition"] == "new" and item["rating"] == 4.2 and item["review_count"] == 1290
    assert has_screenshot(item)  # a detail page goes through the browser


def test_search_follows_results_to_item_pages(tmp_path):
    result = crawl("mercadolibre", fixture_har("mercadolibre", "search"), tmp_path, query="tenis futbol rapido")
    assert result.returncode == 0, result.stderr[-2000:]
    cards, items = by_source(result, "https://listado.mercadolibre.com.mx/tenis-futbol-rapido")
    ids = ["MLM2200000001", "MLM3300000002", "MLM3300000003"]
    # the ad, the catalog card and the articulo card, each followed once
    assert sorted(cards) == sorted(items) == ids, result.stderr[-3000:]
    assert all(r["query"] == "tenis futbol rapido" for r in result.records)
    assert cards["MLM2200000001"]["signals"] == {"sponsored": True} and cards["MLM2200000001"]["seller"] is None
    assert all(c["evidence"] is None and c["sold_count"] is None for c in cards.values())  # list page: plain request
    # the item pages add what the cards lack: seller id, sold count, condition, description
    assert items["MLM2200000001"]["seller"]["id"] == "771100" and items["MLM2200000001"]["sold_count"] == 50
    catalog = items["MLM3300000002"]
    assert catalog["url"] == "https://www.mercadolibre.com.mx/tenis-kombat-tf-negro/p/MLM41000002"
    assert catalog["price"]["amount"] == "899.5" and catalog["original_price"]["amount"] == "1199"
    assert catalog["sold_count"] == 1000 and catalog["description"] == "Tenis para fútbol rápido.\nSuela de goma."
    assert catalog["shipping"] == {"amount": "0", "currency": "MXN"}
    assert all(has_screenshot(r) for r in items.values())


def test_seller_account_items(tmp_path):
    result = crawl("mercadolibre", fixture_har("mercadolibre", "account"), tmp_path, account="445566")
    assert result.returncode == 0, result.stderr[-2000:]
    cards, items = by_source(result, "https://listado.mercadolibre.com.mx/_CustId_445566")
    assert sorted(cards) == sorted(items) == ["MLM3300000002", "MLM3300000003"]
    assert all(r["seller"]["id"] == "445566" for r in items.values())
    assert all(r["query"] == "445566" for r in result.records)


def test_search_on_another_site(tmp_path):
    result = crawl("mercadolibre", fixture_har("mercadolibre", "site_ar"), tmp_path, query="zapatillas trail",
                   site="com.ar", max_items="1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [(r["id"], r["source_url"]) for r in result.records] == [
        ("MLA1500000001", "https://listado.mercadolibre.com.ar/zapatillas-trail"),
        ("MLA1500000001", "https://articulo.mercadolibre.com.ar/MLA-1500000001-_JM")]
    item = result.records[1]
    assert item["price"] == {"amount": "8999.5", "currency": "ARS"} and item["seller"]["name"] == "MEDIAS DEL SUR"


@pytest.mark.parametrize("value,site", [("com.ar", "com.ar"), ("ar", "com.ar"), ("MLB", "com.br"), ("cl", "cl"),
                                        ("mercadolibre.com.co", "com.co"), ("xx", None)])
def test_site_names(value, site):
    assert site_of(value) == site


def test_search_and_seller_urls_per_site():
    spider = MercadoLibreSpider(query="Tenis  Kappa 10%", site="com.br")
    spider.settings = {}
    assert spider.search_url(spider.query) == "https://lista.mercadolivre.com.br/tenis-kappa-10%25"
    spider = MercadoLibreSpider(account="445566")
    spider.settings = {}
    assert spider.account_url("445566") == "https://listado.mercadolibre.com.mx/_CustId_445566"


def test_seller_nickname_and_unknown_site_are_rejected(tmp_path):
    result = crawl("mercadolibre", None, tmp_path / "nick", account="deporteskombatmx")
    assert result.returncode == 2 and "numeric id" in result.stderr
    result = crawl("mercadolibre", None, tmp_path / "site", query="tenis", site="com.xx")
    assert result.returncode == 2 and "unknown -a site=com.xx" in result.stderr
