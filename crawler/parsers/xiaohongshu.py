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
  ``interactions[{type: follows|fans|interaction, count}]``.

A note request redirected to ``/website-login/captcha`` (or another login
page) is reported as a block.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from crawler.helpers.paths import as_count, as_float, as_list, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register

_HOST = r"^https?://(?:[\w-]+\.)*(?:xiaohongshu|rednote)\.com"
_NOTE_ID = re.compile(r"/(?:explore|discovery/item|user/profile/[0-9a-f]+)/([0-9a-f]{24})(?:[/?#]|$)")
_USER_ID = re.compile(r"/user/profile/([0-9a-f]{24})(?:[/?#]|$)")
_STATE = "window.__INITIAL_STATE__"


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
