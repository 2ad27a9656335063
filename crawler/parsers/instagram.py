"""Instagram: post/reel pages and profile pages, logged-out web.

Where the data is, best first:

- Relay data in ``<script type="application/json" data-sjs>`` (``…__bbox.result.data``):
  a media object (``xdt_api__v1__media__shortcode__web_info.items[]``,
  ``xig_polaris_media``: ``{pk, code, caption.text, user{pk, username,
  full_name}, taken_at, like_count, comment_count, play_count, media_type}``;
  or GraphQL ``shortcode_media``) and user objects (``web_profile_info``:
  ``{id, username, full_name, biography, edge_followed_by.count, …}`` or the
  v1 ``{pk, follower_count, …}`` form). Found by meaning, not by path.
- The route props in the same scripts (``initialRouteInfo.route``):
  ``params.shortcode`` / ``params.username`` with ``rootView.props.media_id``,
  ``owner_id`` (post) or ``id`` (profile).
- Meta tags, which logged-out pages always carry: ``description`` "13K likes,
  167 comments - <handle> on <date>: \"<caption>\". " (post) or "5,351
  Followers, 3,408 Following, 713 Posts - <name> (@<handle>) on Instagram:
  \"<bio>\"" (profile), ``twitter:title``/``og:title`` "<name> (@<handle>) •
  Instagram …", ``al:ios:url`` ``instagram://media?id=<pk>``,
  ``instapp:owner_user_id``. Counts there are rounded ("13K").

- The web API the profile page itself fetches (``/api/v1/users/web_profile_info/?username=``,
  sent with the ``X-IG-App-ID`` header): ``data.user`` is the same user object (exact counts),
  with the latest posts in ``edge_owner_to_timeline_media.edges[].node`` (GraphQL media:
  ``shortcode``, ``edge_media_to_caption``, ``taken_at_timestamp``, ``edge_liked_by``,
  ``video_view_count``, ``product_type`` "clips" for reels). ``status: "fail"`` answers
  (``require_login``, "Please wait a few minutes") are blocks.

A logged-out request may get the login page instead ("Login • Instagram",
``#loginForm``): reported as a ``login_wall`` block.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from crawler.errors import PageChanged
from crawler.helpers.counts import parse_count
from crawler.helpers.embedded import json_scripts
from crawler.helpers.paths import (as_bool, as_count, as_digits, as_float, as_int, as_list, as_str, find_dicts,
                                   pick, pick_first)
from crawler.helpers.text import absolute_url, hashtags
from crawler.helpers.times import to_utc
from crawler.page import Page
from crawler.parsers.base import Parser, unique
from crawler.registry import register

_HOST = r"^https?://(?:www\.|m\.)?instagram\.com"
_POST_PATH = re.compile(r"instagram\.com/(?:[\w.]+/)?(?P<kind>p|reels?|tv)/(?P<code>[\w-]+)", re.I)
# first path segments that are Instagram's own pages, never a user name
_RESERVED = ("p", "reel", "reels", "tv", "explore", "accounts", "stories", "direct", "about", "legal", "developer",
             "web", "api", "graphql", "challenge", "emails", "session", "privacy", "terms", "ar", "static", "oauth",
             "_u", "_n", "s", "lite", "topics", "locations", "popular", "create", "threads", "help", "press")
_PROFILE_PATH = re.compile(r"instagram\.com/(?!(?:%s)(?:[/?#]|$))(?P<handle>[A-Za-z0-9._]{1,30})/?"
                           r"(?:(?:tagged|reels|saved|guides|igtv|followers|following)/?)?(?:[?#]|$)"
                           % "|".join(map(re.escape, _RESERVED)), re.I)
_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# "<name> (@<handle>) • Instagram reel" / "… • Instagram photos and videos"
_NAMED = re.compile(r"^(?P<name>.*?)\s*\(@(?P<handle>[\w.]+)\)\s*•", re.S)
# the caption / bio: the quoted part after "…: " (it may itself contain quotes and newlines)
_QUOTED = re.compile(r':\s*"(?P<quoted>.*)"\.?\s*$', re.S)
# words naming each count in the meta description, in the languages Instagram serves most
_COUNT_WORDS = {
    "followers": re.compile(r"followers?|팔로워|seguidores|abonnés|abonnenten|follower|粉丝|フォロワー|подписчик|pengikut", re.I),
    "following": re.compile(r"following|팔로우|seguidos|seguindo|abonnements|abonniert|关注|フォロー中|подписк|mengikuti", re.I),
    "posts": re.compile(r"posts?|게시물|publicaciones|publicações|publications|beiträge|帖子|投稿|публикац|postingan", re.I),
    "likes": re.compile(r"likes?|좋아요|me gusta|curtidas|j’aime|j'aime|gefällt|mi piace|いいね|赞|отмет|suka", re.I),
    "comments": re.compile(r"comments?|댓글|comentarios?|comentários|commentaires?|kommentare?|commenti|コメント|评论|коммент|komentar", re.I),
}
_LOGIN_TITLE = re.compile(r"^(?:login|log in|로그인|iniciar sesión|entrar|connexion|anmelden|accedi|登录|ログイン|вход)"
                          r"\s*[•·|-]\s*instagram", re.I)


def _shortcode_to_pk(code: str) -> str | None:
    """A media's numeric id, which is its shortcode read as base64 (11-character public codes only)."""
    if not code or len(code) > 11 or any(c not in _SHORTCODE_ALPHABET for c in code):
        return None
    number = 0
    for char in code:
        number = number * 64 + _SHORTCODE_ALPHABET.index(char)
    return str(number)


