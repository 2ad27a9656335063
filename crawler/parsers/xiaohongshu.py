"""Xiaohongshu (RedNote): note pages and profile pages, read from ``window.__INITIAL_STATE__``.

The web app server-renders its Vuex state as a JavaScript object literal
(``window.__INITIAL_STATE__={...}``, with bare ``undefined`` values, read
through ``page.js_assignment``).

- note page (``/explore/<noteId>``, ``/discovery/item/<noteId>``,
  ``/user/profile/<userId>/<noteId>``; also rednote hosts):
  ``note.noteDetailMap[<noteId>].note`` holds ``title``, ``desc``, ``type``
  ("normal" = images, "video"), ``time`` (epoch ms), ``ipLocation``,
  ``user{userId, nickname}``, ``interactInfo`` (counts as strings),
  ``imageList``, ``tagList[].name`` and ``video``. XHS shows no view count.
- profile page (``/user/profile/<userId>``): ``user.userPageData`` holds
  ``basicInfo{nickname, redId, desc, ipLocation}`` and
  ``interactions[{type: follows|fans|interaction, count}]``; ``user.notes`` (one
  list per tab, the first is the user's notes) holds the first note cards
  ``{id, xsecToken, noteCard{type, displayTitle, user, interactInfo.likedCount}}``.
- web API (``edith.xiaohongshu.com``, JSON the app fetches itself):
  POST ``/api/sns/web/v1/search/notes`` → ``data.items[]`` (``model_type`` "note"
  items carry ``{id, xsec_token, note_card{type, display_title, user{user_id,
  nickname}, interact_info{liked_count, collected_count, comment_count,
  shared_count}, image_list}}``; "hot_query"/"rec_query" items are suggestion
  shelves, not notes) and GET ``/api/sns/web/v1/user_posted`` → ``data.notes[]``
  (``{note_id, xsec_token, type, display_title, user, interact_info}``).
  A card has no text, time or location: the note page has them. Card URLs keep
  the card's ``xsec_token`` (XHS refuses a note URL without the token of the list
  it came from). POST ``/api/sns/web/v1/feed`` (a note opened from a list) → ``data.items[].note_card``
  with the whole note in snake_case (``note_id, title, desc, time, ip_location, user{user_id,
  nickname}, interact_info{liked_count: "1.2万", ...}, image_list, tag_list``): read as a full note.
  ``data`` is read whatever ``code``/``success`` say; an answer without data is explained by its code
  (300012 IP block, 461 captcha, -100 login are blocks; -510000 note gone is PageChanged).
- search / explore pages: ``search.feeds`` / ``feed.feeds`` cards (``{id, xsecToken, noteCard}``), when
  the server rendered any.

Every state parser reads whatever the state holds, whatever the URL: a note URL that serves another
note gives that note (never a post with the URL's id); a profile's id comes from its own data
(``noteQueries[].userId``, its note cards' author), not from the URL. The state is recognised by
content (``sniff``) when the page was saved without a telling URL, and the API answers by their keys.

A note request redirected to ``/website-login/captcha`` (or another login
page) is reported as a block.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from crawler.errors import PageChanged
from crawler.helpers.paths import as_count, as_float, as_int, as_list, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser, unique
from crawler.registry import register

_HOST = r"^https?://(?:[\w-]+\.)*(?:xiaohongshu|rednote)\.com"
_NOTE_ID = re.compile(r"/(?:explore|discovery/item|user/profile/[0-9a-f]+)/([0-9a-f]{24})(?:[/?#]|$)")
_USER_ID = re.compile(r"/user/profile/([0-9a-f]{24})(?:[/?#]|$)")
_STATE = "window.__INITIAL_STATE__"
_API_HOST = r"^https?://(?:edith\.xiaohongshu\.com|webapi\.rednote\.com)"
# API ``code`` values that mean the request was refused, not that the data changed
_API_BLOCKS = {300011: "account_restricted", 300012: "ip_blocked", 300013: "rate_limited", 461: "captcha",
               471: "captcha", -100: "login_wall", -101: "login_wall", -104: "login_wall"}


def _state(parser: Parser, page: Page) -> dict:
    state = page.js_assignment(_STATE)
    if not isinstance(state, dict):
        raise parser.changed("window.__INITIAL_STATE__ not found")
    return state


def _user_url(user_id: str | None) -> str | None:
    return "https://www.xiaohongshu.com/user/profile/%s" % user_id if user_id else None


def _block(page: Page) -> str | None:
    # XHS redirects crawlers to its own captcha / login pages
    if re.search(r"/website-login/(?:captcha|verify)", page.url or ""):
        return "captcha"
    if re.search(r"/website-login/", page.url or "") or "/login?redirectPath=" in (page.url or ""):
        return "login_wall"
    return None


def _note_url(note_id: str, token: str | None, source: str) -> str:
    """The URL that opens a note from a list: XHS wants the list's ``xsec_token`` with it."""
    url = "https://www.xiaohongshu.com/explore/%s" % note_id
    return "%s?xsec_token=%s&xsec_source=%s" % (url, quote(token, safe=""), source) if token else url


