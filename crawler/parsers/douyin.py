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

The same answers arrive from other hosts and paths (``aweme.snssdk.com``, ``*.amemv.com``, the
app's ``/aweme/v1/`` without ``web/``, ``iesdouyin.com/web/api/v2/aweme/iteminfo/`` with
``item_list``) and saved without their URL: ``DouyinApiParser`` recognises any Douyin JSON answer
by its keys (``aweme_detail``, ``aweme_list``, ``item_list``, ``data[].aweme_info``, ``user`` with
``sec_uid``) and reads whatever of them it holds. TikTok's mobile API answers the same aweme shape:
``aweme_platform`` tells them apart by the hosts the answer links to.

Authors embedded in API awemes carry no reliable follower counts (Douyin
zero-fills them there), so those are not read; only the profile API's user is.
A non-zero ``status_code`` does not hide data: an answer with awemes is read whatever its status;
only an answer without data is explained by its ``status_code``/``status_msg`` (PageChanged).

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
from crawler.helpers.paths import as_count, as_digits, as_float, as_int, as_list, as_str, pick, pick_first, walk
from crawler.helpers.text import hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_IMAGE_AWEME_TYPES = {2, 68, 150}
# hosts an aweme links to: its share URL, its video and image CDNs
_TIKTOK_MARKS = re.compile(r"tiktok(?:v|cdn|cdn-us|cdn-eu)?\.com|muscdn\.com|byteoversea\.com|ibyteimg\.com")
_DOUYIN_MARKS = re.compile(r"(?:ies)?douyin(?:pic|vod|cdn|static)?\.com|amemv\.com|snssdk\.com|douyinstatic")


def aweme_platform(text: str) -> str | None:
    """"tiktok" or "douyin" for a JSON answer in the aweme shape (TikTok's mobile API and Douyin's
    APIs write the same keys), by which platform's hosts it links to most; None when it links to neither."""
    tiktok = len(_TIKTOK_MARKS.findall(text[:2_000_000]))
    douyin = len(_DOUYIN_MARKS.findall(text[:2_000_000]))
    if tiktok == douyin == 0:
        return None
    return "tiktok" if tiktok > douyin else "douyin"
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
    # Douyin: ``images``; TikTok's app API: ``image_post_info.images``
    images = as_list(aweme.get("images")) or as_list(pick_first(aweme.data, "image_post_info.images",
                                                                 "imagePostInfo.images"))
    return [image for image in images if isinstance(image, dict)]


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


class AwemeParser(Parser):
    """Awemes (snake_case or camelCase) to post and account records; Douyin's, and TikTok's mobile
    API (which overrides the author id and the URLs)."""

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

    # the author hooks take the user object (an aweme's author, a profile answer's user)
    def author_id(self, user: dict) -> str | None:
        return pick_first(user, "sec_uid", "secUid", coerce=as_str) or pick(user, "uid", as_digits)

    def author_url(self, user: dict) -> str | None:
        sec_uid = pick_first(user, "sec_uid", "secUid", coerce=as_str)
        return "https://www.douyin.com/user/%s" % sec_uid if sec_uid else None

    @staticmethod
    def handle_of(user: dict) -> str | None:
        handle = pick_first(user, "unique_id", "uniqueId", coerce=as_str)
        if handle and handle.strip():
            return handle
        short_id = pick_first(user, "short_id", "shortId", coerce=as_str)
        return short_id if short_id and short_id.strip() not in ("", "0") else None

    def _author_ref(self, aweme: _Aweme) -> dict:
        return {
            "id": self.author_id(aweme.author),
            "handle": self.handle_of(aweme.author),
            "name": aweme.get("nickname", obj=aweme.author, coerce=as_str),
            "url": self.author_url(aweme.author),
        }

    def post_url(self, aweme: _Aweme, images: bool) -> str:
        return "https://www.douyin.com/%s/%s" % ("note" if images else "video", aweme.id)

    def hidden_views(self, views: int | None, aweme: _Aweme) -> int | None:
        return views or None  # Douyin sends play_count 0 everywhere: hidden, not zero plays

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
            url=self.post_url(aweme, images),
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
                "views": self.hidden_views(views, aweme),
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
        # share pages and API awemes zero-fill their author's counts; full user objects carry real ones
        return self.user_account(page, aweme.author, extractor, counts_hidden)

    def user_account(self, page: Page, user: Any, extractor: str, counts_hidden: bool = False):
        """An account record for a user object; None without an id and a profile URL."""
        if not isinstance(user, dict):
            return None
        author_id, url = self.author_id(user), self.author_url(user)
        if not author_id or not url:
            return None

        def count(*keys: str) -> int | None:
            return None if counts_hidden else pick_first(user, *keys, coerce=as_count)

        return self.record(
            page, "account", extractor=extractor,
            id=author_id,
            url=url,
            handle=self.handle_of(user),
            name=pick(user, "nickname", as_str),
            bio=pick(user, "signature", as_str),
            followers=count("follower_count", "followerCount", "mplatform_followers_count"),
            following=count("following_count", "followingCount"),
            likes_total=count("total_favorited", "totalFavorited"),
            posts_count=pick_first(user, "aweme_count", "awemeCount", coerce=as_count),
        )