def _relay(page: Page) -> list:
    """Every JSON script of the page that parses (Relay data, route props)."""
    return list(json_scripts(page.sel))


def _route(data: list, key: str, value: str | None) -> dict:
    """The route props of the page whose ``params[key]`` is ``value``."""
    if not value:
        return {}
    routes = find_dicts(data, lambda d: "rootView" in d and isinstance(d.get("params"), dict)
                        and isinstance(d["params"].get(key), str) and d["params"][key].lower() == value.lower())
    return pick_first(routes, "0.rootView.props", "0.hostableView.props") or {}


def _counts(description: str | None) -> dict[str, int]:
    """Counts of the meta description's head ("13K likes, 167 comments - …", "팔로워 1,234명, …")."""
    if not description:
        return {}
    head = description.split(" - ", 1)[0] if " - " in description else ""
    out: dict[str, int] = {}
    for part in head.split(", "):
        for name, words in _COUNT_WORDS.items():
            if name not in out and words.search(part):
                value = parse_count(part)
                if value is not None:
                    out[name] = value
                break
    return out


def _quoted(text: str | None) -> str | None:
    match = _QUOTED.search(text or "")
    return match.group("quoted") if match and match.group("quoted") else None


def _named(page: Page) -> tuple[str | None, str | None]:
    """(name, handle) from the "<name> (@<handle>) • Instagram" titles."""
    for text in (page.meta.get("twitter:title"), page.meta.get("og:title"), page.title):
        match = _NAMED.match(text or "")
        if match:
            return as_str(match.group("name")), match.group("handle")
    return None, None


def _login_wall(page: Page) -> str | None:
    if _LOGIN_TITLE.match(page.title or "") or re.search(r"instagram\.com/accounts/login", page.url or "", re.I):
        return "login_wall"
    has_form = page.sel.xpath('//form[@id="loginForm"] | //input[@name="password"]')
    has_content = any(page.meta.get(k) for k in ("og:url", "og:description", "description", "al:ios:url"))
    if has_form and not has_content:
        return "login_wall"
    return None


def _app_url(page: Page) -> str:
    return page.meta.get("al:ios:url") or ""


def _is_media(d: dict) -> bool:
    return (isinstance(d.get("code") or d.get("shortcode"), str) and isinstance(d.get("user") or d.get("owner"), dict)
            and any(k in d for k in ("taken_at", "taken_at_timestamp", "like_count", "edge_media_preview_like",
                                     "image_versions2", "display_url")))


def _is_user(d: dict) -> bool:
    return isinstance(d.get("username"), str) and any(
        k in d for k in ("edge_followed_by", "follower_count", "biography", "media_count"))


def _media_type(media: dict | None, page: Page, kind: str | None) -> str:
    code = pick(media, "media_type", as_int)  # 1 image, 2 video, 8 carousel
    typename = pick(media, "__typename", as_str) or ""
    if code == 2 or typename.endswith("Video") or pick(media, "is_video", as_bool) or pick(media, "video_versions"):
        return "video"
    if media and (code in (1, 8) or typename.endswith(("Image", "Sidecar"))):
        return "images"
    if (kind or "").lower() in ("reel", "reels", "tv") or page.meta.get("og:video") \
            or re.search(r"•\s*Instagram (?:reel|video)", page.meta.get("twitter:title") or "", re.I):
        return "video"
    return "images"


def _image_count(media: dict | None, media_type: str) -> int | None:
    if not media or media_type != "images":
        return None
    carousel = as_list(media.get("carousel_media")) or as_list(pick(media, "edge_sidecar_to_children.edges"))
    return pick_first(media, "carousel_media_count", coerce=as_int) or len(carousel) or 1


