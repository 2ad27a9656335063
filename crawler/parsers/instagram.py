"""Instagram: post/reel pages, profile pages and the JSON answers of its web and app APIs.

Media and users are found by meaning wherever a layout puts them, never by one path:

- a media object is a dict with a shortcode (``code`` in the v1 REST shape, ``shortcode`` in
  GraphQL), an owner (``user`` / ``owner``) and a time or counter (``taken_at``,
  ``taken_at_timestamp``, ``like_count``, ``edge_liked_by``...). Carousel children (no owner,
  ``carousel_parent_id``) are parts of their post, not posts.
  v1 shape (``/api/v1/feed/saved/posts/``, ``/feed/timeline/``, ``/feed/user/<id>/``,
  ``/media/<pk>/info/``, clips and tag feeds, GraphQL ``xdt_api__v1__...`` wrappers): ``{pk,
  code, taken_at, media_type (1 image, 2 video, 8 carousel), product_type ("clips" = reel),
  caption{text}, user{pk, username, full_name}, like_count, comment_count, play_count /
  ig_play_count / view_count, video_duration, carousel_media_count, location{name},
  like_and_view_counts_disabled}``. GraphQL shape (``shortcode_media``, timeline
  ``edge_owner_to_timeline_media.edges[].node``): ``{id, shortcode, __typename (GraphImage,
  GraphVideo, GraphSidecar), owner{id, username}, edge_media_to_caption, taken_at_timestamp,
  edge_liked_by / edge_media_preview_like, edge_media_to_comment, video_view_count}``.
- a user object is a dict with a ``username`` and profile data (``edge_followed_by`` /
  ``follower_count``, ``biography``, ``media_count``): ``web_profile_info``'s ``data.user``,
  the 2021 ``_sharedData`` ``entry_data.ProfilePage[0].graphql.user``, v1 ``user`` info.

Where a page keeps them (all read, best first):

- Relay data in ``<script type="application/json" data-sjs>`` (``…__bbox.result.data``), today;
- ``window._sharedData = {...}`` and ``window.__additionalDataLoaded('<path>', {...})``, the
  2017-2022 layouts (still in saved pages and some served variants);
- the route props in the same scripts (``initialRouteInfo.route``): ``params.shortcode`` /
  ``params.username`` with ``rootView.props.media_id``, ``owner_id`` (post) or ``id`` (profile);
- meta tags, which logged-out pages always carry: ``description`` "13K likes, 167 comments -
  <handle> on <date>: \"<caption>\". " (post) or "5,351 Followers, 3,408 Following, 713 Posts -
  <name> (@<handle>) on Instagram: \"<bio>\"" (profile), ``twitter:title``/``og:title`` "<name>
  (@<handle>) • Instagram …", ``al:ios:url`` ``instagram://media?id=<pk>`` or
  ``instagram://user?username=<handle>``, ``instapp:owner_user_id``. Counts there are rounded
  ("13K") and the record is marked ``partial``.

A record's id always comes from the page's own data (media pk, ``al:ios:url``, route props, or a
shortcode the page itself names in ``og:url``/``al:android:url``), never from the URL alone; a
page whose data describes something else than its URL says (a reel page under a profile URL) is
left to the parser of what it is.

A logged-out request may get the login page instead ("Login • Instagram", ``#loginForm``):
reported as a ``login_wall`` block; API answers ``{"status": "fail", "require_login": true}`` or
"Please wait a few minutes" are ``login_wall`` / ``rate_limited`` blocks.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import chompjs

from crawler.errors import PageChanged
from crawler.helpers.counts import parse_count
from crawler.helpers.embedded import json_scripts
from crawler.helpers.paths import (as_bool, as_count, as_digits, as_int, as_seconds, as_list, as_str, find_dicts,
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
_APP_MEDIA = re.compile(r"instagram://media\?id=(\d+)")
_APP_USER = re.compile(r"instagram://user\?username=([\w.]+)")
# window.__additionalDataLoaded('/p/CODE/', {...}) (2019-2022 post and profile pages)
_ADDITIONAL = re.compile(r"__additionalDataLoaded\(\s*(['\"])[^'\"]*\1\s*,\s*(?=\{)")

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
# the keys that make a JSON answer Instagram's media or user data (for sniffing saved answers)
_MEDIA_KEYS = re.compile(r'"(?:taken_at|taken_at_timestamp)"\s*:')
_OWNER_KEYS = re.compile(r'"(?:code|shortcode)"\s*:\s*"[\w-]+"')
_USER_KEYS = re.compile(r'"(?:edge_followed_by|follower_count)"\s*:')


def _shortcode_to_pk(code: str) -> str | None:
    """A media's numeric id, which is its shortcode read as base64 (11-character public codes only)."""
    if not code or len(code) > 11 or any(c not in _SHORTCODE_ALPHABET for c in code):
        return None
    number = 0
    for char in code:
        number = number * 64 + _SHORTCODE_ALPHABET.index(char)
    return str(number)


