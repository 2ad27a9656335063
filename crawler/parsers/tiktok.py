"""TikTok: posts, profiles and LIVE rooms from the web app's embedded state, and the oEmbed API.

Where the data is:
- ``<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">`` → ``__DEFAULT_SCOPE__``, one entry per page
  type, each with a ``statusCode`` (0 = ok; 10204 not found, 10222 private, ...):
  - video/photo page ``/@handle/video|photo/<id>``: ``["webapp.video-detail"].itemInfo.itemStruct``;
  - mobile share ("reflow") page ``m.tiktok.com/v/<id>.html``:
    ``["webapp.reflow.video.detail"].itemInfo.itemStruct`` (photo posts carry ``imagePost.images``);
  - profile ``/@handle``: ``["webapp.user-detail"].userInfo{user, stats, statsV2, itemList}``; the
    post tiles rendered in the DOM (``a[href*="/video/"]`` with a ``data-e2e="video-views"`` count)
    are read too when ``itemList`` is empty, as it is in server HTML.
- LIVE page ``/@handle/live``: ``<script id="SIGI_STATE">`` → ``LiveRoom.liveRoomUserInfo{user,
  stats, liveRoom{status, startTime, title, liveRoomStats{userCount, enterCount}}}``.
- oEmbed ``www.tiktok.com/oembed?url=...``: caption, author handle and name only (no counts, no time).
- The web API the app calls itself (JSON; the spider captures these answers as the page scrolls):
  ``/api/post/item_list/`` (a profile's posts: ``itemList``), ``/api/search/item/full/`` (``item_list``),
  ``/api/search/general/full/`` (``data[]`` cards: ``item`` for a post, ``user_list[].user_info`` for
  accounts) and ``/api/search/user/full/`` (``user_list[].user_info``, snake_case: ``uid``,
  ``unique_id``, ``follower_count``...). Items are the same itemStructs as on the pages above.
  ``statusCode``/``status_code`` other than 0 is an error (or a block, for the captcha codes).

An itemStruct gives a post plus, when ``authorStats`` is present, an account record for its author.
``stats`` values may be numbers or strings and every ``statsV2`` value is a string; both are read
as exact counts. The WAF challenge page (elements ``#cs`` and ``#wci``) is reported as blocked.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector

from crawler.errors import PageChanged
from crawler.helpers.paths import as_bool, as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first
from crawler.helpers.text import absolute_url, hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

BASE = "https://www.tiktok.com"
_HOST = r"^https?://(?:(?:www|m|vm|vt)\.)?tiktok\.com"
_HANDLE = r"@[^/?#]+"
_POST_LINK = re.compile(r"/@([^/?#]+)/(video|photo)/(\d+)")

# statusCode values of the web app (TikTok-Api's table) that mean a block, not a missing object
_BLOCK_STATUS = {10000: "captcha", 10113: "captcha", 10114: "access_denied", 10102: "login_wall", 10119: "login_wall"}
_STATUS_NAMES = {
    10000: "verification code required", 10102: "login required", 10113: "slide captcha",
    10114: "blocked", 10119: "login required for LIVE", 10202: "user does not exist",
    10204: "video does not exist", 10210: "LIVE does not exist", 10215: "video abnormal",
    10216: "video private", 10221: "user banned", 10222: "private account", 10223: "user FTC",
    10227: "video needs recheck", 10228: "video risk", 10231: "video geo-blocked",
}
# LiveRoom.liveRoom.status (webcast room status): 2 on air, 4 finished
_LIVE_STATUS = {2: "live", 4: "ended"}


# ---- shared readers -------------------------------------------------------------------------

def _waf_challenge(page: Page) -> bool:
    """TikTok's WAF proof-of-work page: ``#cs`` (base64 challenge) with ``#wci`` (cookie name)."""
    if page.is_json:
        return False
    sel = page.sel
    return bool(sel.xpath('//*[@id="cs"]')) and bool(sel.xpath('//*[@id="wci"]') or "_wafchallengeid" in page.text)


def _scope(page: Page) -> dict | None:
    scope = pick(page.script_json("__UNIVERSAL_DATA_FOR_REHYDRATION__"), "__DEFAULT_SCOPE__")
    return scope if isinstance(scope, dict) else None


def _status(detail: Any) -> int | None:
    """The scope entry's statusCode when it is not 0 (ok)."""
    return pick(detail, "statusCode", as_int) or None


