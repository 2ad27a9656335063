"""Small text helpers shared by parsers."""
from __future__ import annotations

import html
import re
from urllib.parse import urljoin

# a hashtag runs until whitespace or another '#'; CJK and accented letters included
_HASHTAG = re.compile(r"(?:^|(?<=[\s\u3000>（(,，.。!！?？]))[#＃]([^\s#＃,，。!！?？]+)")


# Weibo and Xiaohongshu close their tags: "#耐克#", "#球鞋[超话]#", "#穿搭[话题]#"
_CLOSED_HASHTAG = re.compile(r"[#＃]([^#＃\n\[]+?)(?:\[[^\]\n]*\])?[#＃]")


def hashtags(text: str | None, closed: bool = False) -> list[str]:
    """Hashtags as written in the text, without '#', in order, each once.

    ``closed=True`` reads the "#tag#" convention of Weibo and Xiaohongshu.
    """
    if not text:
        return []
    seen: dict[str, None] = {}
    for tag in (_CLOSED_HASHTAG if closed else _HASHTAG).findall(text):
        if tag and tag not in seen:
            seen[tag] = None
    return list(seen)


def absolute_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute https URL ("//cdn/x.jpg" -> "https://cdn/x.jpg"), or None."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if url.startswith("//"):
        return "https:" + url
    if base and isinstance(base, str) and not re.match(r"^https?://", url):
        try:
            url = urljoin(base, url)
        except ValueError:  # a base urllib refuses ("http://[bad")
            return None
    return url if re.match(r"^https?://[^\s/]+", url) else None


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6])>", re.I)
_IMG_ALT = re.compile(r"""<img\b[^>]*?\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.I)


def html_text(markup: str | None, trim: bool = False) -> str | None:
    """The text of a field sent as HTML (Weibo's status text, a Shopify ``body_html``, a Lazada
    description): ``<br>`` and block ends as newlines, images as their alt text (Weibo's emoji
    "[笑cry]"), links as their words, entities decoded. Nothing else is changed; ``trim`` drops
    the newlines that block markup leaves at both ends."""
    if not isinstance(markup, str) or not markup:
        return None
    text = _BREAK.sub("\n", markup)
    text = _IMG_ALT.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", text)
    text = html.unescape(_TAG.sub("", text))
    if trim:
        text = text.strip()
    return text if text.strip() else None