# the same note in the page state (camelCase) and in the API (snake_case)
def _get(obj, *names: str, coerce=as_str):
    """The first of ``names`` present in ``obj`` (each a dotted path), tried as written and in snake_case."""
    paths = []
    for name in names:
        paths.append(name)
        snake = re.sub(r"(?<=[a-z])([A-Z])", lambda m: "_" + m.group(1).lower(), name)
        if snake != name:
            paths.append(snake)
    return pick_first(obj, *paths, coerce=coerce)


def _author(card: dict) -> dict:
    user_id = _get(card, "user.userId")
    return {
        "id": user_id,
        "handle": None,  # the red id (小红书号) is not on notes or cards
        "name": _get(card, "user.nickname", "user.nickName", "user.nick_name"),
        "url": _user_url(user_id),
    }


def _metrics(card: dict) -> dict:
    return {
        "views": None,  # XHS does not show play counts
        "likes": _get(card, "interactInfo.likedCount", coerce=as_count),
        "comments": _get(card, "interactInfo.commentCount", coerce=as_count),
        "shares": _get(card, "interactInfo.shareCount", "interactInfo.sharedCount", coerce=as_count),
        "saves": _get(card, "interactInfo.collectedCount", coerce=as_count),
    }


def _is_full_note(note: dict) -> bool:
    """A note with its text (note page, feed API), not a list card (title and counts only)."""
    return "desc" in note and ("time" in note or "imageList" in note or "image_list" in note)


def _card_post(parser: Parser, page: Page, note_id: str | None, token: str | None, card: dict, extractor: str,
               source: str):
    """A post from a note card (search result, profile grid): title, author, counts; no text or time."""
    if not note_id or not isinstance(card, dict):
        return None
    note_type = pick(card, "type", as_str)
    return parser.record(
        page, "post", extractor=extractor,
        id=note_id,
        url=_note_url(note_id, token, source),
        author=_author(card),
        title=_get(card, "displayTitle", "display_title"),
        text=None,  # cards carry no description: the note page has it
        media_type="video" if note_type == "video" else "images",  # "normal" = an image note
        image_count=(len(_get(card, "imageList", coerce=as_list) or []) or None) if note_type == "normal" else None,
        metrics=_metrics(card),
        partial=True,  # a card: the note page has the text, time and location
    )


def _media_type(note: dict) -> str:
    if note.get("type") == "video" or pick(note, "video.media"):
        return "video"
    if _get(note, "imageList", coerce=as_list):
        return "images"
    return "text"


def _duration(note: dict) -> float | None:
    seconds = pick(note, "video.capa.duration", as_float)
    if seconds:
        return seconds
    for stream in find_dicts(pick(note, "video.media.stream"), lambda d: "duration" in d):
        ms = as_float(stream.get("duration"))
        if ms:
            return ms / 1000
    return None