@register
class InstagramPostParser(Parser):
    platform = "instagram"
    page_type = "post"
    url_pattern = _HOST + r"/(?:[\w.]+/)?(?:p|reels?|tv)/[\w-]+"

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _app_url(page).startswith("instagram://media?id=")

    def detect_block(self, page: Page) -> str | None:
        return _login_wall(page)

    def parse(self, page: Page) -> Iterator:
        match = _POST_PATH.search(page.url or "") or _POST_PATH.search(page.meta.get("og:url") or "")
        code, kind = (match.group("code"), match.group("kind")) if match else (None, None)
        data = _relay(page)
        media_objects = find_dicts(data, _is_media)
        media = next((m for m in media_objects if code in (m.get("code"), m.get("shortcode"))), None) \
            if code else (media_objects[0] if media_objects else None)
        if media is not None:
            yield self._from_json(page, media, kind)
            return
        yield self._from_meta(page, data, code, kind)

    def _from_json(self, page: Page, media: dict, kind: str | None, extractor: str = "hydration",
                   owner: dict | None = None):
        """A post from a media object; ``owner``: the user the media was listed under (its ``owner`` is terse)."""
        code = pick_first(media, "code", "shortcode", coerce=as_str)
        media_id = pick_first(media, "pk", "id", coerce=as_digits) or pick(media, "id", as_str)
        user = media.get("user") if isinstance(media.get("user"), dict) else media.get("owner")
        handle = pick(user, "username", as_str) or pick(owner, "username", as_str)
        text = pick_first(media, "caption.text", "edge_media_to_caption.edges.0.node.text", coerce=as_str)
        media_type = _media_type(media, page, kind)
        return self.record(
            page, "post", extractor=extractor,
            id=media_id or code,
            url=self._url(page, code, kind),
            author=self._author(pick_first(user, "pk", "id", coerce=as_digits) or pick(owner, "id", as_digits),
                                handle, pick(user, "full_name", as_str) or pick(owner, "full_name", as_str)),
            text=text,
            hashtags=hashtags(text),
            created_at=to_utc(pick_first(media, "taken_at", "taken_at_timestamp")),
            media_type=media_type,
            image_count=_image_count(media, media_type),
            duration_s=pick(media, "video_duration", as_float) if media_type == "video" else None,
            metrics={
                "views": pick_first(media, "play_count", "view_count", "video_play_count", "video_view_count",
                                    coerce=as_count),
                "likes": pick_first(media, "like_count", "edge_media_preview_like.count", "edge_liked_by.count",
                                    coerce=as_count),
                "comments": pick_first(media, "comment_count", "edge_media_to_parent_comment.count",
                                       "edge_media_to_comment.count", coerce=as_count),
            },
            location=pick(media, "location.name", as_str),
        )

    def _from_meta(self, page: Page, data: list, code: str | None, kind: str | None):
        description = page.meta.get("description") or page.meta.get("og:description")
        if not description and not page.meta.get("og:title"):
            raise self.changed("no post data: neither media JSON nor the description/og:title meta tags")
        props = _route(data, "shortcode", code)
        app_id = re.search(r"instagram://media\?id=(\d+)", _app_url(page))
        media_id = (as_digits(props.get("media_id")) or (app_id.group(1) if app_id else None)
                    or _shortcode_to_pk(code or ""))
        if not media_id and not code:
            raise self.changed("no media id or shortcode in the URL, the route props or the meta tags")
        counts = _counts(description)
        name, handle = _named(page)
        by = re.search(r" - (?P<handle>[\w.]+) ", description or "")
        text = _quoted(description) or _quoted(page.meta.get("og:title"))
        return self.record(
            page, "post", extractor="meta",
            id=media_id or code,
            url=self._url(page, code, kind),
            author=self._author(as_digits(props.get("owner_id")) or as_digits(page.meta.get("instapp:owner_user_id")),
                                handle or (by.group("handle") if by else None), name),
            text=text,
            hashtags=hashtags(text),
            created_at=None,  # the meta tags give a date only ("November 7, 2025"), no time or zone
            media_type=_media_type(None, page, kind),
            metrics={"likes": counts.get("likes"), "comments": counts.get("comments")},
        )

    @staticmethod
    def _author(user_id: str | None, handle: str | None, name: str | None) -> dict:
        return {"id": user_id, "handle": handle, "name": name,
                "url": "https://www.instagram.com/%s/" % handle if handle else None}

    @staticmethod
    def _url(page: Page, code: str | None, kind: str | None) -> str:
        og_url = absolute_url(page.meta.get("og:url"))
        if og_url and code and code in og_url and "instagram.com" in og_url:
            return og_url
        if code:
            return "https://www.instagram.com/%s/%s/" % ("reel" if (kind or "").startswith("reel") else "p", code)
        return page.url


