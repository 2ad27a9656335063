"""Signals (crawler/signals.py): counterfeit terms, discount and price ratios, brand mentions."""
from decimal import Decimal

import pytest

from crawler.schema import Listing, Post
from crawler.signals import counterfeit_terms, parse_terms, record_signals
from crawler.watchlist import parse_watchlist

WATCHLIST = parse_watchlist("""
terms: [x]
brands:
  - name: Nike
    aliases: [耐克, ナイキ]
    reference_prices: [{amount: "120", currency: USD}, {amount: "899", currency: CNY}]
    products:
      - name: Air Jordan 1
        aliases: [AJ1]
        reference_prices: [{amount: "180", currency: USD}]
  - name: Glow Lab
    aliases: [GlowLab]
""")


def _listing(**fields):
    base = {"platform": "shopee", "id": "1", "url": "https://shopee.co.id/p/1", "source_url": "x",
            "fetched_at": "2026-01-01T00:00:00Z", "crawl_id": "t", "extractor": "api"}
    return Listing(**{**base, **fields})


@pytest.mark.parametrize("text,expected", [
    ("Nike AJ1 replica 1:1 mirror quality", ["replica", "1:1", "mirror quality"]),
    ("耐克 高仿 莆田 原单", ["高仿", "原单", "莆田"]),
    ("Réplica AAA calidad espejo", ["AAA", "réplica", "calidad espejo"]),
    ("Sepatu KW super grade ori", ["KW", "kw super", "grade ori"]),
    ("Hàng rep 1:1 siêu cấp", ["rep", "1:1", "siêu cấp", "hàng rep"]),
    ("งานก๊อป เกรดมิลเลอร์", ["ก๊อป", "งานก๊อป", "เกรดมิลเลอร์", "มิลเลอร์"]),
    ("Inspired by the classic, a great DUPE", ["dupe", "inspired by"]),
])
def test_counterfeit_terms_in_several_languages(text, expected):
    assert sorted(counterfeit_terms(text)) == sorted(expected)


@pytest.mark.parametrize("text", [
    "AAA batteries, 24 pack", "1:1 scale model car", "Book a 1:1 coaching session", "Charger 65 kW", "Fake tan lotion",
    "Original Nike Air Max, receipt included", "a kilowatt: 2 kw", "weekly reps at the gym",
])
def test_counterfeit_term_hard_negatives(text):
    assert counterfeit_terms(text) == []


def test_term_file_options():
    terms = parse_terms("# comment\nAAA | not: battery\nKW | re: \\bkw\\b\n")
    assert [t.name for t in terms] == ["AAA", "KW"]
    with pytest.raises(ValueError, match="unknown option"):
        parse_terms("x | maybe: y")


def test_signals_are_present_only_when_they_say_something():
    assert record_signals(_listing(title="Power bank 20000mAh")) == {}
    assert record_signals(_listing(title="Power bank", price={"amount": "59.9", "currency": "MYR"},
                                   original_price={"amount": "89.9", "currency": "MYR"})) == {"discount_ratio": 0.6663}
    # different currencies: no ratio
    assert record_signals(_listing(price={"amount": "59.9", "currency": "MYR"},
                                   original_price={"amount": "89.9", "currency": "USD"})) == {}


def test_off_platform_contact_counts_messengers_not_urls():
    post = Post(platform="tiktok", id="1", url="https://www.tiktok.com/@a/video/1", source_url="x", fetched_at="2026-01-01T00:00:00Z",
                crawl_id="t", extractor="api", media_type="video", author={"handle": "a"},
                contacts=[{"type": "url", "value": "https://bit.ly/x", "source": "text"}])
    assert "off_platform_contact" not in record_signals(post)
    post.contacts = post.contacts + [{"type": "wechat", "value": "abc123", "source": "text"}]
    assert record_signals(post)["off_platform_contact"] is True


def test_brand_mentions_and_price_ratio_with_a_watchlist():
    listing = _listing(title="AJ1 high OG 1:1", brand="NIKE", price={"amount": "45", "currency": "USD"})
    assert record_signals(listing) == {"counterfeit_terms": ["1:1"]}  # no watchlist, no brand signals
    signals = record_signals(listing, WATCHLIST)
    assert signals["brand_mentions"] == ["Nike"]
    assert signals["price_ratio"] == 0.25 and signals["price_reference"] == "Nike Air Jordan 1"  # 45 / 180
    # the brand's price when no product is named; the currency must match, else null (never converted)
    cny = record_signals(_listing(title="耐克 运动鞋", price={"amount": "199", "currency": "CNY"}), WATCHLIST)
    assert cny["price_ratio"] == round(199 / 899, 4) and cny["price_reference"] == "Nike"
    idr = record_signals(_listing(title="Nike sepatu", price={"amount": "150000", "currency": "IDR"}), WATCHLIST)
    assert idr["price_ratio"] is None and idr["price_reference"] == "Nike"
    # a brand without reference prices: mentioned, no ratio
    assert record_signals(_listing(title="GlowLab serum", price={"amount": "9", "currency": "USD"}), WATCHLIST) == {
        "brand_mentions": ["Glow Lab"]}
    assert WATCHLIST.brands[0].price_in("USD") == Decimal("120")


def test_brand_names_match_whole_words_and_hashtags():
    assert [b.name for b in WATCHLIST.brand_mentions("#nikeairmax drop")] == ["Nike"]
    assert WATCHLIST.brand_mentions("Nikesha's bakery") == []
    assert [b.name for b in WATCHLIST.brand_mentions("ナイキ スニーカー")] == ["Nike"]
