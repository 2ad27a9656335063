import pytest

from crawler.errors import NoParser, PageChanged
from crawler.extract import extract
from tests.support import PAGES, fixture_records, one, page_from

RU_URL = "https://aliexpress.ru/popular/кроссовки"
COM_URL = "https://www.aliexpress.com/w/wholesale-sneakers.html?SearchText=sneakers"
ITEM_URL = "https://www.aliexpress.com/item/1005006000000011.html"


def test_ru_cards_are_search_results_only():
    records = fixture_records("aliexpress", "search_ru_cards.html", RU_URL)
    # the recommendation shelf (data-w-spm-c="rcmdprod") is not a search result
    assert [r.id for r in records] == ["1005007000000001", "1005007000000002"]
    assert all(r.extractor == "dom" and r.seller is None for r in records)


def test_ru_card_fields_in_the_page_locale():
    first = one(fixture_records("aliexpress", "search_ru_cards.html", RU_URL), "listing", "1005007000000001")
    assert first.url == "https://aliexpress.ru/item/1005007000000001.html"
    assert first.title == "Кроссовки мужские  летние сетка"
    assert first.price.amount == "1234.56" and first.price.currency == "RUB"  # "1 234,56 ₽", not the aside copy
    assert first.original_price.amount == "2468"
    assert first.rating == 4.8 and first.sold_count == 1663  # "1 663 продано"
    assert first.shipping is None  # no delivery badge: unknown
    assert first.images == ["https://ae04.alicdn.com/kf/Sa1.jpg_480x480.jpg"]


def test_ru_placeholder_title_is_null():
    card = one(fixture_records("aliexpress", "search_ru_cards.html", RU_URL), "listing", "1005007000000002")
    assert card.title is None
    assert card.price.amount == "799" and card.original_price is None
    assert card.rating is None and card.sold_count is None
    assert card.shipping.amount == "0" and card.shipping.currency == "RUB"  # "бесплатно"


def test_en_locale_reads_a_dot_as_the_decimal_separator(tmp_path):
    html = (PAGES / "aliexpress" / "search_ru_cards.html").read_text(encoding="utf-8")
    html = html.replace('"locale":"ru_RU","currencyCode":"RUB"', '"locale":"en_US","currencyCode":"GEL"')
    html = html.replace("1 234,56 ₽", "4.68\u00a0GEL").replace("1 663 продано", "1 663 sold")
    page = tmp_path / "gel.html"
    page.write_text(html, encoding="utf-8")
    first = one(extract(page_from(page, RU_URL)), "listing", "1005007000000001")
    assert first.price.amount == "4.68" and first.price.currency == "GEL"
    assert first.sold_count == 1663


def test_com_search_from_init_data():
    records = fixture_records("aliexpress", "search_com_init_data.html", COM_URL)
    assert [r.id for r in records] == ["1005006000000011", "1005006000000022"]
    first = records[0]
    assert first.extractor == "hydration"
    assert first.url == "https://www.aliexpress.com/item/1005006000000011.html"
    assert first.title == "Retro Court Sneakers Unisex  Low Top"
    assert first.price.amount == "12.34" and first.original_price.amount == "24.68"
    assert first.shipping.amount == "0" and first.sold_count == 1000 and first.rating == 4.7
    assert first.seller.id == "1101000001" and first.seller.name == "Retro Kicks Store"
    assert first.seller.url == "https://www.aliexpress.com/store/1101000001"
    assert first.images == ["https://ae01.alicdn.com/kf/S11.jpg"]
    second = records[1]
    assert second.price.amount == "5.99" and second.original_price is None
    assert second.sold_count is None and second.rating is None and second.seller is None  # empty, not 0


def test_item_page_from_run_params():
    item = one(fixture_records("aliexpress", "item_runparams.html", ITEM_URL), "listing", "1005006000000011")
    assert item.extractor == "hydration"
    assert item.title == "Retro Court Sneakers Unisex  Low Top"
    assert item.price.amount == "12.34" and item.price_max.amount == "15"
    assert item.original_price.amount == "24.68"
    assert item.seller.id == "1101000001" and item.seller.name == "Retro Kicks Store"
    assert item.sold_count == 1000 and item.rating == 4.7 and item.review_count == 321
    assert item.availability == "in_stock" and len(item.images) == 2


def test_search_page_without_cards_or_state_is_a_layout_change(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>AliExpress</title><link rel='canonical' href='https://www.aliexpress.com/w/"
                    "wholesale-sneakers.html'></head><body><div id='root'></div></body></html>")
    with pytest.raises(PageChanged, match="no product"):
        extract(page_from(page, COM_URL))


def test_item_page_without_state_or_title_is_a_layout_change(tmp_path):
    page = tmp_path / "item.html"
    page.write_text("<html><head><script src='https://assets.alicdn.com/g/ae-fe/pdp-pc/index.js'></script></head>"
                    "<body><div id='root'></div></body></html>")
    with pytest.raises(PageChanged):
        extract(page_from(page, "https://www.aliexpress.com/item/1005006000000011.html"))