def _status_error(parser: Parser, detail: dict, code: int) -> PageChanged:
    message = pick_first(detail, "statusMsg", "statusMessage", "status_msg", coerce=as_str)
    name = _STATUS_NAMES.get(code, "unknown status")
    return PageChanged("%s: TikTok answered statusCode %d (%s%s) instead of the data" % (
        parser.name, code, name, ", %s" % message if message else ""))


def _count(stats: list, *keys: str) -> int | None:
    """The first readable count under ``keys`` (in order) in the stats objects (numbers or digit strings)."""
    for key in keys:
        for obj in stats:
            value = pick(obj, (key,), as_count)
            if value is not None:
                return value
    return None


def _ref(user: Any) -> dict:
    handle = pick(user, "uniqueId", as_str)
    return {
        "id": pick(user, "id", as_digits),
        "handle": handle,
        "name": pick(user, "nickname", as_str),
        "url": "%s/@%s" % (BASE, handle) if handle else None,
    }


def _account(parser: Parser, page: Page, user: Any, stats: list, extractor: str):
    """An account record for a TikTok user object and its stats objects; None without an id."""
    ref = _ref(user)
    if not ref["id"] or not ref["handle"]:
        return None
    link = pick(user, "bioLink.link", as_str)  # shown without a scheme: "linktr.ee/x"
    link = absolute_url(link if not link or "://" in link else "https://" + link)
    return parser.record(
        page, "account", extractor=extractor,
        id=ref["id"], url=ref["url"],
        handle=ref["handle"], name=ref["name"],
        bio=pick(user, "signature", as_str),
        followers=_count(stats, "followerCount"),
        following=_count(stats, "followingCount"),
        likes_total=_count(stats, "heartCount", "heart"),  # "heart" overflowed int32 on big accounts
        posts_count=_count(stats, "videoCount"),
        verified=pick(user, "verified", as_bool),
        region=pick(user, "region", as_str),
        links=[link] if link else [],
    )


def _post_url(post_id: str, handle: str | None, canonical: Any, photo: bool) -> str:
    """The page's canonical post URL when it is a usable one, else built from the handle and id.

    The share page's canonical can be ``https://www.tiktok.com/@/video/<id>`` (empty handle)."""
    if isinstance(canonical, str) and re.fullmatch(r"https://www\.tiktok\.com/@[^/?#]+/(?:video|photo)/%s" % post_id, canonical):
        return canonical
    if handle:
        return "%s/@%s/%s/%s" % (BASE, handle, "photo" if photo else "video", post_id)
    return "https://m.tiktok.com/v/%s.html" % post_id


def _item_post(parser: Parser, page: Page, item: dict, canonical: Any = None, extractor: str = "hydration"):
    """A post record for one itemStruct; None when it has no id."""
    post_id = pick(item, "id", as_digits)
    if not post_id:
        return None
    author = _ref(item.get("author"))
    images = as_list(pick(item, "imagePost.images"))
    stats = [item.get("statsV2"), item.get("stats")]
    likes, comments, shares = _count(stats, "diggCount"), _count(stats, "commentCount"), _count(stats, "shareCount")
    views = _count(stats, "playCount")
    if views == 0 and any((likes, comments, shares)):
        # TikTok sends playCount 0 when it does not show the plays (a post cannot be liked unseen):
        # hidden, so unknown (SCHEMA: "unknown is null").
        views = None
    duration = pick(item, "video.duration", as_float)
    music = item.get("music") if isinstance(item.get("music"), dict) else {}
    music_title, music_author = as_str(music.get("title")), as_str(music.get("authorName"))
    text = pick(item, "desc", as_str)
    return parser.record(
        page, "post", extractor=extractor,
        id=post_id,
        url=_post_url(post_id, author["handle"], canonical, bool(images)),
        author=author,
        title=pick(item, "imagePost.title", as_str),
        text=text,
        hashtags=hashtags(text),
        created_at=to_utc(pick(item, "createTime")),
        media_type="images" if images else "video",
        duration_s=duration if duration else None,  # 0 on photo posts: no video, not a 0-second one
        image_count=len(images) if images else None,
        metrics={"views": views, "likes": likes, "comments": comments, "shares": shares,
                 "saves": _count(stats, "collectCount")},
        music={"title": music_title, "author": music_author} if music_title or music_author else None,
        location=pick(item, "locationCreated", as_str),
    )


