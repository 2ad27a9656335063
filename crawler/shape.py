"""The last-resort reader: posts, listings and accounts found in any JSON by their keys and value types.

When no platform parser reads an API answer or embedded state (a new endpoint, another GraphQL
query, a mobile API host), the objects in it that look like a post (an id plus text plus an author
or counts or a time), a listing (an id plus a title plus a price) or an account (an id plus a handle
plus follower counts) are read with the platforms' shared vocabulary (aweme_id, note_id, pk, mid,
itemid, ...). Records read this way say so: ``extractor="shape"``, and ``partial=True`` because no
page-specific path vouches for them.

Nothing is invented: every field comes from the object itself (or its own author object), the id
must be in it, and a record whose canonical URL cannot be built from its own ids or URL fields is
not emitted.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crawler.helpers.money import money, scaled_money
from crawler.helpers.paths import as_count, as_float, as_str, pick
from crawler.helpers.text import absolute_url, hashtags
from crawler.helpers.times import to_utc
from crawler.platforms import PLATFORMS, host_of, site_currency
from crawler.schema import KINDS, Envelope

# ---- the vocabulary: keys that mean the same thing across platforms, best first ----
POST_IDS = ("aweme_id", "note_id", "noteId", "mid", "idstr", "photo_id", "photoId", "media_id", "pk", "id")
LISTING_IDS = ("itemid", "item_id", "itemId", "product_id", "productId", "nid", "listing_id", "listingId", "id")
ACCOUNT_IDS = ("uid", "user_id", "userId", "pk", "idstr", "id")
CODES = ("code", "shortcode", "bid", "mblogid")
TEXTS = ("desc", "caption", "text_raw", "text", "content", "description", "caption_text")
TITLES = ("title", "display_title", "name", "raw_title", "product_name", "item_name")
AUTHORS = ("author", "user", "owner", "creator", "author_info", "user_info")
HANDLES = ("unique_id", "uniqueId", "username", "screen_name", "handle", "red_id", "short_id", "display_id")
NAMES = ("nickname", "full_name", "screen_name", "name", "nick_name")
TIMES = ("create_time", "createTime", "taken_at", "taken_at_timestamp", "created_at", "time", "publish_time",
         "timestamp", "ctime", "post_time")
COUNT_HOLDERS = ("stats", "statistics", "interact_info", "interactInfo", "statsV2", "counts", "metrics", "counters")
VIEWS = ("play_count", "playCount", "view_count", "video_view_count", "ig_play_count", "viewCount", "views")
LIKES = ("digg_count", "diggCount", "like_count", "likeCount", "liked_count", "likedCount", "attitudes_count",
         "likes")
COMMENTS = ("comment_count", "commentCount", "comments_count", "comments")
SHARES = ("share_count", "shareCount", "reposts_count", "repost_count", "shares")
SAVES = ("collect_count", "collectCount", "collected_count", "collectedCount", "save_count", "saves")
FOLLOWERS = ("follower_count", "followerCount", "followers_count", "fans", "followers", "fans_count")
FOLLOWING = ("following_count", "followingCount", "follow_count", "friends_count", "following", "follows")
PRICES = ("price", "price_min", "priceInt", "view_price", "sale_price", "current_price", "final_price",
          "min_price", "price_amount")
PRICE_MAX = ("price_max", "max_price")
ORIGINAL_PRICES = ("price_before_discount", "original_price", "originalPrice", "price_original", "list_price")
CURRENCIES = ("currency", "currency_code", "currencyCode", "priceCurrency")
SOLD = ("historical_sold", "sold", "sold_count", "soldCount", "sales", "itemSoldCnt")
VIDEO_KEYS = ("video", "video_versions", "videoUrl", "play_addr", "video_url", "playAddr")
IMAGE_LISTS = ("images", "image_list", "imageList", "carousel_media", "pics", "image_infos")
# lists of replies under a post: comments are not posts
NOT_POSTS = ("comments", "comment_list", "comments_list", "replies", "reply_comment", "sub_comments", "hot_comments",
             "preview_comments", "edge_media_to_comment", "edge_media_preview_comment")

# platforms whose APIs send hidden play counts as 0, durations in ms, or prices in scaled units
_ZERO_VIEWS_HIDDEN = {"douyin"}
_DURATION_MS = {"douyin": True, "tiktok": None}  # None: ms when the object is aweme-shaped (snake_case API)
_PRICE_SCALE = {"shopee": 100000, "lazada": 1}


def _first(obj: dict, keys: tuple[str, ...], coerce=as_str) -> Any:
    for key in keys:
        if key in obj:
            value = coerce(obj[key]) if coerce else obj[key]
            if value is not None:
                return value
    return None


def _count(obj: dict, keys: tuple[str, ...], hidden_zero: bool = False) -> int | None:
    holders = [obj] + [obj[h] for h in COUNT_HOLDERS if isinstance(obj.get(h), dict)]
    for holder in holders:
        for key in keys:
            value = holder.get(key)
            if isinstance(value, dict):  # GraphQL edges: {"count": 12}
                value = value.get("count")
            count = as_count(value)
            if count is not None:
                return None if hidden_zero and count == 0 else count
    return None


def _id(obj: dict, keys: tuple[str, ...]) -> str | None:
    value = _first(obj, keys)
    return value if value and len(value) <= 64 and not any(c.isspace() for c in value) else None


def _author(obj: dict) -> dict | None:
    for key in AUTHORS:
        if isinstance(obj.get(key), dict) and (_id(obj[key], ACCOUNT_IDS) or _first(obj[key], HANDLES)):
            return obj[key]
    return None


def _is_post(obj: dict) -> bool:
    if not _id(obj, POST_IDS) or _first(obj, TEXTS + TITLES) is None and not _has_media(obj):
        return False
    signals = [_author(obj) is not None, _first(obj, TIMES, coerce=to_utc) is not None,
               _count(obj, LIKES + COMMENTS + VIEWS) is not None]
    return sum(signals) >= 2


def _is_listing(obj: dict) -> bool:
    return bool(_id(obj, LISTING_IDS) and isinstance(_first(obj, TITLES), str)
                and any(obj.get(k) not in (None, "", [], {}) for k in PRICES))


def _is_account(obj: dict) -> bool:
    return bool(_id(obj, ACCOUNT_IDS) and _first(obj, HANDLES) and _count(obj, FOLLOWERS) is not None)


def _has_media(obj: dict) -> bool:
    return any(obj.get(k) for k in VIDEO_KEYS + IMAGE_LISTS + ("image_versions2", "cover", "thumbnail_url"))


def find(data: Any) -> Iterator[tuple[str, dict]]:
    """(kind, object) for every post-, listing- or account-shaped object, outermost first; the inside of
    a found object is not searched again (a post's author is part of the post)."""
    stack = [data]
    depth_guard = 0
    while stack and depth_guard < 200_000:
        depth_guard += 1
        cur = stack.pop()
        if isinstance(cur, list):
            stack.extend(reversed(cur))
            continue
        if not isinstance(cur, dict):
            continue
        if _is_post(cur):
            yield "post", cur
        elif _is_listing(cur):
            yield "listing", cur
        elif _is_account(cur):
            yield "account", cur
        else:
            stack.extend(reversed([v for k, v in cur.items() if k not in NOT_POSTS]))


class ShapeReader:
    """Reads a page's JSON (an API answer) by shape, for one platform (from the caller or the URL's host)."""

    def __init__(self, platform: str):
        self.platform = platform
        self.spec = PLATFORMS[platform]
        self.name = "%s/shape" % platform

    def platform_for(self, page) -> str:
        return self.platform

    def parse(self, page) -> list[Envelope]:
        return self.read(page, page.json)

    def read(self, page, data: Any) -> list[Envelope]:
        records: list[Envelope] = []
        for kind, obj in find(data):
            build = getattr(self, "_" + kind)
            try:
                record = build(page, obj)
            except ValueError:  # pydantic ValidationError: the object's values are not what the names said
                record = None
            if record is not None:
                records.append(record)
        return records

    def _url(self, template: str | None, page=None, **ids: Any) -> str | None:
        """The template filled with the object's own ids; None when one it needs is missing."""
        if not template or any(("{%s}" % k) in template and not v for k, v in ids.items()):
            return None
        host = host_of(page.url if page is not None else None)
        if "{host}" in template and not host:
            return None
        return template.format(host=host, **{k: v or "" for k, v in ids.items()})

    def _envelope(self, page, kind: str, **fields: Any) -> Envelope:
        from crawler.redact import NAVIGATION_PARAMS, redact_url  # without signing tokens

        fields.update(platform=self.platform, source_url=redact_url(page.url), fetched_at=page.fetched_at,
                      crawl_id=page.crawl_id, query=page.query, extractor="shape", partial=True)
        if isinstance(fields.get("url"), str):
            fields["url"] = redact_url(fields["url"], keep=NAVIGATION_PARAMS)
        return KINDS[kind](**fields)

    def _ref(self, obj: dict | None) -> dict:
        if not obj:
            return {"id": None, "handle": None, "name": None, "url": None}
        author_id = _id(obj, ACCOUNT_IDS)
        handle = _first(obj, HANDLES)
        return {"id": author_id, "handle": handle, "name": _first(obj, NAMES),
                "url": self._url(self.spec.account_url, handle=handle, author_id=author_id)}

    def _post(self, page, obj: dict) -> Envelope | None:
        post_id = _id(obj, POST_IDS)
        author = _author(obj)
        ref = self._ref(author)
        code = _first(obj, CODES)
        url = absolute_url(_first(obj, ("share_url", "url", "link", "permalink"))) or self._url(
            self.spec.post_url, page, id=post_id, code=code, handle=ref["handle"], author_id=ref["id"])
        if not url:
            return None
        text = _first(obj, TEXTS)
        if isinstance(obj.get("caption"), dict):
            text = as_str(obj["caption"].get("text"))
        images = next((obj[k] for k in IMAGE_LISTS if isinstance(obj.get(k), list) and obj[k]), None)
        return self._envelope(
            page, "post", id=post_id, url=url, author=ref,
            title=_first(obj, ("title", "display_title")) if text is not None else None,
            text=text if text is not None else _first(obj, ("title", "display_title")),
            hashtags=hashtags(text), created_at=_first(obj, TIMES, coerce=to_utc),
            media_type="images" if images and not self._duration(obj) else "video" if _has_media(obj) else "text",
            duration_s=self._duration(obj), image_count=len(images) if images else None,
            metrics={"views": _count(obj, VIEWS, hidden_zero=self.platform in _ZERO_VIEWS_HIDDEN),
                     "likes": _count(obj, LIKES), "comments": _count(obj, COMMENTS),
                     "shares": _count(obj, SHARES), "saves": _count(obj, SAVES)},
        )

    def _duration(self, obj: dict) -> float | None:
        value = pick(obj, "video.duration", as_float) or as_float(obj.get("duration")) or as_float(
            obj.get("video_duration"))
        if not value:
            return None
        in_ms = _DURATION_MS.get(self.platform, False)
        if in_ms is None:
            in_ms = "aweme_id" in obj
        return value / 1000 if in_ms else value

    def _listing(self, page, obj: dict) -> Envelope | None:
        listing_id = _id(obj, LISTING_IDS)
        shop_id = _first(obj, ("shopid", "shop_id", "shopId", "seller_id", "sellerId"))
        url = absolute_url(_first(obj, ("url", "item_url", "itemUrl", "product_url", "link")), page.url) or self._url(
            self.spec.listing_url, page, id=listing_id, shop_id=shop_id)
        if not url:
            return None
        currency = _first(obj, CURRENCIES) or site_currency(self.platform, page.url)
        scale = _PRICE_SCALE.get(self.platform, 1)

        def price(keys):
            value = _first(obj, keys, coerce=None)
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                return None
            return scaled_money(value, currency, scale) if scale != 1 and isinstance(value, int) else money(
                value, currency)

        seller = obj.get("seller") if isinstance(obj.get("seller"), dict) else None
        return self._envelope(
            page, "listing", id=listing_id, url=url, title=_first(obj, TITLES),
            price=price(PRICES), price_max=price(PRICE_MAX), original_price=price(ORIGINAL_PRICES),
            seller={"id": shop_id or (seller and _id(seller, ACCOUNT_IDS)), "handle": None,
                    "name": _first(obj, ("shop_name", "shopName", "seller_name", "sellerName"))
                    or (seller and _first(seller, NAMES)), "url": None} if shop_id or seller else None,
            sold_count=_first(obj, SOLD, coerce=as_count),
        )

    def _account(self, page, obj: dict) -> Envelope | None:
        ref = self._ref(obj)
        if not ref["url"]:
            return None
        return self._envelope(
            page, "account", id=ref["id"], url=ref["url"], handle=ref["handle"], name=ref["name"],
            bio=_first(obj, ("signature", "biography", "bio", "description", "desc")),
            followers=_count(obj, FOLLOWERS), following=_count(obj, FOLLOWING),
        )