def _note_post(parser: Parser, page: Page, note: dict, extractor: str, token: str | None = None, source: str = ""):
    """A post from a whole note (``noteDetailMap[..].note``, the feed API's ``note_card``); None without an id."""
    note_id = _get(note, "noteId", "id")
    if not note_id or not re.fullmatch(r"[0-9a-f]{24}", note_id):
        return None
    desc = as_str(note.get("desc"))
    tags = [name for name in (pick(t, "name", as_str) for t in _get(note, "tagList", coerce=as_list) or []) if name]
    media_type = _media_type(note)
    images = _get(note, "imageList", coerce=as_list) or []
    return parser.record(
        page, "post", extractor=extractor,
        id=note_id,
        url=_note_url(note_id, token, source) if token else "https://www.xiaohongshu.com/explore/%s" % note_id,
        author=_author(note),
        title=as_str(note.get("title")),
        text=desc,
        # tagList is the structured list; desc writes them as "#tag[话题]#"
        hashtags=list(dict.fromkeys(tags)) or hashtags(desc, closed=True),
        created_at=to_utc(note.get("time")),
        media_type=media_type,
        image_count=len(images) if images and media_type == "images" else None,
        duration_s=_duration(note) if media_type == "video" else None,
        metrics=_metrics(note),
        location=_get(note, "ipLocation"),
    )


def _state_cards(parser: Parser, page: Page, state: dict, source: str) -> Iterator:
    """Note cards held by the state (``user.notes``, ``search.feeds``, ``feed.feeds``), found by their
    ``noteCard``; a card with the whole note is read as a note."""
    for card in find_dicts(state, lambda d: isinstance(d.get("noteCard"), dict)):
        note_id = pick_first(card, "id", "noteCard.noteId", coerce=as_str)
        token = pick_first(card, "xsecToken", "noteCard.xsecToken", coerce=as_str)
        if _is_full_note(card["noteCard"]):
            post = _note_post(parser, page, {"noteId": note_id, **card["noteCard"]}, "hydration", token, source)
        else:
            post = _card_post(parser, page, note_id, token, card["noteCard"], "hydration", source)
        if post is not None:
            yield post