class _DouyinParser(AwemeParser):
    platform = "douyin"


@register
class DouyinSharePageParser(_DouyinParser):
    page_type = "share_page"
    url_pattern = r"^https?://(?:www\.|m\.)?(?:iesdouyin|douyin)\.com/share/(?:video|note|slides)/\d+"

    body = "html"

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

    body = "html"

    def sniff(self, page: Page) -> bool:
        text = page.text
        return not page.is_json and 'id="RENDER_DATA"' in text and "douyin" in text

    def parse(self, page: Page) -> Iterator:
        data = page.script_json("RENDER_DATA")
        if not isinstance(data, dict):
            raise self.changed('no <script id="RENDER_DATA"> with URI-encoded JSON')
        awemes = find_awemes(data)
        item_id = _item_id_from_url(page.url)
        # a web page also lists related videos: the page's own post is the one the URL names, else the
        # one under aweme.detail (a URL that serves another post gives that post, never the URL's id)
        named = [pair for pair in awemes if item_id and _Aweme(pair[0]).id == item_id]
        details = [pair for pair in awemes if any(node.get("detail") is pair[0] for node in walk(data))]
        awemes = named or details or ([] if item_id else awemes[:1])
        if not awemes:
            if any("aweme" in node and node.get("aweme") is None for node in walk(data)):
                raise self.changed("RENDER_DATA has aweme null: Douyin loads this post client-side "
                                   "(fetch it rendered, or through its share page)")
            raise self.changed("no aweme %s(an object with awemeId, desc and authorInfo) in RENDER_DATA"
                               % ("%s " % item_id if item_id else ""))
        yield from self.posts(page, awemes, item_id, "hydration", counts_hidden=False)


# ---- the web app's JSON APIs (captured from the page's own XHRs) ----

_HOSTS = r"^https?://(?:[\w-]+\.)*(?:douyin|iesdouyin|amemv|snssdk)\.com"
_API = _HOSTS + r"/(?:aweme/v\d+/(?:web/)?|web/api/v\d+/aweme/)"
# keys of an answer that hold awemes: one post, a list, the search cards' aweme_info
_AWEME_KEYS = ("aweme_detail", "aweme_list", "item_list", "aweme_info", "aweme", "awemes")


def api_awemes(data: Any) -> list[tuple[dict, dict | None]]:
    """The awemes an API answer carries under its aweme keys (search cards included), in order;
    every aweme found by meaning when none of those keys holds one."""
    found: list[tuple[dict, dict | None]] = []
    for node in walk(data):
        for key in _AWEME_KEYS:
            if key in node and not _is_aweme(node):
                found.extend(find_awemes(node[key]))
    if not found:
        found = find_awemes(data)
    seen: set[int] = set()
    return [pair for pair in found if not (id(pair[0]) in seen or seen.add(id(pair[0])))]


def api_status(data: Any) -> tuple[int | None, str | None]:
    """(status code other than 0, message) of an answer, (None, None) when it says ok or nothing."""
    code = pick_first(data, "status_code", "statusCode", coerce=as_int)
    message = pick_first(data, "status_msg", "statusMsg", "message", coerce=as_str)
    return (code, message) if code else (None, None)


def is_empty_answer(data: Any) -> bool:
    """An answer that says it has no (more) items: an empty or null list beside a paging key."""
    if not isinstance(data, dict):
        return False
    if not any(k in data for k in ("has_more", "hasMore", "cursor", "max_cursor", "min_cursor")):
        return False
    return any(k in data and data[k] in (None, []) for k in ("aweme_list", "item_list", "data", "itemList",
                                                                 "user_list"))