def _additional_data(text: str) -> list:
    """The payloads passed to ``window.__additionalDataLoaded(path, {...})``."""
    out = []
    for match in _ADDITIONAL.finditer(text):
        try:
            out.append(chompjs.parse_js_object(text[match.end():]))
        except Exception:  # chompjs raises several kinds on broken literals; a broken payload is just absent
            continue
    return out


def _state(page: Page) -> list:
    """Every data blob the page carries (cached on the page): the JSON answer itself, or the page's
    JSON scripts (Relay data, route props), ``window._sharedData`` and ``__additionalDataLoaded`` payloads."""
    cache = page.__dict__
    if "_instagram_state" not in cache:
        blobs: list = []
        if page.is_json:
            try:
                blobs.append(page.json)
            except PageChanged:
                pass
        else:
            blobs.extend(json_scripts(page.sel))
            shared = page.js_assignment("window._sharedData")
            if shared is not None:
                blobs.append(shared)
            blobs.extend(_additional_data(page.text))
        cache["_instagram_state"] = blobs
    return cache["_instagram_state"]


def _route(data: list, key: str, value: str | None) -> dict:
    """The route props of the page whose ``params[key]`` is ``value``."""
    if not value:
        return {}
    routes = find_dicts(data, lambda d: "rootView" in d and isinstance(d.get("params"), dict)
                        and isinstance(d["params"].get(key), str) and d["params"][key].lower() == value.lower())
    props = pick_first(routes, "0.rootView.props", "0.hostableView.props")
    return props if isinstance(props, dict) else {}


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


def _is_post_page(page: Page) -> bool:
    """The page's own meta says it shows one media (whatever its URL)."""
    own_url = page.meta.get("og:url") or page.meta.get("al:android:url") or ""
    return bool(_APP_MEDIA.match(_app_url(page)) or _POST_PATH.search(own_url))


def _is_profile_page(page: Page) -> bool:
    return bool(_APP_USER.match(_app_url(page)))


def _owner_of(d: dict) -> Any:
    return d.get("user") if isinstance(d.get("user"), dict) else d.get("owner")


def _is_media(d: dict) -> bool:
    return (isinstance(d.get("code") or d.get("shortcode"), str) and isinstance(_owner_of(d), dict)
            and "carousel_parent_id" not in d
            and any(k in d for k in ("taken_at", "taken_at_timestamp", "like_count", "edge_media_preview_like",
                                     "edge_liked_by", "image_versions2", "display_url")))


def _children(media: dict) -> list:
    """A carousel's parts (v1 ``carousel_media``, GraphQL ``edge_sidecar_to_children``)."""
    edges = as_list(pick(media, "edge_sidecar_to_children.edges"))
    return as_list(media.get("carousel_media")) + [pick(edge, "node") for edge in edges]


def all_media(data: Any) -> list[dict]:
    """Every media object of ``data`` that is a post itself (not a part of a carousel)."""
    found = find_dicts(data, _is_media)
    parts = {id(child) for media in found for child in _children(media)}
    return [media for media in found if id(media) not in parts]


def _is_user(d: dict) -> bool:
    return isinstance(d.get("username"), str) and any(
        k in d for k in ("edge_followed_by", "follower_count", "biography", "media_count"))