class _StateParser(Parser):
    """A page of the web app: whatever ``window.__INITIAL_STATE__`` holds is read (the notes of
    ``note.noteDetailMap``, the profile of ``user.userPageData``, the cards of ``user.notes``,
    ``search.feeds`` and ``feed.feeds``), whatever the URL says: a note URL that serves another
    note gives that note, never a post with the URL's id."""

    platform = "xiaohongshu"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and "__INITIAL_STATE__" in page.text and any(
            marker in page.text for marker in self.markers)


    def detect_block(self, page: Page) -> str | None:
        return _block(page)

    def parse(self, page: Page) -> Iterator:
        state = _state(self, page)
        records = list(unique(self.records(page, state)))
        if records:
            yield from records
            return
        self.explain_empty(page, state)

    def records(self, page: Page, state: dict) -> Iterator:
        profile = self._profile(page, state)
        if profile is not None:
            yield profile
        yield from self._notes(page, state)
        source = "pc_user" if profile is not None else "pc_search" if isinstance(pick(state, "search.feeds"), list) \
            and pick(state, "search.feeds") else "pc_feed"
        yield from _state_cards(self, page, state, source)

    def _notes(self, page: Page, state: dict) -> Iterator:
        """The notes of ``note.noteDetailMap``: the one the URL or the state names first, then the others."""
        details = pick(state, "note.noteDetailMap")
        notes = [d for d in find_dicts(details, lambda d: _is_full_note(d) and _get(d, "noteId", "id"))]
        match = _NOTE_ID.search(page.url or "")
        wanted = [match.group(1) if match else None,
                  pick(state, "note.currentNoteId", as_str), pick(state, "note.firstNoteId", as_str)]
        notes.sort(key=lambda n: next((i for i, w in enumerate(wanted) if w and _get(n, "noteId", "id") == w), 9))
        for note in notes:
            post = _note_post(self, page, note, "hydration")
            if post is not None:
                yield post

    def _profile(self, page: Page, state: dict):
        data = pick(state, "user.userPageData")
        basic = pick(data, "basicInfo")
        if not isinstance(basic, dict) or not basic:
            return None
        # the profile's id from its own data: basicInfo, the notes query, else its own note cards' author
        user_id = pick_first(data, "basicInfo.userId", "userId", "basicInfo.user_id", coerce=as_str) or next(
            (as_str(q.get("userId")) for q in as_list(pick(state, "user.noteQueries"))
             if isinstance(q, dict) and as_str(q.get("userId"))), None)
        if not user_id:
            authors = {pick(c, "noteCard.user.userId", as_str)
                       for c in find_dicts(pick(state, "user.notes.0"), lambda d: isinstance(d.get("noteCard"), dict))}
            user_id = authors.pop() if len(authors) == 1 else None
        if not user_id:
            return None
        counts = {as_str(i.get("type")): as_count(i.get("count"))
                  for i in as_list(pick(data, "interactions")) if isinstance(i, dict)}
        return self.record(
            page, "account", extractor="hydration",
            id=user_id,
            url=_user_url(user_id),
            handle=as_str(basic.get("redId")),
            name=as_str(basic.get("nickname")),
            bio=as_str(basic.get("desc")),
            followers=counts.get("fans"),
            following=counts.get("follows"),
            # "获赞与收藏": likes and saves received, the only total the profile shows
            likes_total=counts.get("interaction"),
            region=as_str(basic.get("ipLocation")),
        )

    def explain_empty(self, page: Page, state: dict) -> None:
        reason = pick_first(state, "note.serverRequestInfo.errMsg", "user.userPageData.result.message",
                            coerce=as_str)
        code = pick_first(state, "note.serverRequestInfo.errorCode", "user.userPageData.result.code", coerce=as_int)
        if isinstance(pick(state, "search.feeds"), list) or isinstance(pick(state, "feed.feeds"), list):
            if not pick(state, "note.noteDetailMap") and not pick(state, "user.userPageData.basicInfo"):
                return  # a search/explore page whose results the app fetches by XHR: nothing server-rendered
        match = _NOTE_ID.search(page.url or "")
        raise self.changed("%s%s" % (self.missing % (match.group(1) if match else "the page's"),
                                     " (%s%s)" % (reason or "", " %s" % code if code else "") if reason or code else ""))

    missing = "note %s not in note.noteDetailMap"


@register
class XiaohongshuNoteParser(_StateParser):
    page_type = "note"
    # the login / captcha pages a note request is redirected to are matched too, to be reported as blocks
    url_pattern = _HOST + r"/(?:(?:explore|discovery/item|user/profile/[0-9a-f]+)/[0-9a-f]{24}|website-login/)"
    markers = ('"noteDetailMap"',)


@register
class XiaohongshuProfileParser(_StateParser):
    page_type = "profile"
    url_pattern = _HOST + r"/user/profile/[0-9a-f]{24}/?(?:[?#]|$)"
    markers = ('"basicInfo"', '"userPageData"')
    missing = "user.userPageData.basicInfo with a user id (profile %s) not found in the state"


@register
class XiaohongshuSearchPageParser(_StateParser):
    """``/search_result?keyword=`` and ``/explore`` (the feed): the server-rendered cards of
    ``search.feeds`` / ``feed.feeds``, when there are any (the app usually fetches them by XHR)."""

    page_type = "search_page"
    url_pattern = _HOST + r"/(?:search_result|explore/?(?:[?#]|$))"
    markers = ('"feeds"',)


# ---- the web API (edith.xiaohongshu.com), JSON the app fetches itself ----

