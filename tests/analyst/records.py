"""Schema-valid records for the analyst tests (validated, so a test never passes on a shape the crawler
cannot produce)."""
from __future__ import annotations

from crawler.records import to_dict
from crawler.schema import validate_record


def listing(id_: str, *, crawl="c1", platform="shopee", price=None, seller=None, evidence=None, title=None,
            extractor="api", source_url=None, contacts=(), signals=None, images=(), fetched_at="2026-11-23T04:00:00Z",
            sold_count=None, **extra) -> dict:
    url = "https://shopee.co.id/product/%s" % id_
    data = {"kind": "listing", "platform": platform, "id": id_, "url": url, "source_url": source_url or url,
            "fetched_at": fetched_at, "crawl_id": crawl, "extractor": extractor, "title": title,
            "price": {"amount": price[0], "currency": price[1]} if price else None,
            "seller": {"id": seller, "handle": seller, "name": None, "url": None} if seller else None,
            "evidence": evidence, "contacts": [{"type": t, "value": v, "source": "description"} for t, v in contacts],
            "signals": signals or {}, "images": list(images), "sold_count": sold_count, **extra}
    return to_dict(validate_record(data))


def account(id_: str, *, crawl="c1", platform="shopee", handle=None, followers=None, **extra) -> dict:
    url = "https://shopee.co.id/shop/%s" % id_
    data = {"kind": "account", "platform": platform, "id": id_, "url": url, "source_url": url,
            "fetched_at": "2026-11-23T04:00:00Z", "crawl_id": crawl, "extractor": "api", "handle": handle,
            "followers": followers, **extra}
    return to_dict(validate_record(data))


def post(id_: str, *, crawl="c1", platform="tiktok", author=None, **extra) -> dict:
    url = "https://www.tiktok.com/@%s/video/%s" % (author or "a", id_)
    data = {"kind": "post", "platform": platform, "id": id_, "url": url, "source_url": url,
            "fetched_at": "2026-11-23T04:00:00Z", "crawl_id": crawl, "extractor": "hydration",
            "author": {"handle": author, "id": None, "name": None, "url": None}, "media_type": "video", **extra}
    return to_dict(validate_record(data))


EVIDENCE = {"html_key": "evidence/sha256/ab/" + "ab" * 32 + ".html", "screenshot_key": None, "sha256": "ab" * 32,
            "captured_at": "2026-11-23T04:00:05Z"}