def test_state_with_wrong_types_keeps_nulls(tmp_path):
    html = (PAGES / "aliexpress" / "search_com_init_data.html").read_text(encoding="utf-8")
    html = html.replace('"minPrice":12.34', '"minPrice":"lots"').replace('"starRating":4.7', '"starRating":"great"')
    html = html.replace('"formattedPrice":"US $12.34"', '"formattedPrice":null')
    page = tmp_path / "bad.html"
    page.write_text(html, encoding="utf-8")
    first = one(extract(page_from(page, COM_URL)), "listing", "1005006000000011")
    assert first.price is None and first.rating is None


def test_item_components_under_init_data_in_the_page_locale():
    url = "https://es.aliexpress.com/item/1005008200000301.html"
    item = one(fixture_records("aliexpress", "item_init_data_components.html", url), "listing", "1005008200000301")
    assert item.extractor == "hydration" and item.partial is False
    assert item.url == "https://es.aliexpress.com/item/1005008200000301.html"
    assert item.title == "Mochila Impermeable  Senderismo 30L"  # double space kept
    assert (item.price.amount, item.price.currency) == ("18.45", "EUR")
    assert item.original_price.amount == "36.9"
    assert item.seller.id == "1103000301" and item.seller.name == "Montaña Viva Store"
    assert item.seller.url == "https://www.aliexpress.com/store/1103000301"
    assert item.sold_count == 1000  # "1.000+" in es_ES
    assert item.rating == 4.6 and item.review_count == 208
    assert item.availability == "out_of_stock"
    assert item.images == ["https://ae01.alicdn.com/kf/M301a.jpg", "https://ae01.alicdn.com/kf/M301b.jpg"]


def test_mtop_pdp_answer_is_read_by_content_whatever_its_ret():
    url = "https://acs.aliexpress.com/h5/mtop.aliexpress.pdp.pc.query/1.0/?api=mtop.aliexpress.pdp.pc.query"
    item = one(fixture_records("aliexpress", "mtop_pdp_pc_query.json", url), "listing", "1005008200000302")
    assert item.platform == "aliexpress" and item.extractor == "api"
    assert item.url == "https://www.aliexpress.com/item/1005008200000302.html"  # not the API host
    assert (item.price.amount, item.price.currency) == ("45.1", "USD")
    assert item.original_price.amount == "90.2"
    assert item.seller.id == "1103000302" and item.seller.name == "Bright Screen Store"
    assert item.sold_count is None and item.availability == "in_stock"
    # the same answer saved without its URL
    assert extract(page_from(PAGES / "aliexpress" / "mtop_pdp_pc_query.json", ""))[0].id == "1005008200000302"


def test_shopify_page_under_an_aliexpress_url_is_not_aliexpress():
    records = extract(page_from(PAGES / "shopify" / "product_page.html", "https://www.aliexpress.com/item/1005006000000011.html"))
    assert records and {r.platform for r in records} == {"shopify"}
    assert "1005006000000011" not in {r.id for r in records}


def test_search_page_under_an_item_url_gives_the_list_not_the_item():
    url = "https://www.aliexpress.com/item/1005006999999999.html"
    records = extract(page_from(PAGES / "aliexpress" / "search_com_init_data.html", url))
    assert [r.id for r in records] == ["1005006000000011", "1005006000000022"]
    assert records[0].url == "https://www.aliexpress.com/item/1005006000000011.html"
    assert "1005006999999999" not in {r.id for r in records}


def test_item_state_of_another_item_than_the_url_keeps_the_state_id():
    url = "https://www.aliexpress.com/item/1005006999999999.html"
    item = extract(page_from(PAGES / "aliexpress" / "item_runparams.html", url))[0]
    assert item.id == "1005006000000011" and item.url == "https://www.aliexpress.com/item/1005006000000011.html"


def test_open_graph_only_when_it_names_the_item(tmp_path):
    head = ("<html><head><meta property='og:title' content='Lamp - AliExpress'>"
            "<meta property='og:image' content='https://ae01.alicdn.com/kf/L1.jpg'>%s"
            "<script src='https://assets.alicdn.com/g/ae-fe/pdp-pc/index.js'></script></head><body></body></html>")
    url = "https://www.aliexpress.com/item/1005006000000077.html"
    named = tmp_path / "named.html"
    named.write_text(head % "<meta property='og:url' content='https://www.aliexpress.com/item/1005006000000077.html'>")
    item = extract(page_from(named, url))[0]
    assert item.id == "1005006000000077" and item.extractor == "meta" and item.partial is True
    assert item.title == "Lamp - AliExpress" and item.price is None
    unnamed = tmp_path / "unnamed.html"
    unnamed.write_text(head % "")
    with pytest.raises(PageChanged):  # a title alone under an item URL is not that item
        extract(page_from(unnamed, url))


def test_page_with_no_aliexpress_content_is_not_read(tmp_path):
    page = tmp_path / "other.html"
    page.write_text("<html><head><title>Best AliExpress finds</title></head><body>"
                    "<a href='https://www.aliexpress.com/item/1005006000000011.html'>deal</a></body></html>")
    with pytest.raises(NoParser):
        extract(page_from(page, "https://www.aliexpress.com/item/1005006000000011.html"))
