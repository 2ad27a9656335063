"""Weibo: statuses from the web API (``weibo.com/ajax/statuses/...``).

Accepts a whole API response (``mymblog`` / ``searchAll`` lists under
``data.list``, ``statuses/show`` objects) or a single status object; statuses
are found by meaning (an object with ``mblogid`` and ``user``), not by position.
"""
from __future__ import annotations

from collections.abc import Iterator

from crawler.helpers.paths import as_count, as_digits, as_float, as_int, as_str, find_dicts, pick, pick_first
from crawler.helpers.text import hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser
from crawler.registry import register


def _is_status(d: dict) -> bool:
    return "mblogid" in d and isinstance(d.get("user"), dict) and ("text_raw" in d or "text" in d)


def _media_type(status: dict) -> str:
    object_type = pick(status, "page_info.object_type")
    if object_type == "video" or pick(status, "page_info.media_info"):
        return "video"
    if as_int(status.get("pic_num")) or status.get("pic_ids"):
        return "images"
    if object_type in ("webpage", "article") or status.get("url_struct"):
        return "link"
    return "text"


@register
class WeiboStatusParser(Parser):
    platform = "weibo"
    page_type = "status_api"
    url_pattern = r"^https?://(?:www\.|m\.)?weibo\.(?:com|cn)/(?:ajax/|api/)"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def sniff(self, page: Page) -> bool:
        return page.is_json and '"mblogid"' in page.text

    def parse(self, page: Page) -> Iterator:
        statuses = find_dicts(page.json, _is_status)
        if not statuses and pick(page.json, "ok") not in (1, None):
            raise self.changed("the API answered ok=%r: %s" % (pick(page.json, "ok"), pick(page.json, "msg")))
        if not statuses and not isinstance(pick(page.json, "data.list"), list):
            raise self.changed("no status object (with mblogid and user) in the response")
        for status in statuses:
            post = self._post(page, status)
            if post is not None:
                yield post

    def _post(self, page: Page, status: dict):
        """One status as a post; None when it lacks the ids that identify it."""
        user = status["user"]
        user_id = pick_first(user, "idstr", "id", coerce=as_digits)
        slug = as_str(status.get("mblogid"))
        text = pick_first(status, "text_raw", "text", coerce=as_str)
        pics = as_int(status.get("pic_num"))
        status_id = pick_first(status, "idstr", "mid", "id", coerce=as_digits)
        if not status_id or not user_id or not slug:
            return None
        return self.record(
            page, "post", extractor="api",
            id=status_id,
            url="https://weibo.com/%s/%s" % (user_id, slug),
            author={
                "id": user_id,
                "handle": as_str(user.get("domain")) or as_str(user.get("screen_name")),
                "name": as_str(user.get("screen_name")),
                "url": "https://weibo.com/u/%s" % user_id if user_id else None,
            },
            text=text,
            hashtags=hashtags(text, closed=True),
            created_at=to_utc(status.get("created_at")),
            media_type=_media_type(status),
            image_count=pics if pics else None,
            duration_s=pick(status, "page_info.media_info.duration", as_float),
            metrics={
                "likes": as_count(status.get("attitudes_count")),
                "comments": as_count(status.get("comments_count")),
                "shares": as_count(status.get("reposts_count")),
            },
            location=as_str(status.get("region_name")),
        )