def _user_id(user: Any) -> str | None:
    return pick_first(user, "pk", "pk_id", "id", coerce=as_digits)


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
    return pick_first(media, "carousel_media_count", coerce=as_count) or len(_children(media)) or 1


def _music(media: dict) -> dict | None:
    title = pick_first(media, "clips_metadata.music_info.music_asset_info.title",
                       "clips_metadata.original_sound_info.original_audio_title",
                       "clips_music_attribution_info.song_name", coerce=as_str)
    author = pick_first(media, "clips_metadata.music_info.music_asset_info.display_artist",
                        "clips_metadata.original_sound_info.ig_artist.username",
                        "clips_music_attribution_info.artist_name", coerce=as_str)
    return {"title": title, "author": author} if title or author else None



def _author(user_id: str | None, handle: str | None, name: str | None) -> dict:
    return {"id": user_id, "handle": handle, "name": name,
            "url": "https://www.instagram.com/%s/" % handle if handle else None}


def _post_url(page: Page, code: str | None, reel: bool) -> str | None:
    og_url = absolute_url(as_str(page.meta.get("og:url"))) if not page.is_json else None
    if og_url and code and _POST_PATH.search(og_url) and _POST_PATH.search(og_url).group("code") == code:
        return og_url
    if code:
        return "https://www.instagram.com/%s/%s/" % ("reel" if reel else "p", code)
    return None


def media_post(parser: Parser, page: Page, media: dict, extractor: str, owner: dict | None = None,
               kind: str | None = None):
    """A post from a media object (v1 or GraphQL shape); None when it names no id.

    ``owner``: the user the media was listed under (a timeline's ``owner`` is terse: id and
    user name); it completes the author only when it is the same account."""
    code = pick_first(media, "code", "shortcode", coerce=as_str)
    media_id = pick_first(media, "pk", "id", coerce=as_digits)
    if not media_id and not code:
        return None
    user = _owner_of(media)
    user_id = _user_id(user)
    same = isinstance(owner, dict) and (user_id is None or user_id == _user_id(owner))
    listed = owner if same else None
    handle = pick(user, "username", as_str) or pick(listed, "username", as_str)
    text = pick_first(media, "caption.text", "edge_media_to_caption.edges.0.node.text", coerce=as_str)
    media_type = _media_type(media, page, kind)
    reel = pick(media, "product_type", as_str) == "clips" or (kind or "").lower().startswith("reel")
    hidden = (pick(media, "like_and_view_counts_disabled", as_bool) is True
              or pick(listed, "hide_like_and_view_counts", as_bool) is True)
    return parser.record(
        page, "post", extractor=extractor,
        id=media_id or code,
        url=_post_url(page, code, reel) or "https://www.instagram.com/p/%s/" % _pk_to_shortcode(media_id),
        author=_author(user_id or _user_id(listed), handle,
                       pick(user, "full_name", as_str) or pick(listed, "full_name", as_str)),
        text=text,
        hashtags=hashtags(text),
        created_at=to_utc(pick_first(media, "taken_at", "taken_at_timestamp", coerce=as_int)),
        media_type=media_type,
        image_count=_image_count(media, media_type),
        duration_s=as_seconds(pick(media, "video_duration")) if media_type == "video" else None,
        metrics={
            # play_count counts Instagram and Facebook plays, ig_play_count Instagram's alone
            "views": pick_first(media, "play_count", "ig_play_count", "view_count", "video_play_count",
                                "video_view_count", coerce=as_count),
            # "hide like and view counts": the like count sent is a placeholder, not the count
            "likes": None if hidden else pick_first(media, "like_count", "edge_media_preview_like.count",
                                                    "edge_liked_by.count", coerce=as_count),
            "comments": pick_first(media, "comment_count", "edge_media_to_parent_comment.count",
                                   "edge_media_to_comment.count", coerce=as_count),
        },
        music=_music(media),
        location=pick(media, "location.name", as_str),
    )


def _pk_to_shortcode(pk: str) -> str:
    number, out = int(pk), ""
    while number:
        number, rest = divmod(number, 64)
        out = _SHORTCODE_ALPHABET[rest] + out
    return out or "A"


