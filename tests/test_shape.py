"""The shape reader (crawler/shape.py): JSON from an endpoint nobody modelled still gives correct
records, found by keys and value types, marked ``extractor="shape"`` and ``partial``; nothing is
invented (no id from the URL, no value from a neighbour)."""
from __future__ import annotations

import json

import pytest

from crawler.errors import NoParser
from crawler.extract import extract_page
from crawler.page import Page
from crawler.shape import ShapeReader, find


def _page(data, url: str) -> Page:
    return Page(url=url, body=json.dumps(data, ensure_ascii=False).encode("utf-8"),
                fetched_at="2026-01-01T00:00:00Z", crawl_id="t")


AWEME = {
    "aweme_id": "7400000000000000001", "desc": "原单 1:1 #球鞋 加微信", "create_time": 1770175464,
    "author": {"uid": "11223344", "sec_uid": "MS4wLjABAAAAx", "nickname": "鞋  铺", "unique_id": "shoe_shop"},
    "statistics": {"digg_count": 1741, "comment_count": 250, "share_count": 804, "collect_count": 326,
                   "play_count": 0},
    "video": {"duration": 21943, "play_addr": {"url_list": ["https://v.example/1.mp4"]}},
    "music": {"id": 7551912420373957406, "title": "original sound", "author": "someone"},
}


def test_a_douyin_feed_from_an_unmodelled_host():
    data = {"status_code": 0, "has_more": 1, "aweme_list": [AWEME, {**AWEME, "aweme_id": "7400000000000000002",
                                                                      "statistics": {"digg_count": 3}}]}
    page = _page(data, "https://aweme.snssdk.com/aweme/v2/feed/?count=6")
    posts = ShapeReader("douyin").read(page, data)
    assert [p.id for p in posts] == ["7400000000000000001", "7400000000000000002"]
    first = posts[0]
    assert (first.extractor, first.partial, first.platform) == ("shape", True, "douyin")
    assert first.url == "https://www.douyin.com/video/7400000000000000001"
    assert (first.author.id, first.author.handle, first.author.name) == ("11223344", "shoe_shop", "鞋  铺")
    assert first.created_at == "2026-02-04T03:24:24Z"
    assert first.metrics.views is None  # Douyin's 0 means hidden
    assert (first.metrics.likes, first.metrics.comments, first.metrics.shares, first.metrics.saves) == (1741, 250, 804, 326)
    assert first.duration_s == pytest.approx(21.943) and first.media_type == "video"
    assert first.hashtags == ["球鞋"]
    # the second item carries no comment count: unknown, not borrowed from the first
    assert posts[1].metrics.comments is None and posts[1].metrics.likes == 3


def test_a_kuaishou_graphql_answer_through_extract():
    """No kuaishou parser exists: the platform comes from the host and the shape reader reads it."""
    data = {"data": {"visionSearchPhoto": {"result": 1, "feeds": [
        {"photo": {"id": "3xabcdef", "caption": "高仿包包 vx: bag888", "likeCount": "1.2万", "viewCount": 98000,
                   "timestamp": 1700000000000, "photoUrl": "https://v.example/p.mp4"},
         "author": {"id": "3xuser", "name": "包包店"}}]}}}
    extraction = extract_page(_page(data, "https://www.kuaishou.com/graphql"))
    (post,) = extraction.records
    assert (post.platform, post.id, post.extractor) == ("kuaishou", "3xabcdef", "shape")
    assert post.metrics.likes == 12000 and post.metrics.views == 98000
    assert post.created_at == "2023-11-14T22:13:20Z"
    assert post.url == "https://www.kuaishou.com/short-video/3xabcdef"
    assert any(c.type == "wechat" for c in post.contacts)


def test_listings_with_scaled_prices_and_site_currency():
    data = {"error": 90309999, "data": {"sections": [{"data": {"item": [
        {"itemid": 17545365563, "shopid": 714712007, "name": "Tas 1:1 mirror", "price": 459900000000,
         "price_before_discount": 599900000000, "historical_sold": 123},
        {"itemid": 17545365564, "shopid": 714712007, "name": "Tas KW", "price": None}]}}]}}
    page = _page(data, "https://shopee.co.id/api/v4/recommend/recommend?bundle=shop_page_product_tab_main")
    listings = ShapeReader("shopee").read(page, data)
    assert [x.id for x in listings] == ["17545365563"]  # the one without a price is not a listing shape
    item = listings[0]
    assert (item.price.amount, item.price.currency) == ("4599000", "IDR")
    assert item.original_price.amount == "5999000" and item.sold_count == 123
    assert item.url == "https://shopee.co.id/product/714712007/17545365563"
    assert item.seller.id == "714712007"


def test_accounts_only_when_standalone():
    data = {"user": {"uid": "55", "unique_id": "seller_a", "nickname": "Seller A", "follower_count": "62.4万",
                     "following_count": 3, "signature": "wa.me/6281234567890"}}
    (account,) = ShapeReader("douyin").read(_page(data, "https://www.douyin.com/x"), data)
    assert (account.kind, account.id, account.followers, account.following) == ("account", "55", 624000, 3)
    assert account.url == "https://www.douyin.com/user/55"


def test_nothing_is_built_from_the_url_or_without_an_id():
    data = {"status_code": 0, "aweme_list": [{"desc": "no id here", "author": {"uid": "1"}, "create_time": 1}]}
    assert list(find(data)) == []
    with pytest.raises(NoParser):
        extract_page(_page({"status_code": 0, "data": {"list": []}},
                           "https://www.kuaishou.com/short-video/3xabcdef"))


def test_a_record_without_a_buildable_url_is_dropped():
    """Instagram media need their shortcode for a URL; a pk alone is not enough to point at the post."""
    data = {"items": [{"pk": "3725080926708972788", "taken_at": 1758285044, "like_count": 5,
                       "user": {"pk": "1", "username": "a"}, "caption": {"text": "hi"}}]}
    assert ShapeReader("instagram").read(_page(data, "https://i.instagram.com/api/v1/x/"), data) == []
