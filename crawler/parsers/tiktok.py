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
- Legacy layouts still served: ``<script id="SIGI_STATE">`` JSON, or ``window['SIGI_STATE']={...}``
  (a JS literal) in ``<script id="sigi-persisted-data">``: ``ItemModule{<id>: item}`` (the item's
  ``author`` is a handle; ``authorId``/``nickname`` beside it), ``UserModule{users, stats}`` keyed by
  handle; and the Next.js ``__NEXT_DATA__`` (``props.pageProps.itemInfo/userInfo``).
- LIVE page ``/@handle/live``: ``<script id="SIGI_STATE">`` → ``LiveRoom.liveRoomUserInfo{user,
  stats, liveRoom{status, startTime, title, liveRoomStats{userCount, enterCount}}}``; the webcast API
  ``webcast.tiktok.com/webcast/room/info/`` → ``data{id_str, status, owner, user_count}``.
- oEmbed ``www.tiktok.com/oembed?url=...``: caption, author handle and name only (no counts, no time).
- The web API the app calls itself (JSON; the spider captures these answers as the page scrolls):
  ``/api/post/item_list/`` (a profile's posts: ``itemList``), ``/api/search/item/full/`` (``item_list``),
  ``/api/search/general/full/`` (``data[]`` cards: ``item`` for a post, ``user_list[].user_info`` for
  accounts), ``/api/search/user/full/`` (``user_list[].user_info``, snake_case: ``uid``,
  ``unique_id``, ``follower_count``...), ``/api/item/detail/`` (``itemInfo.itemStruct``) and
  ``/api/user/detail/`` (``userInfo``). Items are the same itemStructs as on the pages above.
- The app's API (``api16-normal-c-useast1a.tiktokv.com/aweme/v1/feed/`` and the other ``/aweme/v1/``
  endpoints): ``aweme_list``/``aweme_detail`` of awemes in snake_case, read with Douyin's aweme
  reader (``crawler.parsers.douyin.AwemeParser``) with TikTok's ids and URLs.