def account(parser: Parser, page: Page, user: dict, extractor: str):
    """An account from a user object (GraphQL or v1 shape); None when it names no user."""
    handle = as_str(user.get("username"))
    if not handle:
        return None
    links = [absolute_url(pick(link, "url", as_str)) for link in as_list(user.get("bio_links"))]
    links = [link for link in [absolute_url(as_str(user.get("external_url")))] + links if link]
    email = as_str(user.get("business_email")) or as_str(user.get("public_email"))
    contacts = [{"type": "email", "value": email.strip().lower(), "source": "business_email"}] \
        if email and re.fullmatch(r"\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*", email) else []
    return parser.record(
        page, "account", extractor=extractor,
        id=_user_id(user) or handle,
        url="https://www.instagram.com/%s/" % handle,
        handle=handle,
        name=as_str(user.get("full_name")),
        bio=as_str(user.get("biography")),
        followers=pick_first(user, "follower_count", "edge_followed_by.count", coerce=as_count),
        following=pick_first(user, "following_count", "edge_follow.count", coerce=as_count),
        posts_count=pick_first(user, "media_count", "edge_owner_to_timeline_media.count", coerce=as_count),
        verified=as_bool(user.get("is_verified")),
        links=list(dict.fromkeys(links)),
        contacts=contacts,
        partial="biography" not in user,
    )


def _timeline(user: dict) -> list[dict]:
    """The media listed in a user's own timeline (its ``owner`` may be terse or missing: it is that user)."""
    nodes = [pick(edge, "node") for edge in as_list(pick(user, "edge_owner_to_timeline_media.edges"))]
    return [n for n in nodes if isinstance(n, dict) and pick_first(n, "shortcode", "code", coerce=as_str)]


def _media_of(data: list, users: list[dict]) -> list[tuple[dict, dict | None]]:
    """(media, the user it was listed under) for every media object, each once."""
    out: dict[int, tuple[dict, dict | None]] = {}
    for user in users:
        for node in _timeline(user):
            out.setdefault(id(node), (node, user))
    owners = {_user_id(u): u for u in users if _user_id(u)}
    for media in all_media(data):
        out.setdefault(id(media), (media, owners.get(_user_id(_owner_of(media)))))
    return list(out.values())


def _owned_by(media: dict, user: dict) -> bool:
    owner = _owner_of(media)
    owner_id, user_id = _user_id(owner), _user_id(user)
    if owner_id and user_id:
        return owner_id == user_id
    name = pick(owner, "username", as_str)
    return bool(name) and name.lower() == str(user.get("username")).lower()