@register
class InstagramProfileParser(Parser):
    platform = "instagram"
    page_type = "profile"
    url_pattern = _PROFILE_PATH.pattern.replace(r"instagram\.com/", _HOST + "/", 1)

    def sniff(self, page: Page) -> bool:
        return not page.is_json and _app_url(page).startswith("instagram://user?username=")

    def detect_block(self, page: Page) -> str | None:
        return _login_wall(page)

    def parse(self, page: Page) -> Iterator:
        match = _PROFILE_PATH.search(page.url or "") or _PROFILE_PATH.search(page.meta.get("og:url") or "")
        app = re.search(r"instagram://user\?username=([\w.]+)", _app_url(page))
        handle = match.group("handle") if match else (app.group(1) if app else None)
        data = _relay(page)
        users = find_dicts(data, _is_user)
        user = next((u for u in users if handle and u["username"].lower() == handle.lower()), None) \
            if handle else (users[0] if users else None)
        if user is not None:
            yield self._from_json(page, user)
            return
        yield self._from_meta(page, data, handle)

    def _from_json(self, page: Page, user: dict, extractor: str = "hydration"):
        handle = as_str(user.get("username"))
        links = [absolute_url(pick(link, "url", as_str)) for link in as_list(user.get("bio_links"))]
        links = [link for link in [absolute_url(as_str(user.get("external_url")))] + links if link]
        return self.record(
            page, "account", extractor=extractor,
            id=pick_first(user, "pk", "id", coerce=as_digits) or handle,
            url="https://www.instagram.com/%s/" % handle,
            handle=handle,
            name=as_str(user.get("full_name")),
            bio=as_str(user.get("biography")),
            followers=pick_first(user, "follower_count", "edge_followed_by.count", coerce=as_count),
            following=pick_first(user, "following_count", "edge_follow.count", coerce=as_count),
            posts_count=pick_first(user, "media_count", "edge_owner_to_timeline_media.count", coerce=as_count),
            verified=as_bool(user.get("is_verified")),
            links=list(dict.fromkeys(links)),
        )

    def _from_meta(self, page: Page, data: list, handle: str | None):
        description = page.meta.get("description")
        og_description = page.meta.get("og:description")
        if not description and not og_description:
            raise self.changed("no profile data: neither user JSON nor the description meta tags")
        name, titled = _named(page)
        handle = handle or titled
        if not handle:
            raise self.changed("no user name in the URL or the meta tags")
        props = _route(data, "username", handle)
        counts = _counts(og_description) or _counts(description)
        user_id = pick_first(props, "id", "page_logging.params.profile_id", coerce=as_digits)
        return self.record(
            page, "account", extractor="meta",
            id=user_id or handle,
            url="https://www.instagram.com/%s/" % handle,
            handle=handle,
            name=name,
            bio=_quoted(description),
            followers=counts.get("followers"),
            following=counts.get("following"),
            posts_count=counts.get("posts"),
            verified=None,  # not in the meta tags
        )


@register
class InstagramProfileApiParser(Parser):
    """/api/v1/users/web_profile_info/: the account and its latest posts, as the profile page fetches them."""
    platform = "instagram"
    page_type = "profile_api"
    url_pattern = _HOST + r"/api/v1/users/web_profile_info/"

    def accepts(self, page: Page) -> bool:
        return page.is_json

    def detect_block(self, page: Page) -> str | None:
        try:
            body = page.json
        except PageChanged:
            return None
        if not isinstance(body, dict) or body.get("status") != "fail":
            return None
        if body.get("require_login") or "login" in str(body.get("message") or "").lower():
            return "login_wall"
        return "rate_limited" if body.get("spam") or "wait" in str(body.get("message") or "").lower() else None

    def parse(self, page: Page) -> Iterator:
        user = pick(page.json, "data.user")
        if not isinstance(user, dict) or not _is_user(user):
            raise self.changed("data.user not found in the web_profile_info answer")
        # the page parsers build the records (same fields, same rules); they are only told the source
        yield _PROFILE._from_json(page, user, extractor="api")
        nodes = [pick(edge, "node") for edge in as_list(pick(user, "edge_owner_to_timeline_media.edges"))]
        yield from unique(
            _POST._from_json(page, node, "reel" if node.get("product_type") == "clips" else "p", extractor="api",
                             owner=user)
            for node in nodes if isinstance(node, dict) and pick_first(node, "shortcode", "code", coerce=as_str))


_POST, _PROFILE = InstagramPostParser(), InstagramProfileParser()