class _DouyinApiParser(_DouyinParser):
    counts_hidden = True
    accounts = True

    body = "json"

    def answer(self, page: Page) -> Any:
        data = page.json
        if not isinstance(data, dict):
            raise self.changed("the API answered %s, not an object" % type(data).__name__)
        return data

    def awemes(self, data: Any) -> list[tuple[dict, dict | None]]:
        return api_awemes(data)

    def item_id(self, page: Page) -> str | None:
        return None

    def parse(self, page: Page) -> Iterator:
        """Whatever the answer holds (awemes, a profile's user), whatever its status_code says;
        an answer without data is explained by its status, its filter_detail or its paging."""
        data = self.answer(page)
        records = list(self.posts(page, self.awemes(data), self.item_id(page), "api",
                                  counts_hidden=self.counts_hidden, accounts=self.accounts))
        user = pick(data, "user")
        if isinstance(user, dict) and not _is_aweme(user):
            account = self.user_account(page, user, "api")
            if account is not None:
                records.insert(0, account)
        if records:
            yield from records
            return
        self.explain_empty(data)

    def explain_empty(self, data: Any) -> None:
        code, message = api_status(data)
        if code:
            raise self.changed("the API answered status_code %s (%s) and no data" % (code, message or "no message"))
        if isinstance(pick(data, "filter_detail"), dict) or as_list(pick(data, "filter_list")):
            return  # the item is gone (deleted, private): no post
        if is_empty_answer(data):
            return  # a legitimately empty list
        raise self.changed(self.missing)

    missing = "no aweme (aweme_detail, aweme_list, item_list, data[].aweme_info) and no user in the answer"


@register
class DouyinAwemeDetailApiParser(_DouyinApiParser):
    page_type = "api_aweme_detail"
    url_pattern = _API + r"aweme/detail/"
    missing = "no aweme_detail aweme (an object with aweme_id, desc and author)"

    def awemes(self, data: Any) -> list[tuple[dict, dict | None]]:
        # the answer's aweme_detail; an answer of another shape under this URL is read for what it holds
        detail = find_awemes(data.get("aweme_detail"))[:1]
        return detail or ([] if "aweme_detail" in data else api_awemes(data))

    def item_id(self, page: Page) -> str | None:
        match = re.search(r"[?&]aweme_id=(\d+)", page.url or "")
        return match.group(1) if match else None


@register
class DouyinSearchApiParser(_DouyinApiParser):
    page_type = "api_search"
    url_pattern = _API + r"(?:general/search/single|search/item)/"
    missing = "no data[] list of search results"

    def detect_block(self, page: Page) -> str | None:
        if not page.is_json:
            return None
        try:
            nil_type = pick(page.json, "search_nil_info.search_nil_type", coerce=as_str)
        except ExtractionError:
            return None
        return "captcha" if nil_type == "verify_check" else None

    def awemes(self, data: Any) -> list[tuple[dict, dict | None]]:
        # each result card holds its aweme under aweme_info; user/mix cards hold none
        return [pair for card in as_list(pick(data, "data")) if isinstance(card, dict)
                for pair in find_awemes(card.get("aweme_info"))]

    def explain_empty(self, data: Any) -> None:
        if isinstance(pick(data, "data"), list) and not api_status(data)[0]:
            return  # no result for the keyword
        super().explain_empty(data)


@register
class DouyinPostListApiParser(_DouyinApiParser):
    page_type = "api_post_list"
    url_pattern = _API + r"aweme/(?:post|favorite|listcollection|mix/aweme)/"
    accounts = False  # an account's posts: the account itself comes from the profile API
    missing = "no aweme_list"


@register
class DouyinUserProfileApiParser(_DouyinApiParser):
    page_type = "api_user_profile"
    url_pattern = _API + r"user/profile/(?:other|self)/"
    missing = "no user object with a sec_uid"

    def awemes(self, data: Any) -> list[tuple[dict, dict | None]]:
        return []


@register
class DouyinApiParser(_DouyinApiParser):
    """Any other Douyin JSON answer (other endpoints and hosts, or saved without its URL),
    recognised by its keys and by the Douyin hosts it links to."""

    page_type = "api"
    url_pattern = _API

    def sniff(self, page: Page) -> bool:
        if not page.is_json:
            return False
        text = page.text
        has_awemes = '"aweme_id"' in text and any('"%s"' % k in text for k in _AWEME_KEYS)
        has_user = '"user"' in text and '"sec_uid"' in text
        return (has_awemes or has_user) and aweme_platform(text) == "douyin"
