"""Douyin: video and image-note posts (and their author) from share pages and web pages.

Two page types:

- ``DouyinSharePageParser``: the share pages ``www.iesdouyin.com/share/video/<id>/``
  and ``/share/note/<id>/`` (also ``m.douyin.com/share/...``). State:
  ``window._ROUTER_DATA`` → ``loaderData["video_(id)/page"]`` (notes:
  ``"note_(id)/page"``) → ``videoInfoRes.item_list[]``: aweme objects in the
  app API's snake_case (``aweme_id``, ``desc``, ``author``, ``statistics``).
- ``DouyinWebVideoParser``: ``www.douyin.com/video/<id>`` (and ``/note/<id>``)
  with ``<script id="RENDER_DATA">``, URI-encoded JSON whose ``aweme.detail``
  is the same object in camelCase (``awemeId``, ``authorInfo``, ``stats``).
  Douyin often loads it client-side (``aweme`` null in the server HTML): that
  is reported as PageChanged, not as an empty result.

The web app (www.douyin.com) loads its data by XHR from ``/aweme/v1/web/...``
(signed with a_bogus/msToken by the page itself); the crawler captures those
JSON responses and reads them with four API parsers:

- ``DouyinAwemeDetailApiParser``: ``/aweme/v1/web/aweme/detail/?aweme_id=`` →
  ``aweme_detail`` (one aweme, snake_case, the video page's post).
- ``DouyinSearchApiParser``: ``/aweme/v1/web/general/search/single/`` and
  ``/aweme/v1/web/search/item/`` → ``data[].aweme_info`` (other ``data[]``
  cards, e.g. user or mix cards, are not posts). A ``search_nil_info`` of
  type ``verify_check`` is Douyin asking for a captcha: a block.
- ``DouyinPostListApiParser``: ``/aweme/v1/web/aweme/post/?sec_user_id=`` →
  ``aweme_list`` (an account's posts; the account itself comes from the
  profile API, so no account record is made from these embedded authors).
- ``DouyinUserProfileApiParser``: ``/aweme/v1/web/user/profile/other/`` →
  ``user{sec_uid, uid, unique_id, short_id, nickname, signature,
  follower_count, following_count, total_favorited, aweme_count}``.

Authors embedded in API awemes carry no reliable follower counts (Douyin
zero-fills them there), so those are not read; only the profile API's user is.
A non-zero ``status_code`` is a changed/failed answer, never an empty result.

Awemes are found by meaning (an object with an id, ``desc`` and an author
object), never by loader key or list position; the comments next to them
(``commentListData``) carry ``aweme_id`` too but are not awemes. When the page
names its item (URL, ``itemId``), only that aweme is read.

Conventions (see the captures' expected.json notes):
- ``play_count`` is always 0 on these pages: Douyin's "hidden" convention, so
  ``metrics.views`` is null, never 0.
- ``video.duration`` is in MILLISECONDS (21943 → 21.943 s); ``music.duration``
  is seconds and is not the post's duration.
- Image notes (``images`` non-empty, aweme_type 2/68/150) keep a cover-only
  ``video`` object with duration 0: media_type "images", duration_s null.
- ``author.uid`` is absent on share pages; the stable author id is
  ``sec_uid`` (the profile URL's id). The handle is ``unique_id``, else
  ``short_id`` (the "Douyin number"); ``""`` is unknown, never kept.
- ``text_extra`` entries of type 7/8 with an empty ``hashtag_name`` are not
  hashtags; hashtags come from type-1 entries, else from the text.
- Share pages zero-fill the author's follower/following counts
  (``mplatform_followers_count`` 0): those are not read as 0.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crawler.errors import ExtractionError
from crawler.helpers.paths import as_count, as_digits, as_float, as_list, as_str, pick, pick_first, walk
from crawler.helpers.text import hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_IMAGE_AWEME_TYPES = {2, 68, 150}
_ITEM_ID_IN_URL = re.compile(r"/(?:share/)?(?:video|note|slides)/(\d+)")


def _item_id_from_url(url: str) -> str | None:
    match = _ITEM_ID_IN_URL.search(url or "")
    return match.group(1) if match else None


# ---- one aweme, whichever casing the page uses ----

class _Aweme:
    """Field access over an aweme in snake_case (share page, app API) or camelCase (RENDER_DATA)."""

    def __init__(self, data: dict, stats: dict | None = None):
        self.data = data
        self.author = self._dict("author", "authorInfo")
        self.stats = self._dict("statistics", "stats") or (stats if isinstance(stats, dict) else {})

    def _dict(self, *keys: str) -> dict:
        for key in keys:
            if isinstance(self.data.get(key), dict):
                return self.data[key]
        return {}

    def get(self, snake: str, camel: str | None = None, obj: dict | None = None, coerce=None) -> Any:
        source = self.data if obj is None else obj
        return pick_first(source, snake, camel or _camel(snake), coerce=coerce)

    @property
    def id(self) -> str | None:
        return self.get("aweme_id", coerce=as_digits) or self.get("group_id_str", "groupId", coerce=as_digits)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _is_aweme(d: dict) -> bool:
    has_id = as_digits(d.get("aweme_id")) is not None or as_digits(d.get("awemeId")) is not None
    has_author = isinstance(d.get("author"), dict) or isinstance(d.get("authorInfo"), dict)
    return has_id and has_author and "desc" in d


def find_awemes(obj: Any) -> list[tuple[dict, dict | None]]:
    """Every aweme in a JSON value, outermost only, with the ``stats`` of a ``{detail, stats}`` wrapper if any."""
    found: list[tuple[dict, dict | None]] = []
    stack: list[tuple[Any, dict | None]] = [(obj, None)]
    while stack:
        cur, wrapper_stats = stack.pop()
        if isinstance(cur, dict):
            if _is_aweme(cur):
                found.append((cur, wrapper_stats))
                continue  # an aweme's own insides (comments, mixes) are not further posts
            sibling_stats = cur.get("stats") if isinstance(cur.get("stats"), dict) else None
            for value in reversed(list(cur.values())):
                stack.append((value, sibling_stats))
        elif isinstance(cur, list):
            stack.extend((value, None) for value in reversed(cur))
    return found


def _hashtags(aweme: _Aweme, text: str | None) -> list[str]:
    seen: dict[str, None] = {}
    extras = aweme.get("text_extra", "textExtra")
    for extra in sorted((e for e in as_list(extras) if isinstance(e, dict)),
                        key=lambda e: as_float(aweme.get("start", obj=e)) or 0):
        name = aweme.get("hashtag_name", obj=extra, coerce=as_str)
        if name and name.strip():
            seen.setdefault(name, None)
    for challenge in as_list(aweme.get("cha_list", "chaList")):
        name = aweme.get("cha_name", obj=challenge, coerce=as_str) if isinstance(challenge, dict) else None
        if name and name.strip():
            seen.setdefault(name, None)
    if not seen:
        for tag in hashtags(text):
            seen.setdefault(tag, None)
    return list(seen)


def _images(aweme: _Aweme) -> list:
    return [image for image in as_list(aweme.get("images")) if isinstance(image, dict)]


def _is_images(aweme: _Aweme) -> bool:
    return bool(_images(aweme)) or aweme.get("aweme_type", coerce=as_count) in _IMAGE_AWEME_TYPES


def _products(aweme: _Aweme) -> list[str]:
    """Ids of the shop items tagged on the post (``promotions``), when the page carries them."""
    out: list[str] = []
    for promo in as_list(aweme.get("promotions")):
        if isinstance(promo, dict):
            pid = pick_first(promo, "product_id", "productId", "promotion_id", "promotionId", coerce=as_str)
            if pid and pid not in out:
                out.append(pid)
    return out


class _DouyinParser(Parser):
    """What both Douyin page types share: awemes to post (and account) records."""

    platform = "douyin"

    def posts(self, page: Page, awemes: list[tuple[dict, dict | None]], item_id: str | None,
              extractor: str, counts_hidden: bool, accounts: bool = True) -> Iterator:
        chosen = [_Aweme(data, stats) for data, stats in awemes]
        chosen = [a for a in chosen if a.id]
        if item_id and any(a.id == item_id for a in chosen):
            chosen = [a for a in chosen if a.id == item_id]
        authors_done: set[str] = set()
        for aweme in chosen:
            yield self._post(page, aweme, extractor)
            if not accounts:
                continue
            account = self._account(page, aweme, extractor, counts_hidden)
            if account is not None and account.id not in authors_done:
                authors_done.add(account.id)
                yield account

    @staticmethod
    def _author_id(aweme: _Aweme) -> str | None:
        return aweme.get("sec_uid", obj=aweme.author, coerce=as_str) or aweme.get("uid", obj=aweme.author, coerce=as_digits)

    @staticmethod
    def _handle(aweme: _Aweme) -> str | None:
        handle = aweme.get("unique_id", obj=aweme.author, coerce=as_str)
        if handle and handle.strip():
            return handle
        short_id = aweme.get("short_id", obj=aweme.author, coerce=as_str)
        return short_id if short_id and short_id.strip() not in ("", "0") else None

    def _author_ref(self, aweme: _Aweme) -> dict:
        author_id = self._author_id(aweme)
        sec_uid = aweme.get("sec_uid", obj=aweme.author, coerce=as_str)
        return {
            "id": author_id,
            "handle": self._handle(aweme),
            "name": aweme.get("nickname", obj=aweme.author, coerce=as_str),
            "url": "https://www.douyin.com/user/%s" % sec_uid if sec_uid else None,
        }

    def _post(self, page: Page, aweme: _Aweme, extractor: str):
        text = aweme.get("desc", coerce=as_str)
        images = _is_images(aweme)
        duration_ms = as_float(pick_first(aweme.data, "video.duration", "duration"))
        views = aweme.get("play_count", obj=aweme.stats, coerce=as_count)
        music = aweme.data.get("music") if isinstance(aweme.data.get("music"), dict) else None
        music_title = pick_first(music or {}, "title", "musicName", coerce=as_str)
        music_author = pick_first(music or {}, "author", "ownerNickname", coerce=as_str)
        title = aweme.get("item_title", coerce=as_str)
        return self.record(
            page, "post", extractor=extractor,
            id=aweme.id,
            url="https://www.douyin.com/%s/%s" % ("note" if images else "video", aweme.id),
            author=self._author_ref(aweme),
            title=title if title and title.strip() and title != text else None,
            text=text,
            hashtags=_hashtags(aweme, text),
            created_at=to_utc(aweme.get("create_time", coerce=as_count)),
            media_type="images" if images else "video",
            # video.duration is milliseconds on every Douyin surface; 0 (notes' cover-only video) is unknown
            duration_s=duration_ms / 1000 if not images and duration_ms and duration_ms > 0 else None,
            image_count=(len(_images(aweme)) or None) if images else None,
            metrics={
                "views": views or None,  # play_count is always sent as 0: hidden, not zero plays
                "likes": aweme.get("digg_count", obj=aweme.stats, coerce=as_count),
                "comments": aweme.get("comment_count", obj=aweme.stats, coerce=as_count),
                "shares": aweme.get("share_count", obj=aweme.stats, coerce=as_count),
                "saves": aweme.get("collect_count", obj=aweme.stats, coerce=as_count),
            },
            music={"title": music_title, "author": music_author} if music_title or music_author else None,
            location=aweme.get("ip_attribution", "ipAttribution", coerce=as_str),
            products=_products(aweme),
        )

    def _account(self, page: Page, aweme: _Aweme, extractor: str, counts_hidden: bool):
        author = aweme.author
        author_id = self._author_id(aweme)
        ref = self._author_ref(aweme)
        if not author_id or not ref["url"]:
            return None  # a profile URL needs the sec_uid
        # share pages zero-fill follower/following counts; full user objects (web, API) carry real ones
        followers = None if counts_hidden else aweme.get("follower_count", obj=author, coerce=as_count)
        following = None if counts_hidden else aweme.get("following_count", obj=author, coerce=as_count)
        likes_total = None if counts_hidden else aweme.get("total_favorited", obj=author, coerce=as_count)
        return self.record(
            page, "account", extractor=extractor,
            id=author_id,
            url=ref["url"],
            handle=ref["handle"],
            name=ref["name"],
            bio=aweme.get("signature", obj=author, coerce=as_str),
            followers=followers,
            following=following,
            likes_total=likes_total,
            posts_count=aweme.get("aweme_count", obj=author, coerce=as_count),
        )


@register
class DouyinSharePageParser(_DouyinParser):
    page_type = "share_page"
    url_pattern = r"^https?://(?:www\.|m\.)?(?:iesdouyin|douyin)\.com/share/(?:video|note|slides)/\d+"

    def accepts(self, page: Page) -> bool:
        return not page.is_json

    def sniff(self, page: Page) -> bool:
        text = page.text
        return not page.is_json and "_ROUTER_DATA" in text and "videoInfoRes" in text

    def parse(self, page: Page) -> Iterator:
        router = page.js_assignment("window._ROUTER_DATA")
        if not isinstance(router, dict):
            raise self.changed("no window._ROUTER_DATA object")
        loader = router.get("loaderData", router)
        awemes = find_awemes(loader)
        if not awemes:
            self._explain_empty(loader)
        item_id = _item_id_from_url(page.url) or next(
            (as_digits(node.get("itemId")) for node in walk(loader) if as_digits(node.get("itemId"))), None)
        yield from self.posts(page, awemes, item_id, "hydration", counts_hidden=True)

    def _explain_empty(self, loader: Any) -> None:
        """No aweme: an item Douyin filtered (deleted, private) gives no record; anything else is a changed page."""
        for node in walk(loader):
            if isinstance(node.get("item_list"), list) and "filter_list" in node:
                reasons = [pick_first(f, "filter_reason", "detail_msg", coerce=as_str)
                           for f in as_list(node.get("filter_list")) if isinstance(f, dict)]
                if any(reasons):
                    return  # the item is gone (e.g. "status_deleted"): the page holds no post
                status = node.get("status_code")
                raise self.changed("videoInfoRes has an empty item_list (status_code %r)" % status)
        raise self.changed("no aweme (an object with aweme_id, desc and author) in _ROUTER_DATA.loaderData")


@register
class DouyinWebVideoParser(_DouyinParser):
    page_type = "web_video"
    url_pattern = r"^https?://(?:www\.)?douyin\.com/(?:video|note)/\d+"

    def accepts(self, page: Page) -> bool:
        return not page.is_json

    def sniff(self, page: Page) -> bool:
        text = page.text
        return not page.is_json and 'id="RENDER_DATA"' in text and "douyin" in text

    def parse(self, page: Page) -> Iterator:
        data = page.script_json("RENDER_DATA")
        if not isinstance(data, dict):
            raise self.changed('no <script id="RENDER_DATA"> with URI-encoded JSON')
        awemes = find_awemes(data)
        item_id = _item_id_from_url(page.url)
        if item_id:
            # a web page also lists related videos: only the post the URL names is this page's
            awemes = [pair for pair in awemes if _Aweme(pair[0]).id == item_id]
        else:
            # saved without its URL: the page's own post is the one under aweme.detail
            details = [pair for pair in awemes if any(node.get("detail") is pair[0] for node in walk(data))]
            awemes = details or awemes[:1]
        if not awemes:
            if any("aweme" in node and node.get("aweme") is None for node in walk(data)):
                raise self.changed("RENDER_DATA has aweme null: Douyin loads this post client-side "
                                   "(fetch it rendered, or through its share page)")
            raise self.changed("no aweme %s(an object with awemeId, desc and authorInfo) in RENDER_DATA"
                               % ("%s " % item_id if item_id else ""))
        yield from self.posts(page, awemes, item_id, "hydration", counts_hidden=False)


# ---- the web app's JSON APIs (captured from the page's own XHRs) ----

_API = r"^https?://(?:www\.)?douyin\.com/aweme/v1/web/"


class _DouyinApiParser(_DouyinParser):
    def accepts(self, page: Page) -> bool:
        return page.is_json

    def answer(self, page: Page) -> dict:
        """The response object, checked: a dict with status_code 0."""
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the API answered %s, not an object" % type(data).__name__)
        status = data.get("status_code")
        if status is not None and as_count(status) != 0:
            raise self.changed("the API answered status_code %r (%s)" % (
                status, as_str(data.get("status_msg")) or "no message"))
        return data


@register
class DouyinAwemeDetailApiParser(_DouyinApiParser):
    page_type = "api_aweme_detail"
    url_pattern = _API + r"aweme/detail/"

    def parse(self, page: Page) -> Iterator:
        data = self.answer(page)
        detail = data.get("aweme_detail")
        if not isinstance(detail, dict):
            if isinstance(data.get("filter_detail"), dict):
                return  # the item is gone (deleted, private): no post
            raise self.changed("no aweme_detail object")
        awemes = find_awemes(detail)
        if not awemes:
            raise self.changed("aweme_detail is not an aweme (no aweme_id, desc and author)")
        item_id = re.search(r"[?&]aweme_id=(\d+)", page.url or "")
        yield from self.posts(page, awemes[:1], item_id.group(1) if item_id else None, "api", counts_hidden=True)


@register
class DouyinSearchApiParser(_DouyinApiParser):
    page_type = "api_search"
    url_pattern = _API + r"(?:general/search/single|search/item)/"

    def detect_block(self, page: Page) -> str | None:
        if not page.is_json:
            return None
        try:
            nil_type = pick(page.json, "search_nil_info.search_nil_type", coerce=as_str)
        except ExtractionError:
            return None
        return "captcha" if nil_type == "verify_check" else None

    def parse(self, page: Page) -> Iterator:
        data = self.answer(page)
        results = data.get("data")
        if not isinstance(results, list):
            raise self.changed("no data[] list of search results")
        # each result card holds its aweme under aweme_info; user/mix cards hold none
        awemes = [pair for card in results if isinstance(card, dict)
                  for pair in find_awemes(card.get("aweme_info"))]
        yield from self.posts(page, awemes, None, "api", counts_hidden=True)


@register
class DouyinPostListApiParser(_DouyinApiParser):
    page_type = "api_post_list"
    url_pattern = _API + r"aweme/post/"

    def parse(self, page: Page) -> Iterator:
        data = self.answer(page)
        awemes = data.get("aweme_list")
        if awemes is None and "has_more" in data:
            return  # an account without posts answers aweme_list null
        if not isinstance(awemes, list):
            raise self.changed("no aweme_list")
        yield from self.posts(page, find_awemes(awemes), None, "api", counts_hidden=True, accounts=False)


@register
class DouyinUserProfileApiParser(_DouyinApiParser):
    page_type = "api_user_profile"
    url_pattern = _API + r"user/profile/other/"

    def parse(self, page: Page) -> Iterator:
        user = self.answer(page).get("user")
        if not isinstance(user, dict):
            raise self.changed("no user object")
        sec_uid = as_str(user.get("sec_uid"))
        if not sec_uid:
            raise self.changed("user without a sec_uid")
        handle = as_str(user.get("unique_id"))
        if not (handle and handle.strip()):
            short_id = as_str(user.get("short_id"))
            handle = short_id if short_id and short_id.strip() not in ("", "0") else None
        yield self.record(
            page, "account", extractor="api",
            id=sec_uid,
            url="https://www.douyin.com/user/%s" % sec_uid,
            handle=handle,
            name=as_str(user.get("nickname")),
            bio=as_str(user.get("signature")),
            followers=as_count(user.get("follower_count")),
            following=as_count(user.get("following_count")),
            likes_total=as_count(user.get("total_favorited")),
            posts_count=as_count(user.get("aweme_count")),
        )
