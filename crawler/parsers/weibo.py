"""Weibo: statuses (and their authors) from the web and mobile-web APIs, found by meaning.

A status is an object with a ``user`` object, a text (``text_raw`` and/or the HTML ``text``)
and what only statuses have: a URL slug (``mblogid`` on weibo.com, ``bid`` on m.weibo.cn) or
the repost/like counters (``reposts_count``, ``attitudes_count``). Wherever the answer puts it:

- weibo.com ajax: ``/ajax/statuses/mymblog`` and ``searchAll`` (``data.list[]``),
  ``/ajax/statuses/show?id=`` (the status itself), ``/ajax/feed/...`` (``statuses[]``);
  ``text_raw`` is the plain text, ``text`` its HTML; ``region_name`` "发布于 福建".
- m.weibo.cn: ``/statuses/show?id=<bid>`` (``{ok:1, data:{status}}``, capture #30),
  ``/api/container/getIndex`` (``data.cards[].mblog`` and ``card_group[].mblog``; profile
  ``data.userInfo``), ``/detail/<id>`` pages (``var $render_data = [{status: ...}][0]``);
  ``text`` is HTML only (links, emoji ``<img alt="[笑cry]">``, ``<br />``), ``bid`` is the slug,
  counts may be display strings ("100万+", ``followers_count`` "62.4万").
- reposts carry the original as ``retweeted_status``: both are statuses.

Comments (``/comments/hotflow``, ``/ajax/statuses/buildComments``) are not statuses (no slug, no
repost counter): an answer with only comments holds no post. The author of a status becomes an
account record when the answer carries the author's profile counts (m.weibo.cn does), as does a
profile's ``userInfo`` / ``data.user``.

``ok`` is read but never gates: data present is data read. ``{"ok": -100, "url":
"https://passport.weibo.cn/..."}`` and "请先登录" answers are login walls.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from crawler.helpers.paths import (as_bool, as_count, as_digits, as_int, as_seconds, as_list, as_str, find_dicts, pick,
                                   pick_first, walk)
from crawler.helpers.text import hashtags, html_text
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser, unique
from crawler.registry import register

_LOGIN = re.compile(r"登录|login|passport\.weibo", re.I)



def _is_user(d: Any) -> bool:
    return isinstance(d, dict) and as_digits(pick_first(d, "idstr", "id")) is not None \
        and isinstance(d.get("screen_name"), str)


def _has_profile(user: dict) -> bool:
    return any(k in user for k in ("followers_count", "statuses_count", "follow_count", "friends_count"))


def _is_status(d: dict) -> bool:
    return (isinstance(d.get("user"), dict) and ("text_raw" in d or "text" in d)
            and any(k in d for k in ("mblogid", "bid", "reposts_count", "attitudes_count")))


def _media_type(status: dict) -> str:
    info = status.get("page_info") if isinstance(status.get("page_info"), dict) else {}
    kind = as_str(info.get("type"))
    object_type = as_str(info.get("object_type"))
    if "video" in (kind, object_type) or pick_first(info, "media_info.duration", "media_info.stream_url") is not None:
        return "video"
    if as_int(status.get("pic_num")) or as_list(status.get("pic_ids")) or as_list(status.get("pics")):
        return "images"
    if object_type in ("webpage", "article") or kind in ("webpage", "article") or status.get("url_struct"):
        return "link"
    return "text"


def _image_count(status: dict) -> int | None:
    count = as_count(status.get("pic_num"))
    if not count:
        count = len(as_list(status.get("pics"))) or len(as_list(status.get("pic_ids")))
    return count or None



def _user_id(user: Any) -> str | None:
    return pick_first(user, "idstr", "id", coerce=as_digits)


def _handle(user: dict) -> str | None:
    return as_str(user.get("domain")) or as_str(user.get("screen_name"))


@register
class WeiboStatusParser(Parser):
    platform = "weibo"
    page_type = "status_api"
    url_pattern = (r"^https?://(?:www\.|m\.)?weibo\.(?:com|cn)/(?:ajax/|api/|statuses/|comments/|detail/|status/"
                   r"|\d+/[A-Za-z0-9]+(?:[?#]|$))")

    def accepts(self, page: Page) -> bool:
        return page.is_json or "$render_data" in page.text

    def sniff(self, page: Page) -> bool:
        if not page.is_json:
            return "$render_data" in page.text and '"screen_name"' in page.text
        head = page.text[:300000]
        if '"screen_name"' not in head:
            return False
        return any(marker in head for marker in ('"mblogid"', '"attitudes_count"', '"bid"', "sinaimg.cn"))

    def detect_block(self, page: Page) -> str | None:
        data = self._data(page)
        if not isinstance(data, dict):
            return None
        ok = pick(data, "ok", as_int)
        if ok is not None and ok < 0 or (ok == 0 and _LOGIN.search(" ".join(
                filter(None, (pick(data, "msg", as_str), pick(data, "url", as_str)))))):
            return "login_wall"
        return None

    @staticmethod
    def _data(page: Page) -> Any:
        if page.is_json:
            try:
                return page.json
            except Exception:  # PageChanged: not JSON after all
                return None
        return page.js_assignment("$render_data")

    def parse(self, page: Page) -> Iterator:
        data = self._data(page)
        if data is None:
            raise self.changed("neither a JSON answer nor $render_data")
        statuses = find_dicts(data, _is_status)
        profiles = [d[key] for d in walk(data) for key in ("userInfo", "user_info") if _is_user(d.get(key))]
        profiles += [u for u in [pick(data, "data.user")] if _is_user(u) and _has_profile(u)]
        if not statuses and not profiles:
            ok = pick(data, "ok")
            if ok not in (1, None):
                raise self.changed("the API answered ok=%r: %s" % (ok, pick(data, "msg")))
            if not self._listing(data):
                raise self.changed("no status object (user + text + mblogid/bid/counters) in the response")
            return
        posts = [p for p in (self._post(page, status) for status in statuses) if p is not None]
        if statuses and not posts and not profiles:
            raise self.changed("status objects without a status id or a user id")
        yield from unique(posts)
        authors = [s["user"] for s in statuses if _is_user(s["user"]) and _has_profile(s["user"])]
        yield from unique(self._account(page, user) for user in profiles + authors)

    @staticmethod
    def _listing(data: Any) -> bool:
        """An answer that is a list of statuses or comments, empty or of comments only (no post in it)."""
        return any(isinstance(d.get(key), list) for d in walk(data)
                   for key in ("list", "statuses", "cards", "card_group", "data", "comments"))

    def _post(self, page: Page, status: dict):
        """One status as a post; None when it lacks the ids that identify it."""
        user = status["user"]
        user_id = _user_id(user)
        status_id = pick_first(status, "idstr", "mid", "id", coerce=as_digits)
        if not status_id or not user_id:
            return None
        slug = pick_first(status, "mblogid", "bid", coerce=as_str)
        long_text = pick_first(status, "longText.longTextContent", "long_text", coerce=as_str)
        text = (as_str(status.get("text_raw")) or html_text(long_text)
                or html_text(as_str(status.get("text"))))
        truncated = as_bool(status.get("isLongText")) is True and not long_text
        return self.record(
            page, "post", extractor="api",
            partial=truncated,
            id=status_id,
            url="https://weibo.com/%s/%s" % (user_id, slug or status_id),
            author={
                "id": user_id,
                "handle": _handle(user),
                "name": as_str(user.get("screen_name")),
                "url": "https://weibo.com/u/%s" % user_id,
            },
            text=text,
            hashtags=hashtags(text, closed=True),
            created_at=to_utc(as_str(status.get("created_at"))),
            media_type=_media_type(status),
            image_count=_image_count(status),
            duration_s=pick_first(status, "page_info.media_info.duration", "page_info.media_info.video_duration",
                                  coerce=as_seconds),
            metrics={
                "views": pick_first(status, "page_info.media_info.online_users_number", "page_info.play_count",
                                    "page_info.media_info.online_users", coerce=as_count),
                "likes": as_count(status.get("attitudes_count")),
                "comments": as_count(status.get("comments_count")),
                "shares": as_count(status.get("reposts_count")),
            },
            location=as_str(status.get("region_name")),
        )

    def _account(self, page: Page, user: dict):
        user_id = _user_id(user)
        return self.record(
            page, "account", extractor="api",
            id=user_id,
            url="https://weibo.com/u/%s" % user_id,
            handle=_handle(user),
            name=as_str(user.get("screen_name")),
            bio=as_str(user.get("description")),
            # followers_count may be a rounded display string ("62.4万")
            followers=pick_first(user, "followers_count", "followers_count_str", coerce=as_count),
            following=pick_first(user, "follow_count", "friends_count", coerce=as_count),
            posts_count=as_count(user.get("statuses_count")),
            verified=as_bool(user.get("verified")),
            region=as_str(user.get("location")),
        )