@register
class InstagramPostParser(Parser):
    platform = "instagram"
    page_type = "post"
    url_pattern = _HOST + r"/(?:[\w.]+/)?(?:p|reels?|tv)/[\w-]+"

    def accepts(self, page: Page) -> bool:
        return not page.is_json and not _is_profile_page(page)

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        return bool(_APP_MEDIA.match(_app_url(page))) or (
            "instagram" in page.text[:5000].lower() and ("shortcode_media" in page.text
                                                         or "xdt_api__v1__media__shortcode" in page.text))

    def detect_block(self, page: Page) -> str | None:
        return _login_wall(page)

    def _code(self, page: Page, data: list) -> tuple[str | None, str | None, str | None]:
        """(shortcode named by the URL, shortcode named by the page itself, kind) of the post."""
        url_match = _POST_PATH.search(page.url or "")
        own = None
        for candidate in (page.meta.get("og:url"), page.meta.get("al:android:url"),
                          page.sel.xpath('//link[@rel="canonical"]/@href').get()):
            match = _POST_PATH.search(candidate or "")
            if match:
                own = match
                break
        if own is None:
            routes = find_dicts(data, lambda d: "rootView" in d and isinstance(pick(d, "params.shortcode"), str))
            code = pick(routes, "0.params.shortcode", as_str)
            kind = pick(routes, "0.params.permalink_key", as_str)
            return (url_match.group("code") if url_match else None), code, kind or (
                url_match.group("kind") if url_match else None)
        return (url_match.group("code") if url_match else None), own.group("code"), own.group("kind")

    def parse(self, page: Page) -> Iterator:
        data = _state(page)
        url_code, own_code, kind = self._code(page, data)
        media_objects = all_media(data)
        media = None
        for code in (own_code, url_code):
            media = next((m for m in media_objects if code and code in (m.get("code"), m.get("shortcode"))), None)
            if media is not None:
                break
        if media is None and not (own_code or url_code) and len(media_objects) == 1:
            media = media_objects[0]
        if media is not None:
            record = media_post(self, page, media, "hydration", kind=kind)
            if record is not None:
                yield record
                return
        yield self._from_meta(page, data, own_code, url_code, kind)

    def _from_meta(self, page: Page, data: list, own_code: str | None, url_code: str | None, kind: str | None):
        description = page.meta.get("description") or page.meta.get("og:description")
        if not description and not page.meta.get("og:title"):
            raise self.changed("no post data: neither media JSON nor the description/og:title meta tags")
        app_id = _APP_MEDIA.match(_app_url(page))
        props = _route(data, "shortcode", own_code or url_code)
        media_id = as_digits(props.get("media_id")) or (app_id.group(1) if app_id else None) \
            or (_shortcode_to_pk(own_code) if own_code else None)
        if not media_id:
            # the URL's shortcode alone is not the page's data: a page that names no media is no post
            raise self.changed("no media id in the page (al:ios:url, route props or og:url)")
        code = own_code or (url_code if props else None)
        counts = _counts(description)
        name, handle = _named(page)
        by = re.search(r" - (?P<handle>[\w.]+) ", description or "")
        text = _quoted(description) or _quoted(page.meta.get("og:title"))
        reel = (kind or "").lower().startswith("reel")
        return self.record(
            page, "post", extractor="meta", partial=True,
            id=media_id,
            url=_post_url(page, code, reel) or "https://www.instagram.com/p/%s/" % _pk_to_shortcode(media_id),
            author=_author(as_digits(props.get("owner_id")) or as_digits(page.meta.get("instapp:owner_user_id")),
                           handle or (by.group("handle") if by else None), name),
            text=text,
            hashtags=hashtags(text),
            created_at=None,  # the meta tags give a date only ("November 7, 2025"), no time or zone
            media_type=_media_type(None, page, kind),
            metrics={"likes": counts.get("likes"), "comments": counts.get("comments")},
        )


@register
class InstagramProfileParser(Parser):
    platform = "instagram"
    page_type = "profile"
    url_pattern = _PROFILE_PATH.pattern.replace(r"instagram\.com/", _HOST + "/", 1)

    def accepts(self, page: Page) -> bool:
        # a post or reel page served under a profile URL is the post parser's (it sniffs it)
        return not page.is_json and not (_is_post_page(page) and not _is_profile_page(page))

    def sniff(self, page: Page) -> bool:
        if page.is_json:
            return False
        return _is_profile_page(page) or ("instagram" in page.text[:5000].lower() and '"ProfilePage"' in page.text)

    def detect_block(self, page: Page) -> str | None:
        return _login_wall(page)

    def _handle(self, page: Page) -> tuple[str | None, str | None]:
        """(handle named by the page itself, handle named by the URL)."""
        own = None
        app = _APP_USER.match(_app_url(page))
        og = _PROFILE_PATH.search(page.meta.get("og:url") or "")
        if app:
            own = app.group(1)
        elif og:
            own = og.group("handle")
        else:
            own = _named(page)[1]
        url = _PROFILE_PATH.search(page.url or "")
        return own, (url.group("handle") if url else None)

    def parse(self, page: Page) -> Iterator:
        own, from_url = self._handle(page)
        data = _state(page)
        users = find_dicts(data, _is_user)
        user = None
        for handle in (own, from_url):
            user = next((u for u in users if handle and u["username"].lower() == handle.lower()), None)
            if user is not None:
                break
        if user is None and not (own or from_url) and len(users) == 1:
            user = users[0]
        if user is not None:
            record = account(self, page, user, "hydration")
            if record is not None:
                yield record
                yield from unique(filter(None, (media_post(self, page, m, "hydration", owner=user)
                                                for m, listed in _media_of(data, [user])
                                                if listed is user or _owned_by(m, user))))
                return
        yield self._from_meta(page, data, own, from_url)

    def _from_meta(self, page: Page, data: list, own: str | None, from_url: str | None):
        description = page.meta.get("description")
        og_description = page.meta.get("og:description")
        if not description and not og_description:
            raise self.changed("no profile data: neither user JSON nor the description meta tags")
        if not own:
            raise self.changed("no user name in the page's own data (al:ios:url, og:url, title)")
        name, titled = _named(page)
        if titled and titled.lower() != own.lower():
            name = None  # the title names another account than the page
        props = _route(data, "username", own)
        counts = _counts(og_description) or _counts(description)
        if not counts and not name:
            raise self.changed("the meta tags describe no profile (no follower counts, no name)")
        user_id = pick_first(props, "id", "page_logging.params.profile_id", coerce=as_digits)
        return self.record(
            page, "account", extractor="meta", partial=True,
            id=user_id or own,
            url="https://www.instagram.com/%s/" % own,
            handle=own,
            name=name,
            bio=_quoted(description),
            followers=counts.get("followers"),
            following=counts.get("following"),
            posts_count=counts.get("posts"),
            verified=None,  # not in the meta tags
        )