def _api_block(page: Page) -> str | None:
    try:
        body = page.json
    except PageChanged:  # not JSON: the parser reports it
        return None
    code = as_int(body.get("code")) if isinstance(body, dict) else None
    if code in _API_BLOCKS:
        return _API_BLOCKS[code]
    return None


_API_NAMES = {-510000: "note not found or gone", -510001: "note not found or gone", 300031: "note not visible",
              300012: "IP blocked", 300011: "account restricted", 461: "captcha", 471: "captcha"}


class _ApiParser(Parser):
    """An answer ``{code, success, msg, data}``: ``data`` is read whatever ``code`` and ``success`` say
    (notes with their whole text under ``items[].note_card`` from ``/feed``, cards from ``/search/notes``
    and ``/homefeed``, ``notes[]`` from ``/user_posted``); an answer without data is explained by its code
    (a block for the refusal codes, see ``detect_block``)."""

    platform = "xiaohongshu"
    list_key = ""
    source = "pc_feed"

    body = "json"

    def detect_block(self, page: Page) -> str | None:
        return _api_block(page)

    def parse(self, page: Page) -> Iterator:
        body = page.json
        if not isinstance(body, dict):
            raise self.changed("the API answer is not an object")
        data = body.get("data")
        records = list(unique(self.records(page, data))) if isinstance(data, dict) else []
        if records:
            yield from records
            return
        code = as_int(body.get("code"))
        if not isinstance(data, dict) or code:
            raise self.changed("no data object in the API answer (code %s: %s)" % (
                body.get("code"), as_str(body.get("msg")) or _API_NAMES.get(code or 0, "no message")))
        keys = (self.list_key,) if self.list_key else ("items", "notes")
        if any(isinstance(data.get(k), list) for k in keys):
            return  # an empty list: no result
        raise self.changed("data.%s not found in the answer" % "/".join(keys))

    def records(self, page: Page, data: dict) -> Iterator:
        for item in as_list(data.get("items")):
            if not isinstance(item, dict) or not isinstance(item.get("note_card"), dict):
                continue
            if item.get("model_type", "note") != "note":
                continue  # hot_query / rec_query shelves
            card, token = item["note_card"], pick(item, "xsec_token", as_str)
            note_id = pick_first(item, "id", "note_card.note_id", coerce=as_str)
            if _is_full_note(card):
                post = _note_post(self, page, {"note_id": note_id, **card}, "api", token, self.source)
            else:
                post = _card_post(self, page, note_id, token, card, "api", self.source)
            if post is not None:
                yield post
        for note in as_list(data.get("notes")):
            if isinstance(note, dict):
                post = _card_post(self, page, pick(note, "note_id", as_str), pick(note, "xsec_token", as_str), note,
                                  "api", "pc_user")
                if post is not None:
                    yield post


@register
class XiaohongshuSearchApiParser(_ApiParser):
    """POST /api/sns/web/v1/search/notes: the search page's result cards."""
    page_type = "search_api"
    url_pattern = _API_HOST + r"/api/sns/web/v1/search/notes"
    list_key = "items"
    source = "pc_search"


@register
class XiaohongshuUserPostedApiParser(_ApiParser):
    """GET /api/sns/web/v1/user_posted: a profile's next note cards."""
    page_type = "user_posted_api"
    url_pattern = _API_HOST + r"/api/sns/web/v1/user_posted"
    list_key = "notes"


@register
class XiaohongshuFeedApiParser(_ApiParser):
    """POST /api/sns/web/v1/feed (one note opened from a list: ``items[].note_card`` with its whole
    text, time, tags and location), /homefeed (cards) and any other answer of the same shape."""
    page_type = "feed_api"
    url_pattern = _API_HOST + r"/api/sns/web/v\d+/"

    def sniff(self, page: Page) -> bool:
        text = page.text
        return page.is_json and '"data"' in text and (
            '"note_card"' in text or ('"notes"' in text and '"display_title"' in text and '"note_id"' in text))
