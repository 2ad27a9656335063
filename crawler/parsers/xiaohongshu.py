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
  it came from); ``code`` != 0 (e.g. 300012 IP block, 461 captcha) is a block.

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


def _card_post(parser: Parser, page: Page, note_id: str | None, token: str | None, card: dict, extractor: str,
               source: str):
    """A post from a note card (search result, profile grid): title, author, counts; no text or time."""
    if not note_id or not isinstance(card, dict):
        return None
    note_type = pick(card, "type", as_str)
    user_id = pick_first(card, "user.user_id", "user.userId", coerce=as_str)
    return parser.record(
        page, "post", extractor=extractor,
        id=note_id,
        url=_note_url(note_id, token, source),
        author={
            "id": user_id,
            "handle": None,
            "name": pick_first(card, "user.nickname", "user.nick_name", "user.nickName", coerce=as_str),
            "url": _user_url(user_id),
        },
        title=pick_first(card, "display_title", "displayTitle", coerce=as_str),
        text=None,  # cards carry no description: the note page has it
        media_type="video" if note_type == "video" else "images",  # "normal" = an image note
        image_count=(len(as_list(card.get("image_list"))) or None) if note_type == "normal" else None,
        metrics={
            "views": None,
            "likes": pick_first(card, "interact_info.liked_count", "interactInfo.likedCount", coerce=as_count),
            "comments": pick_first(card, "interact_info.comment_count", "interactInfo.commentCount", coerce=as_count),
            "shares": pick_first(card, "interact_info.shared_count", "interactInfo.sharedCount", coerce=as_count),
            "saves": pick_first(card, "interact_info.collected_count", "interactInfo.collectedCount",
                                coerce=as_count),
        },
    )


def _media_type(note: dict) -> str:
    if note.get("type") == "video" or pick(note, "video.media"):
        return "video"
    if as_list(note.get("imageList")):
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


@register
class XiaohongshuNoteParser(Parser):
    platform = "xiaohongshu"
    page_type = "note"
    # the login / captcha pages a note request is redirected to are matched too, to be reported as blocks
    url_pattern = _HOST + r"/(?:(?:explore|discovery/item|user/profile/[0-9a-f]+)/[0-9a-f]{24}|website-login/)"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _STATE in page.text and '"noteDetailMap"' in page.text

    def detect_block(self, page: Page) -> str | None:
        return _block(page)

    def parse(self, page: Page) -> Iterator:
        state = _state(self, page)
        details = pick(state, "note.noteDetailMap")
        if not isinstance(details, dict):
            raise self.changed("note.noteDetailMap not found in the state")
        match = _NOTE_ID.search(page.url or "")
        note_id = match.group(1) if match else pick_first(state, "note.currentNoteId", "note.firstNoteId",
                                                          coerce=as_str)
        note = pick(details, (note_id, "note")) if note_id else None
        if not isinstance(note, dict) or not note:
            # the map is keyed by note id; look for the note itself by its id too
            found = find_dicts(details, lambda d: d.get("noteId") == note_id and "interactInfo" in d)
            note = found[0] if found else None
        if not note:
            reason = pick(state, "note.serverRequestInfo.errMsg", as_str)
            raise self.changed("note %s not in note.noteDetailMap%s" % (note_id, " (%s)" % reason if reason else ""))
        yield self._post(page, note, note_id)

    def _post(self, page: Page, note: dict, note_id: str | None):
        note_id = as_str(note.get("noteId")) or note_id
        if not note_id:
            raise self.changed("the note has no noteId")
        user_id = pick(note, "user.userId", as_str)
        desc = as_str(note.get("desc"))
        tags = [name for name in (pick(t, "name", as_str) for t in as_list(note.get("tagList"))) if name]
        media_type = _media_type(note)
        images = as_list(note.get("imageList"))
        return self.record(
            page, "post", extractor="hydration",
            id=note_id,
            url="https://www.xiaohongshu.com/explore/%s" % note_id,
            author={
                "id": user_id,
                "handle": None,  # the red id (小红书号) is not on note pages
                "name": pick(note, "user.nickname", as_str) or pick(note, "user.nickName", as_str),
                "url": _user_url(user_id),
            },
            title=as_str(note.get("title")),
            text=desc,
            # tagList is the structured list; desc writes them as "#tag[话题]#"
            hashtags=list(dict.fromkeys(tags)) or hashtags(desc, closed=True),
            created_at=to_utc(note.get("time")),
            media_type=media_type,
            image_count=len(images) if images and media_type == "images" else None,
            duration_s=_duration(note) if media_type == "video" else None,
            metrics={
                "views": None,  # XHS does not show play counts
                "likes": pick(note, "interactInfo.likedCount", as_count),
                "comments": pick(note, "interactInfo.commentCount", as_count),
                "shares": pick(note, "interactInfo.shareCount", as_count),
                "saves": pick(note, "interactInfo.collectedCount", as_count),
            },
            location=as_str(note.get("ipLocation")),
        )