Everything is found by its shape (an itemStruct: numeric ``id``, ``desc``, ``createTime``, an author
and stats; a ``userInfo``: ``user{uniqueId}`` with stats; an aweme), not by the URL: answers and pages
saved without their URL, or under another URL, are recognised by ``sniff`` and read for what they
hold — a video URL that serves a profile gives the profile, never a post with the URL's id.
``statusCode``/``status_code`` other than 0 never hides data: a page or answer with data is read
whatever its status (a private account's ``userInfo`` under 10222); only one without data is
explained by its status (PageChanged), or is a block for the verification codes.

An itemStruct gives a post plus, when ``authorStats`` is present, an account record for its author.
``stats`` values may be numbers or strings and every ``statsV2`` value is a string; both are read
as exact counts. The WAF challenge page (elements ``#cs`` and ``#wci``) is reported as blocked.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any


from crawler.errors import PageChanged
from crawler.helpers.embedded import html_selector
from crawler.helpers.paths import as_bool, as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first, outermost
from crawler.helpers.text import absolute_url, hashtags
from crawler.helpers.times import to_utc
from crawler.blocks import bytedance_waf
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.parsers.douyin import AwemeParser, api_awemes, aweme_platform
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


def _item_author_ref(item: dict, users: Any = None) -> dict:
    """The author of an itemStruct: its ``author`` object, or (legacy SIGI_STATE ``ItemModule``) the
    handle in ``author`` with ``authorId``/``nickname`` beside it and the user in ``UserModule.users``."""
    author = item.get("author")
    if isinstance(author, dict):
        return _ref(author)
    handle = as_str(author)
    user = pick(users, (handle,)) if handle else None
    if isinstance(user, dict) and pick(user, "uniqueId", as_str) == handle:
        return _ref(user)
    return {
        "id": pick(item, "authorId", as_digits),
        "handle": handle,
        "name": pick(item, "nickname", as_str),
        "url": "%s/@%s" % (BASE, handle) if handle else None,
    }


def _is_item(node: dict) -> bool:
    """An itemStruct (web app and web API): a numeric id, desc, createTime, an author and stats."""
    return (as_digits(node.get("id")) is not None and "desc" in node and "createTime" in node
            and isinstance(node.get("author"), (dict, str))
            and (isinstance(node.get("stats"), dict) or isinstance(node.get("statsV2"), dict)))


def _is_user_info(node: dict) -> bool:
    """A ``userInfo`` (profile page, ``/api/user/detail/``): ``user{id, uniqueId}`` with its ``stats``."""
    return (isinstance(node.get("user"), dict) and pick(node, "user.uniqueId", as_str) is not None
            and (isinstance(node.get("stats"), dict) or isinstance(node.get("statsV2"), dict))
            and "liveRoom" not in node)



def _item_post(parser: Parser, page: Page, item: dict, canonical: Any = None, extractor: str = "hydration",
               users: Any = None):
    """A post record for one itemStruct; None when it has no id."""
    post_id = pick(item, "id", as_digits)
    if not post_id:
        return None
    author = _item_author_ref(item, users)
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

_SIGI_NAMES = ("window['SIGI_STATE']", 'window["SIGI_STATE"]', "window.SIGI_STATE")


def _sigi(page: Page) -> dict | None:
    """The legacy state: ``<script id="SIGI_STATE">`` JSON, or ``window['SIGI_STATE']=...`` in
    ``<script id="sigi-persisted-data">`` (a JS literal)."""
    state = page.script_json("SIGI_STATE")
    if not isinstance(state, dict) and "SIGI_STATE" in page.text:
        for name in _SIGI_NAMES:
            state = page.js_assignment(name)
            if isinstance(state, dict):
                break
    return state if isinstance(state, dict) else None


def _next_data(page: Page) -> dict | None:
    """The 2020-2021 Next.js layout: ``__NEXT_DATA__.props.pageProps{itemInfo, userInfo, statusCode}``."""
    state = page.script_json("__NEXT_DATA__")
    return state if isinstance(state, dict) and "tiktok" in page.text[:200_000].lower() else None


class _PageParser(Parser):
    """A page of the web app, read from whatever state it carries (``__UNIVERSAL_DATA_FOR_REHYDRATION__``,
    legacy ``SIGI_STATE`` / ``sigi-persisted-data``, ``__NEXT_DATA__``): every itemStruct is a post
    (with its author's account when the item carries ``authorStats``), every ``userInfo`` and
    ``UserModule`` user an account. What the page holds is read whatever its URL says: a video URL
    that serves a profile gives the profile, never a post with the URL's id. A ``statusCode`` other
    than 0 explains a page without data; a page with data is read whatever its status."""

    scope_keys: tuple[str, ...] = ()

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        text = page.text
        if any('"%s"' % key in text for key in self.scope_keys):
            return True
        return self.sniff_legacy(text)

    def sniff_legacy(self, text: str) -> bool:
        return False

    def detect_block(self, page: Page) -> str | None:
        if bytedance_waf(page):
            return "verification"
        for code in self._statuses(page):
            if code in _BLOCK_STATUS:
                return _BLOCK_STATUS[code]
        return None

    @staticmethod
    def _states(page: Page) -> list[dict]:
        return [s for s in (_scope(page), _sigi(page), _next_data(page)) if s is not None]

    def _statuses(self, page: Page) -> list[int]:
        codes = []
        for state in self._states(page):
            for node in outermost(state, lambda d: "statusCode" in d):
                code = _status(node)
                if code:
                    codes.append(code)
        return codes

    def parse(self, page: Page) -> Iterator:
        states = self._states(page)
        if not states:
            raise self.changed("<script id=__UNIVERSAL_DATA_FOR_REHYDRATION__> with __DEFAULT_SCOPE__ "
                               "(or a legacy SIGI_STATE) not found")
        records = list(self._records(page, states))
        if records:
            yield from records
            return
        for state in states:
            for node in outermost(state, lambda d: bool(_status(d))):
                raise _status_error(self, node, _status(node))
        scope = _scope(page)
        if scope is not None and not any(isinstance(scope.get(k), dict) for k in self.scope_keys):
            raise self.changed("__DEFAULT_SCOPE__[%s] not found" % " or ".join(repr(k) for k in self.scope_keys))
        raise self.changed("no itemInfo.itemStruct, userInfo.user or SIGI_STATE ItemModule/UserModule with an id")

    def _records(self, page: Page, states: list[dict]) -> Iterator:
        scope = _scope(page)
        canonical = pick(scope, ("seo.abtest", "canonical"))
        for state in states:
            users = pick(state, "UserModule.users")
            # the page's users first: a profile's account, then its posts
            for info in outermost(state, _is_user_info):
                account = _account(self, page, info["user"], [info.get("statsV2"), info.get("stats")], "hydration")
                if account is not None:
                    yield account
            if isinstance(users, dict):
                for handle, user in users.items():
                    stats = pick(state, ("UserModule", "stats", handle))
                    account = _account(self, page, user, [stats, user], "hydration")
                    if account is not None:
                        yield account
            for item in outermost(state, _is_item):
                post = _item_post(self, page, item, canonical, users=users)
                if post is None:
                    continue
                yield post
                account = _item_author(self, page, item, "hydration")
                if account is not None:
                    yield account
        yield from self._tiles(page, scope)

    def _tiles(self, page: Page, scope: Any) -> Iterator:
        """The post tiles of a rendered profile grid: id and view count from each ``/@handle/video/<id>``
        link of the profile's own handle (``webapp.user-detail``), when the state lists no items."""
        info = pick(scope, ("webapp.user-detail", "userInfo"))
        author = _ref(pick(info, "user"))
        if not author["id"] or not author["handle"] or as_list(pick(info, "itemList")):
            return
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
                partial=True,  # a tile: no caption, time or other counts
            )


def _item_author(parser: Parser, page: Page, item: dict, extractor: str):
    """The author's account record when the item carries the author's stats (``authorStats``), else None."""
    stats = [item.get("authorStatsV2"), item.get("authorStats")]
    if not any(isinstance(s, dict) and s for s in stats) or not isinstance(item.get("author"), dict):
        return None
    return _account(parser, page, item.get("author"), stats + [item.get("author")], extractor)


@register
class TikTokVideoParser(_PageParser):
    platform = "tiktok"
    page_type = "video"
    url_pattern = _HOST + r"/%s/(?:video|photo)/\d+" % _HANDLE
    scope_keys = ("webapp.video-detail", "webapp.reflow.video.detail")

    def sniff_legacy(self, text: str) -> bool:
        # SIGI_STATE with items, or the Next.js layout with an itemStruct
        return ("SIGI_STATE" in text and "ItemModule" in text and "UserModule" not in text) or (
            "__NEXT_DATA__" in text and '"itemStruct"' in text)


@register
class TikTokReflowParser(_PageParser):
    platform = "tiktok"
    page_type = "reflow"
    url_pattern = _HOST + r"/v/\d+(?:\.html)?"
    scope_keys = ("webapp.reflow.video.detail", "webapp.video-detail")


@register
class TikTokProfileParser(_PageParser):
    platform = "tiktok"
    page_type = "profile"
    url_pattern = _HOST + r"/%s/?(?:[?#]|$)" % _HANDLE
    scope_keys = ("webapp.user-detail",)

    def sniff_legacy(self, text: str) -> bool:
        return ("SIGI_STATE" in text and "UserModule" in text) or (
            "__NEXT_DATA__" in text and '"userInfo"' in text and '"uniqueId"' in text)


@register
class TikTokLiveParser(Parser):
    platform = "tiktok"
    page_type = "live"
    priority = 1  # a LIVE page's SIGI_STATE may carry a UserModule too: the room comes first
    url_pattern = _HOST + r"/%s/live\b" % _HANDLE

    def sniff(self, page: Page) -> bool:
        return not page.is_json and 'id="SIGI_STATE"' in page.text and '"LiveRoom"' in page.text

    def detect_block(self, page: Page) -> str | None:
        if bytedance_waf(page):
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

    body = "json"

    markers = ('"embed_product_id"', "tiktok.com")

    def parse(self, page: Page) -> Iterator:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the oEmbed answer is not a JSON object")
        html = pick(data, "html", as_str) or ""
        embed = html_selector(html) if "<blockquote" in html else None
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


# ---- web and mobile API answers (captured by the spider while the page scrolls) --------------

_API = r"^https?://(?:www|m|us|t)\.tiktok\.com/api/"
# the app's API hosts: api16-normal-c-useast1a.tiktokv.com, api22-core-c-alisg.tiktokv.com, api.tiktokv.com...
_MOBILE_API = r"^https?://(?:[\w-]+\.)*(?:tiktokv|musical\.ly|byteoversea)\.(?:com|net)/(?:aweme|tiktok)/v\d+/"
_LIST_KEYS = ("itemList", "item_list", "aweme_list", "data", "user_list", "items")


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


def _looks_like_tiktok_api(text: str) -> bool:
    """A JSON answer of TikTok's web API (itemStructs, userInfo, search user_info), judged by its keys."""
    if '"createTime"' in text and '"desc"' in text and ('"itemList"' in text or '"item_list"' in text
                                                       or '"itemStruct"' in text or '"item"' in text):
        return '"uniqueId"' in text or '"author"' in text
    if '"userInfo"' in text and '"uniqueId"' in text:
        return True
    if '"user_info"' in text and '"unique_id"' in text:  # search users: no aweme, maybe no host at all
        return aweme_platform(text) != "douyin"
    return False


class _ApiParser(AwemeParser):
    """A JSON answer of the web API (itemStructs in camelCase) or of the app's API (awemes in
    snake_case), read by the shapes it holds whatever the endpoint: itemStructs, ``userInfo``,
    search ``user_info``, awemes and a profile's ``user``. ``statusCode``/``status_code`` other than 0
    explains an answer without data (or is a block, for the verification codes); an answer with data
    is read whatever its status says."""

    platform = "tiktok"
    list_key: str = ""

    body = "json"

    def _code(self, page: Page) -> int | None:
        try:
            data = page.json
        except PageChanged:
            return None
        return pick_first(data, "statusCode", "status_code", coerce=as_int) or None

    def detect_block(self, page: Page) -> str | None:
        return _BLOCK_STATUS.get(self._code(page) or 0)

    # the aweme hooks: TikTok's user id is the numeric uid, its URLs are tiktok.com's
    def author_id(self, user: dict) -> str | None:
        return pick_first(user, "uid", "id", coerce=as_digits)

    def author_url(self, user: dict) -> str | None:
        handle = self.handle_of(user)
        return "%s/@%s" % (BASE, handle) if handle else None

    def post_url(self, aweme, images: bool) -> str:
        return _post_url(aweme.id, self.handle_of(aweme.author), pick(aweme.data, "share_url"), images)

    def hidden_views(self, views: int | None, aweme) -> int | None:
        counts = [aweme.get(k, obj=aweme.stats, coerce=as_count) for k in ("digg_count", "comment_count", "share_count")]
        return None if views == 0 and any(counts) else views

    def parse(self, page: Page) -> Iterator:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the API answer is not a JSON object")
        records = list(self.records(page, data))
        if records:
            yield from records
            return
        code = self._code(page)
        if code:
            raise _status_error(self, data, code)
        self.explain_empty(data)

    def records(self, page: Page, data: dict) -> Iterator:
        """Every itemStruct, userInfo and search user_info in document order, then awemes and a ``user``."""
        for node in outermost(data, lambda d: _is_item(d) or _is_user_info(d) or isinstance(d.get("user_info"), dict)):
            if _is_item(node):
                post = _item_post(self, page, node, extractor="api")
                if post is not None:
                    yield post
                    account = _item_author(self, page, node, "api")
                    if account is not None:
                        yield account
            elif _is_user_info(node):
                account = _account(self, page, node["user"], [node.get("statsV2"), node.get("stats")], "api")
                if account is not None:
                    yield account
            else:
                account = _search_user(self, page, node["user_info"])
                if account is not None:
                    yield account
        if '"aweme_id"' in page.text:
            yield from self.posts(page, api_awemes(data), None, "api", counts_hidden=True)
        user = data.get("user")
        if isinstance(user, dict) and pick_first(user, "unique_id", "uid", coerce=as_str):
            account = _search_user(self, page, user)  # the app's /aweme/v1/user/profile/other/
            if account is not None:
                yield account

    def explain_empty(self, data: dict) -> None:
        """No record: an empty result is fine (a list that is empty, or a paging key without a list);
        a list of the wrong type or no list at all is a changed answer."""
        keys = (self.list_key,) if self.list_key else _LIST_KEYS
        for key in keys:
            if key in data and data[key] is not None:
                if not isinstance(data[key], list):
                    raise self.changed("%s is not a list" % key)
                return
        if any(k in data for k in ("hasMore", "has_more", "cursor", "max_cursor")):
            return
        raise self.changed("%s not found" % (self.list_key or "itemList, item_list, aweme_list, userInfo or data"))


@register
class TikTokPostListParser(_ApiParser):
    """``/api/post/item_list/?secUid=...&cursor=...``: a profile's posts, ``itemList`` of itemStructs."""

    page_type = "post_list"
    url_pattern = _API + r"(?:post|favorite|story|recommend|related|challenge|music|repost)/item_list/?(?:[?#]|$)"
    list_key = "itemList"


@register
class TikTokSearchItemsParser(_ApiParser):
    """``/api/search/item/full/?keyword=...``: the Videos tab, ``item_list`` of itemStructs."""

    page_type = "search_items"
    url_pattern = _API + r"search/item/full/?(?:[?#]|$)"
    list_key = "item_list"


@register
class TikTokSearchGeneralParser(_ApiParser):
    """``/api/search/general/full/?keyword=...``: the Top tab, ``data[]`` of cards: ``{type: 1, item}``
    for a post, ``{type: 4, user_list: [{user_info}]}`` for matching accounts."""

    page_type = "search_general"
    url_pattern = _API + r"search/general/full/?(?:[?#]|$)"
    list_key = "data"


@register
class TikTokSearchUsersParser(_ApiParser):
    """``/api/search/user/full/?keyword=...``: the Users tab, ``user_list[].user_info``."""

    page_type = "search_users"
    url_pattern = _API + r"search/user/full/?(?:[?#]|$)"
    list_key = "user_list"


@register
class TikTokApiParser(_ApiParser):
    """Any other web API answer (``/api/item/detail/`` → ``itemInfo.itemStruct``, ``/api/user/detail/``
    → ``userInfo``, ...) and answers saved without their URL, recognised by their keys."""

    page_type = "api"
    url_pattern = _API

    def sniff(self, page: Page) -> bool:
        return page.is_json and _looks_like_tiktok_api(page.text)


@register
class TikTokMobileApiParser(_ApiParser):
    """The app's API (``api16-normal-c-useast1a.tiktokv.com/aweme/v1/feed/``, ``/aweme/v1/aweme/detail/``,
    ``/aweme/v1/aweme/post/``, ``/aweme/v1/search/item/``...): ``aweme_list``/``aweme_detail`` of awemes
    in snake_case (``aweme_id``, ``desc``, ``create_time``, ``author{uid, unique_id, nickname}``,
    ``statistics{play_count, digg_count, comment_count, share_count, collect_count}``)."""

    page_type = "mobile_api"
    url_pattern = _MOBILE_API

    def sniff(self, page: Page) -> bool:
        """Awemes that link to TikTok's hosts (Douyin's answers have the same keys, other hosts)."""
        text = page.text
        return page.is_json and '"aweme_id"' in text and aweme_platform(text) == "tiktok"


@register
class TikTokLiveApiParser(Parser):
    """``webcast.tiktok.com/webcast/room/info/?room_id=``: a LIVE room, ``data{id_str, status (2 on air,
    4 finished), title, owner{id_str, display_id, nickname}, user_count, create_time, stats.total_user}``.
    The room is read whatever ``status_code`` says; an answer without a room is explained by it."""

    platform = "tiktok"
    page_type = "live_api"
    url_pattern = r"^https?://(?:[\w-]+\.)*tiktok\.com/webcast/room/(?:info|enter)/"

    body = "json"

    def sniff(self, page: Page) -> bool:
        text = page.text
        return page.is_json and '"owner"' in text and '"display_id"' in text and '"user_count"' in text \
            and aweme_platform(text) != "douyin"

    def parse(self, page: Page) -> Iterator:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the webcast answer is not a JSON object")
        rooms = outermost(data, lambda d: isinstance(d.get("owner"), dict) and "user_count" in d
                           and pick_first(d, "id_str", "id", coerce=as_digits) is not None
                           and pick(d, "owner.display_id", as_str) is not None)
        for room in rooms:
            owner = room["owner"]
            handle = pick(owner, "display_id", as_str)
            yield self.record(
                page, "live", extractor="api",
                id=pick_first(room, "id_str", "id", coerce=as_digits),
                url="%s/@%s/live" % (BASE, handle),
                host={"id": pick_first(owner, "id_str", "id", coerce=as_digits), "handle": handle,
                      "name": pick(owner, "nickname", as_str), "url": "%s/@%s" % (BASE, handle)},
                title=pick(room, "title", as_str),
                status=_LIVE_STATUS.get(pick(room, "status", as_int), "unknown"),
                started_at=to_utc(pick(room, "create_time")),
                viewers=pick(room, "user_count", as_count),
                total_viewers=pick(room, "stats.total_user", as_count),
                likes=pick_first(room, "like_count", "stats.like_count", coerce=as_count),
            )
        if not rooms:
            code = pick_first(data, "status_code", "statusCode", coerce=as_int)
            message = pick_first(data, "data.message", "message", "status_msg", coerce=as_str)
            raise self.changed("no room (owner.display_id, user_count) in the webcast answer%s" % (
                " (status_code %s: %s)" % (code, message or "no message") if code else ""))