# ---- page parsers ---------------------------------------------------------------------------

class _ScopeParser(Parser):
    """A page read from one ``__DEFAULT_SCOPE__`` entry (the first of ``scope_keys`` present)."""

    scope_keys: tuple[str, ...] = ()

    def sniff(self, page: Page) -> bool:
        return not page.is_json and '"%s"' % self.scope_keys[0] in page.text

    def _detail(self, page: Page) -> dict | None:
        scope = _scope(page)
        for key in self.scope_keys:
            if isinstance(pick(scope, (key,)), dict):
                return scope[key]
        return None

    def detect_block(self, page: Page) -> str | None:
        if _waf_challenge(page):
            return "verification"
        return _BLOCK_STATUS.get(_status(self._detail(page)) or 0)

    def detail(self, page: Page) -> dict:
        """The scope entry, checked: PageChanged when absent or when TikTok answered an error status."""
        if _scope(page) is None:
            raise self.changed("<script id=__UNIVERSAL_DATA_FOR_REHYDRATION__> with __DEFAULT_SCOPE__ not found")
        detail = self._detail(page)
        if detail is None:
            raise self.changed("__DEFAULT_SCOPE__[%s] not found" % " or ".join(repr(k) for k in self.scope_keys))
        code = _status(detail)
        if code:
            raise _status_error(self, detail, code)
        return detail


def _item_author(parser: Parser, page: Page, item: dict, extractor: str):
    """The author's account record when the item carries the author's stats (``authorStats``), else None."""
    stats = [item.get("authorStatsV2"), item.get("authorStats")]
    if not any(isinstance(s, dict) and s for s in stats):
        return None
    return _account(parser, page, item.get("author"), stats + [item.get("author")], extractor)


class _ItemPageParser(_ScopeParser):
    def parse(self, page: Page) -> Iterator:
        item = pick(self.detail(page), "itemInfo.itemStruct")
        if not isinstance(item, dict):
            raise self.changed("itemInfo.itemStruct not found")
        post = _item_post(self, page, item, pick(_scope(page), ("seo.abtest", "canonical")))
        if post is None:
            raise self.changed("itemInfo.itemStruct.id not found")
        yield post
        account = _item_author(self, page, item, "hydration")
        if account is not None:
            yield account


@register
class TikTokVideoParser(_ItemPageParser):
    platform = "tiktok"
    page_type = "video"
    url_pattern = _HOST + r"/%s/(?:video|photo)/\d+" % _HANDLE
    scope_keys = ("webapp.video-detail", "webapp.reflow.video.detail")


@register
class TikTokReflowParser(_ItemPageParser):
    platform = "tiktok"
    page_type = "reflow"
    url_pattern = _HOST + r"/v/\d+(?:\.html)?"
    scope_keys = ("webapp.reflow.video.detail", "webapp.video-detail")


@register
class TikTokProfileParser(_ScopeParser):
    platform = "tiktok"
    page_type = "profile"
    url_pattern = _HOST + r"/%s/?(?:[?#]|$)" % _HANDLE
    scope_keys = ("webapp.user-detail",)

    def parse(self, page: Page) -> Iterator:
        info = pick(self.detail(page), "userInfo")
        user = pick(info, "user")
        account = _account(self, page, user, [pick(info, "statsV2"), pick(info, "stats")], "hydration")
        if account is None:
            raise self.changed("userInfo.user with id and uniqueId not found")
        yield account
        for item in as_list(pick(info, "itemList")):
            post = _item_post(self, page, item) if isinstance(item, dict) else None
            if post is not None:
                yield post
        yield from self._tiles(page, _ref(user))

    def _tiles(self, page: Page, author: dict) -> Iterator:
        """The post tiles of the rendered grid: id and view count from each ``/@handle/video/<id>`` link."""
        for link in page.sel.xpath('//a[contains(@href, "/video/") or contains(@href, "/photo/")]'):
            match = _POST_LINK.search(link.attrib.get("href", ""))
            if not match or match.group(1).lower() != author["handle"].lower():
                continue  # another account's post (suggestions, reposts)
            handle, kind, post_id = match.groups()
            yield self.record(
                page, "post", extractor="dom",
                id=post_id,
                url="%s/@%s/%s/%s" % (BASE, handle, kind, post_id),
                author=author,
                media_type="images" if kind == "photo" else "video",
                metrics={"views": as_count(link.xpath('string(.//*[@data-e2e="video-views"])').get() or None)},
            )