@register
class InstagramApiParser(Parser):
    """JSON answers of Instagram's APIs: the web app's (``/api/v1/users/web_profile_info/``,
    ``/graphql/query``, ``/api/graphql``) and the logged-in REST v1 (``/api/v1/feed/...``,
    ``/api/v1/media/<pk>/info/``, ``/api/v1/users/<pk>/info/``...), on any instagram host.
    Every user object becomes an account, every media object a post."""
    platform = "instagram"
    page_type = "api"
    url_pattern = r"^https?://(?:[\w-]+\.)*instagram\.com/(?:api/v1/|graphql/query|api/graphql)"

    body = "json"

    def sniff(self, page: Page) -> bool:
        if not page.is_json or re.search(r"(?:^|\.)threads\.(?:net|com)$", page.host):
            return False
        head = page.text[:200000]
        if _USER_KEYS.search(head) and '"username"' in head and ('"edge_owner_to_timeline_media"' in head
                                                                 or '"biography"' in head):
            return True
        return bool(_MEDIA_KEYS.search(head) and _OWNER_KEYS.search(head) and '"username"' in head
                    and ('"media_type"' in head or '"__typename"' in head or '"edge_liked_by"' in head))

    def detect_block(self, page: Page) -> str | None:
        try:
            body = page.json
        except PageChanged:
            return None
        if not isinstance(body, dict) or body.get("status") != "fail":
            return None
        message = str(body.get("message") or "").lower()
        if body.get("require_login") or "login" in message or body.get("checkpoint_url"):
            return "login_wall"
        return "rate_limited" if body.get("spam") or "wait" in message else None

    def parse(self, page: Page) -> Iterator:
        data = _state(page)
        if not data:
            raise self.changed("the answer is not JSON")
        users = find_dicts(data, _is_user)
        media_objects = _media_of(data, users)
        if not users and not media_objects:
            if self._empty(data):
                return
            raise self.changed("no media object (code + user + taken_at) nor user object (data.user) in the answer")
        yield from unique(filter(None, (account(self, page, user, "api") for user in users)))
        yield from unique(filter(None, (media_post(self, page, media, "api", owner=listed)
                                        for media, listed in media_objects)))

    @staticmethod
    def _empty(data: list) -> bool:
        """A legitimately empty list: a feed with ``items: []`` / ``edges: []`` and nothing else."""
        body = data[0]
        if not isinstance(body, dict) or body.get("status") == "fail":
            return False
        return any(isinstance(d.get("items"), list) and not d["items"] or
                   isinstance(d.get("edges"), list) and not d["edges"] for d in find_dicts(body, lambda d: True)) \
            and not pick(body, "data.user") and "user" not in body