@register
class XiaohongshuProfileParser(Parser):
    platform = "xiaohongshu"
    page_type = "profile"
    url_pattern = _HOST + r"/user/profile/[0-9a-f]{24}/?(?:[?#]|$)"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _STATE in page.text and '"basicInfo"' in page.text

    def detect_block(self, page: Page) -> str | None:
        return _block(page)

    def parse(self, page: Page) -> Iterator:
        state = _state(self, page)
        data = pick(state, "user.userPageData")
        basic = pick(data, "basicInfo")
        if not isinstance(basic, dict) or not basic:
            raise self.changed("user.userPageData.basicInfo not found in the state")
        match = _USER_ID.search(page.url or "")
        user_id = match.group(1) if match else pick_first(data, "basicInfo.userId", "userId", coerce=as_str)
        if not user_id:
            raise self.changed("no user id in the URL or the profile data")
        counts = {as_str(i.get("type")): as_count(i.get("count"))
                  for i in as_list(pick(data, "interactions")) if isinstance(i, dict)}
        yield self.record(
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
        # the first note cards of the profile grid (more arrive by /user_posted as the page scrolls)
        cards = find_dicts(pick(state, "user.notes"), lambda d: isinstance(d.get("noteCard"), dict))
        yield from unique(filter(None, (
            _card_post(self, page, pick_first(c, "id", "noteCard.noteId", coerce=as_str),
                       pick_first(c, "xsecToken", "noteCard.xsecToken", coerce=as_str), c["noteCard"],
                       "hydration", "pc_user") for c in cards)))


def _api_data(parser: Parser, page: Page) -> dict:
    """``data`` of an answer ``{code, success, msg, data}``; refused answers are blocks, not changes."""
    body = page.json
    if not isinstance(body, dict):
        raise parser.changed("the API answer is not an object")
    data = body.get("data")
    if not isinstance(data, dict):
        raise parser.changed("no data object in the API answer (code %s: %s)" % (body.get("code"), body.get("msg")))
    return data


def _api_block(page: Page) -> str | None:
    try:
        body = page.json
    except PageChanged:  # not JSON: the parser reports it
        return None
    code = as_int(body.get("code")) if isinstance(body, dict) else None
    if code in _API_BLOCKS:
        return _API_BLOCKS[code]
    return None


@register
class XiaohongshuSearchApiParser(Parser):
    """POST /api/sns/web/v1/search/notes: the search page's result cards."""
    platform = "xiaohongshu"
    page_type = "search_api"
    url_pattern = _API_HOST + r"/api/sns/web/v1/search/notes"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def detect_block(self, page: Page) -> str | None:
        return _api_block(page)

    def parse(self, page: Page) -> Iterator:
        items = _api_data(self, page).get("items")
        if not isinstance(items, list):
            raise self.changed("data.items not found in the search answer")
        notes = [i for i in items if isinstance(i, dict) and isinstance(i.get("note_card"), dict)
                 and i.get("model_type", "note") == "note"]
        yield from unique(filter(None, (
            _card_post(self, page, pick_first(i, "id", "note_card.note_id", coerce=as_str),
                       pick(i, "xsec_token", as_str), i["note_card"], "api", "pc_search") for i in notes)))


@register
class XiaohongshuUserPostedApiParser(Parser):
    """GET /api/sns/web/v1/user_posted: a profile's next note cards."""
    platform = "xiaohongshu"
    page_type = "user_posted_api"
    url_pattern = _API_HOST + r"/api/sns/web/v1/user_posted"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def detect_block(self, page: Page) -> str | None:
        return _api_block(page)

    def parse(self, page: Page) -> Iterator:
        notes = _api_data(self, page).get("notes")
        if not isinstance(notes, list):
            raise self.changed("data.notes not found in the user_posted answer")
        yield from unique(filter(None, (
            _card_post(self, page, pick(n, "note_id", as_str), pick(n, "xsec_token", as_str), n, "api", "pc_user")
            for n in notes if isinstance(n, dict))))