@register
class TikTokLiveParser(Parser):
    platform = "tiktok"
    page_type = "live"
    url_pattern = _HOST + r"/%s/live\b" % _HANDLE

    def sniff(self, page: Page) -> bool:
        return not page.is_json and 'id="SIGI_STATE"' in page.text and '"LiveRoom"' in page.text

    def detect_block(self, page: Page) -> str | None:
        if _waf_challenge(page):
            return "verification"
        live_room = pick(page.script_json("SIGI_STATE"), "LiveRoom")
        if pick(live_room, "needLogin") is True and not pick(live_room, "liveRoomUserInfo.user"):
            return "login_wall"
        return None

    def parse(self, page: Page) -> Iterator:
        state = page.script_json("SIGI_STATE")
        if not isinstance(state, dict):
            raise self.changed("<script id=SIGI_STATE> not found")
        info = pick(state, "LiveRoom.liveRoomUserInfo")
        user = pick(info, "user")
        host = _ref(user)
        if not isinstance(user, dict) or not host["id"] or not host["handle"]:
            raise self.changed("LiveRoom.liveRoomUserInfo.user not found")
        room = pick(info, "liveRoom") if isinstance(pick(info, "liveRoom"), dict) else {}
        room_id = pick_first(user, "roomId", coerce=as_digits) or pick(room, "roomId", as_digits)
        if room_id:
            yield self.record(
                page, "live", extractor="hydration",
                id=room_id,
                url="%s/@%s/live" % (BASE, host["handle"]),
                host=host,
                title=pick(room, "title", as_str),
                status=_LIVE_STATUS.get(pick(room, "status", as_int), "unknown"),
                started_at=to_utc(pick(room, "startTime")),
                viewers=pick(room, "liveRoomStats.userCount", as_count),
                total_viewers=pick(room, "liveRoomStats.enterCount", as_count),
            )
        # the host's account; alone when the host is not on air (no room)
        account = _account(self, page, user, [pick(info, "statsV2"), pick(info, "stats")], "hydration")
        if account is not None:
            yield account


@register
class TikTokOEmbedParser(Parser):
    platform = "tiktok"
    page_type = "oembed"
    url_pattern = _HOST + r"/oembed\b"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def sniff(self, page: Page) -> bool:
        return page.is_json and '"embed_product_id"' in page.text and "tiktok.com" in page.text

    def parse(self, page: Page) -> Iterator:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the oEmbed answer is not a JSON object")
        html = pick(data, "html", as_str) or ""
        embed = Selector(text=html) if "<blockquote" in html else None
        post_id = pick(data, "embed_product_id", as_digits) or (
            as_digits(embed.xpath("//blockquote/@data-video-id").get()) if embed else None)
        if not post_id:
            error = pick_first(data, "status_msg", "message", "msg", coerce=as_str)
            if error:
                raise PageChanged("%s: the oEmbed API answered %r instead of a post" % (self.name, error))
            raise self.changed("embed_product_id not found")
        author_url = pick(data, "author_url", as_str)
        handle = pick(data, "author_unique_id", as_str)
        if not handle and author_url:
            match = re.search(r"/@([^/?#]+)", author_url)
            handle = match.group(1) if match else None
        cite = embed.xpath("//blockquote/@cite").get() if embed else None
        text = pick(data, "title", as_str)  # oEmbed's title is the caption
        photo = pick(data, "embed_type", as_str) in ("photo", "image", "images")
        yield self.record(
            page, "post", extractor="api",
            id=post_id,
            url=_post_url(post_id, handle, cite, photo),
            author={
                "id": None,  # oEmbed gives no numeric user id
                "handle": handle,
                "name": pick(data, "author_name", as_str),
                "url": absolute_url(author_url) or ("%s/@%s" % (BASE, handle) if handle else None),
            },
            text=text,
            hashtags=hashtags(text),
            media_type="images" if photo else "video",
        )


# ---- web API answers (captured by the spider while the page scrolls) -------------------------

_API = r"^https?://(?:www|m)\.tiktok\.com/api/"


