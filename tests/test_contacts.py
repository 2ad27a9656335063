"""Contacts (crawler/contacts.py): the labelled set's targets, normalisation, sources, and the hook in extract."""
import pytest

from crawler.contacts import find_contacts, normalize, record_contacts
from crawler.extract import extract
from crawler.schema import Listing, Post
from scripts import contacts_score
from tests.support import PAGES, page_from


def test_the_labelled_set_meets_the_targets_on_every_type():
    rows = contacts_score.load()
    assert len(rows) >= 200
    assert {r["lang"] for r in rows} == {"zh", "en", "es", "pt", "id", "vi", "th"}
    assert sum(1 for r in rows if not r["expected"]) >= 60  # hard negatives
    tp, fp, fn, errors = contacts_score.score(rows)
    for kind in contacts_score.TYPES:
        assert tp[kind] + fn[kind] >= 8, "too few %s positives" % kind
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        recall = tp[kind] / (tp[kind] + fn[kind])
        assert precision >= 0.95 and recall >= 0.90, (kind, precision, recall, errors)


def test_obfuscated_digits_and_letters_are_normalised():
    assert normalize("１３８①②❸4️⃣") == "1381234"
    assert normalize("Ｖ信：ｇｌｏｗ") == "V信:glow"
    assert find_contacts("手机 ➊➌➑ ➊➋➌➍ ➎➏➐➑", ["CN"]) == [("phone", "+8613812345678")]


@pytest.mark.parametrize("text,regions,expected", [
    ("加微信：glow_cs88", ["CN"], [("wechat", "glow_cs88")]),
    ("WA 0812-3456-7890", ["ID"], [("whatsapp", "+6281234567890")]),
    ("wa.me/5215512345678", [], [("whatsapp", "+525512345678")]),  # Mexico's old mobile "1" dropped
    ("t.me/GlowShopCS", [], [("telegram", "glowshopcs")]),
    ("line.me/R/ti/p/@glowthai", [], [("line", "@glowthai")]),
    ("QQ：12345678", [], [("qq", "12345678")]),
    ("sales [at] glow [dot] com", [], [("email", "sales@glow.com")]),
    ("e-mail: vendas arroba loja ponto com ponto br", [], [("email", "vendas@loja.com.br")]),
    ("vendas arroba loja ponto com", [], []),  # a spelled "arroba": only next to an e-mail word or a mail provider
    ("bit.ly/3abcXYZ", [], [("url", "https://bit.ly/3abcXYZ")]),
])
def test_each_type(text, regions, expected):
    assert find_contacts(text, regions) == expected


@pytest.mark.parametrize("text,regions", [
    ("价格 ￥13888 包邮", ["CN"]), ("订单号 13812345678901 已发货", ["CN"]), ("已售 13800 件", ["CN"]),
    ("2023年12月25日", ["CN"]), ("Only $1,299.99 (was $1,599.00)", ["US"]), ("12,700 followers since 2019 2020 2021", ["US"]),
    ("Sizes 38 39 40 41 42 44", ["ID"]), ("Harga Rp 1.250.000", ["ID"]), ("Giá 1.250.000₫", ["VN"]),
    ("Item number 394857261034", ["US"]), ("Order #112-4567890-1234567", ["US"]), ("Model 212-555-0199", ["US"]),
    ("Our skincare line: GlowLab", []), ("Telegram channel", []), ("AAA batteries 24 count", ["US"]),
])
def test_hard_negatives(text, regions):
    assert find_contacts(text, regions) == []


def test_links_to_the_records_own_platform_are_not_contacts():
    assert find_contacts("more at tiktok.com/@glowshop.demo and shopee.co.id/abc", [], "tiktok") == [
        ("url", "https://shopee.co.id/abc")]


def _post(**fields):
    base = {"platform": "tiktok", "id": "1", "url": "https://www.tiktok.com/@a/video/1", "source_url": "x",
            "fetched_at": "2026-01-01T00:00:00Z", "crawl_id": "t", "extractor": "api", "media_type": "video",
            "author": {"handle": "a"}}
    return Post(**{**base, **fields})


def test_every_text_field_is_read_and_the_source_named():
    listing = Listing(platform="shopee", id="9", url="https://shopee.co.id/product/1/9", source_url="x",
                      fetched_at="2026-01-01T00:00:00Z", crawl_id="t", extractor="api",
                      title="Sepatu KW WA 0857 1234 5678", description="Line: @olshop.jkt",
                      seller={"name": "Toko 0822 9988 7766"})
    assert [(c.type, c.value, c.source) for c in record_contacts(listing)] == [
        ("whatsapp", "+6285712345678", "title"), ("line", "@olshop.jkt", "description"),
        ("phone", "+6282299887766", "seller.name")]


def test_the_region_hint_comes_from_the_record():
    # a national number: Vietnam from the post's location, nothing without it
    assert [c.value for c in record_contacts(_post(text="Zalo 0912.345.678", location="VN"))] == ["+84912345678"]
    assert record_contacts(_post(text="0912.345.678 views")) == []


def test_extract_fills_contacts_of_plain_pages_too():
    records = extract(page_from(PAGES / "tiktok" / "video_reseller.html",
                                "https://www.tiktok.com/@glow.reseller/video/7440000000000000041"))
    post = [r for r in records if r.kind == "post"][0]
    assert [(c.type, c.value, c.source) for c in post.contacts] == [
        ("whatsapp", "+14155550132", "text"), ("wechat", "glowcs_88", "text")]
    assert post.signals["off_platform_contact"] is True and "brand_mentions" not in post.signals