def _search_user(parser: Parser, page: Page, info: Any):
    """An account record for a search ``user_info`` (snake_case keys, as the search API writes them)."""
    handle = pick_first(info, "unique_id", "uniqueId", coerce=as_str)
    user_id = pick_first(info, "uid", "user_id", "id", coerce=as_digits)
    if not user_id or not handle:
        return None
    return parser.record(
        page, "account", extractor="api",
        id=user_id, url="%s/@%s" % (BASE, handle),
        handle=handle,
        name=pick(info, "nickname", as_str),
        bio=pick(info, "signature", as_str),
        followers=pick_first(info, "follower_count", "followerCount", coerce=as_count),
        following=pick_first(info, "following_count", "followingCount", coerce=as_count),
        likes_total=pick_first(info, "total_favorited", "heartCount", coerce=as_count),
        posts_count=pick_first(info, "aweme_count", "videoCount", coerce=as_count),
        verified=pick(info, "verified", as_bool),  # custom_verify is a label, not a yes/no: unknown without it
    )


class _ApiParser(Parser):
    """A JSON answer of the web API: ``statusCode``/``status_code`` 0 when it carries data."""

    list_key: str = ""

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def _code(self, page: Page) -> int | None:
        try:
            data = page.json
        except PageChanged:
            return None
        return pick_first(data, "statusCode", "status_code", coerce=as_int) or None

    def detect_block(self, page: Page) -> str | None:
        return _BLOCK_STATUS.get(self._code(page) or 0)

    def data(self, page: Page) -> dict:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the API answer is not a JSON object")
        code = self._code(page)
        if code:
            raise _status_error(self, data, code)
        return data

    def items(self, page: Page, data: dict) -> list:
        """The answer's list; an answer without it must say it has no more (an empty result)."""
        items = data.get(self.list_key)
        if items is None:
            if not any(k in data for k in ("hasMore", "has_more", "cursor")):
                raise self.changed("%s not found" % self.list_key)
            return []
        if not isinstance(items, list):
            raise self.changed("%s is not a list" % self.list_key)
        return items

    def parse(self, page: Page) -> Iterator:
        """The records of every item in ``list_key`` (subclasses with other shapes override this)."""
        for item in self.items(page, self.data(page)):
            yield from self.item_records(page, item)

    def item_records(self, page: Page, item: Any) -> Iterator:
        if not isinstance(item, dict):
            return
        post = _item_post(self, page, item, extractor="api")
        if post is not None:
            yield post
            account = _item_author(self, page, item, "api")
            if account is not None:
                yield account


@register
class TikTokPostListParser(_ApiParser):
    """``/api/post/item_list/?secUid=...&cursor=...``: a profile's posts, ``itemList`` of itemStructs."""

    platform = "tiktok"
    page_type = "post_list"
    url_pattern = _API + r"(?:post|favorite|story|recommend|related|challenge)/item_list/?(?:[?#]|$)"
    list_key = "itemList"


@register
class TikTokSearchItemsParser(_ApiParser):
    """``/api/search/item/full/?keyword=...``: the Videos tab, ``item_list`` of itemStructs."""

    platform = "tiktok"
    page_type = "search_items"
    url_pattern = _API + r"search/item/full/?(?:[?#]|$)"
    list_key = "item_list"


@register
class TikTokSearchGeneralParser(_ApiParser):
    """``/api/search/general/full/?keyword=...``: the Top tab, ``data[]`` of cards: ``{type: 1, item}``
    for a post, ``{type: 4, user_list: [{user_info}]}`` for matching accounts."""

    platform = "tiktok"
    page_type = "search_general"
    url_pattern = _API + r"search/general/full/?(?:[?#]|$)"
    list_key = "data"

    def parse(self, page: Page) -> Iterator:
        for card in self.items(page, self.data(page)):
            yield from self.item_records(page, pick(card, "item"))
            for user in as_list(pick(card, "user_list")):
                account = _search_user(self, page, pick(user, "user_info"))
                if account is not None:
                    yield account


@register
class TikTokSearchUsersParser(_ApiParser):
    """``/api/search/user/full/?keyword=...``: the Users tab, ``user_list[].user_info``."""

    platform = "tiktok"
    page_type = "search_users"
    url_pattern = _API + r"search/user/full/?(?:[?#]|$)"
    list_key = "user_list"

    def parse(self, page: Page) -> Iterator:
        for user in self.items(page, self.data(page)):
            account = _search_user(self, page, pick(user, "user_info"))
            if account is not None:
                yield account
