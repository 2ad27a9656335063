"""Synthetic TikTok video detail pages and the local HTTP server that serves them.

Each page is about 100 KB and is modelled on a real TikTok video page:
- ``<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">`` with
  ``__DEFAULT_SCOPE__["webapp.video-detail"].itemInfo.itemStruct`` (id, desc, createTime,
  author{id,uniqueId,nickname}, stats{...}, video{duration}, music{title,authorName}) plus
  the bulky neighbours a real page carries (app context, SEO block, related videos);
- a rendering script that builds the visible page (video card, related list, comments)
  from that state, as the web app's hydration does;
- a stylesheet and a dozen images, all served by the same local server.

The values are invented and deterministic (``page_for(i)`` is the same on every run).

Run as a process: ``python benchmarks/pages.py --pages N`` prints ``PORT <port>`` once
it listens on 127.0.0.1 (a free port) and serves until killed. ``GET /__stats`` answers
how many detail pages were served and when (``time.monotonic()``, the system-wide
CLOCK_MONOTONIC, comparable across processes); ``GET /__reset`` zeroes it.
"""
from __future__ import annotations

import argparse
import json
import random
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANDLES = ["glowdaily", "kitchen.lab", "urbanrunner", "petsofmaple", "retro_synth", "dr.skinfacts",
           "minimal.home", "trailmix_ana", "codewithkai", "plantdad_42"]
WORDS = ("unboxing serum routine skincare tips honest review before after glow budget dupe "
         "morning night summer winter quick easy recipe vibes trending tutorial hack").split()
RELATED = 45          # related videos in the state (the bulk of a real page's JSON)
RELATED_THUMBS = 8    # of which this many get a thumbnail <img> when rendered
TARGET_BYTES = 100_000


def post_id(i: int) -> str:
    """A 19-digit id, as TikTok's are."""
    return str(7_310_000_000_000_000_000 + i * 104_729 + 17)


def path_for(i: int) -> str:
    return "/@%s/video/%s" % (HANDLES[i % len(HANDLES)], post_id(i))


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small valid PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _item(rng: random.Random, pid: str, handle: str, n_desc: int = 14) -> dict:
    author_id = str(6_800_000_000_000_000_000 + rng.randrange(10**15))
    return {
        "id": pid,
        "desc": "%s #%s #%s #fyp" % (_text(rng, n_desc), rng.choice(WORDS), rng.choice(WORDS)),
        "createTime": str(1_717_000_000 + rng.randrange(20_000_000)),
        "scheduleTime": 0,
        "video": {"id": pid, "height": 1024, "width": 576, "duration": rng.randrange(7, 180), "ratio": "540p",
                  "cover": "/img/cover-%s.png" % pid[-3:], "originCover": "/img/cover-%s.png" % pid[-3:],
                  "format": "mp4", "videoQuality": "normal", "bitrate": rng.randrange(400_000, 1_500_000),
                  "codecType": "h264", "definition": "540p",
                  "bitrateInfo": [{"GearName": "normal_540_0", "Bitrate": rng.randrange(400_000, 1_500_000),
                                   "QualityType": 20, "CodecType": "h264",
                                   "PlayAddr": {"DataSize": rng.randrange(10**6, 10**7), "Width": 576, "Height": 1024,
                                                "UrlKey": "v12044gd0000%s_h264_540p" % pid[-8:]}}]},
        "author": {"id": author_id, "shortId": "", "uniqueId": handle, "nickname": handle.replace(".", " ").title(),
                   "avatarThumb": "/img/avatar.png", "signature": _text(rng, 8), "verified": rng.random() < 0.2,
                   "secUid": "MS4wLjABAAAA" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_-")
                                                       for _ in range(52)),
                   "privateAccount": False, "openFavorite": False, "commentSetting": 0, "duetSetting": 0},
        "music": {"id": str(7_200_000_000_000_000_000 + rng.randrange(10**15)), "title": "original sound - %s" % handle,
                  "authorName": handle.replace(".", " ").title(), "original": True, "duration": 30,
                  "coverThumb": "/img/music.png"},
        "challenges": [{"id": str(rng.randrange(10**9)), "title": rng.choice(WORDS), "desc": ""} for _ in range(3)],
        "stats": {"playCount": rng.randrange(1_000, 50_000_000), "diggCount": rng.randrange(10, 2_000_000),
                  "commentCount": rng.randrange(0, 50_000), "shareCount": rng.randrange(0, 80_000),
                  "collectCount": str(rng.randrange(0, 300_000))},
        "isAd": False, "duetEnabled": True, "stitchEnabled": True, "shareEnabled": True,
        "textExtra": [{"hashtagName": rng.choice(WORDS), "start": 0, "end": 6, "type": 1}],
        "locationCreated": rng.choice(["US", "GB", "DE", "FR", "BR"]),
    }


def state_for(i: int) -> dict:
    rng = random.Random(i)
    pid, handle = post_id(i), HANDLES[i % len(HANDLES)]
    related = [_item(rng, str(7_300_000_000_000_000_000 + rng.randrange(10**16)), rng.choice(HANDLES), 20)
               for _ in range(RELATED)]
    canonical = "https://www.tiktok.com/@%s/video/%s" % (handle, pid)
    return {"__DEFAULT_SCOPE__": {
        "webapp.app-context": {"language": "en", "region": "US", "appId": 1233, "isMobile": False,
                               "user": {}, "wid": str(rng.randrange(10**18)), "abTestVersion": {
                                   "versionName": ",".join(str(rng.randrange(10**7)) for _ in range(120))},
                               "csrfToken": "%032x" % rng.getrandbits(128)},
        "webapp.biz-context": {"os": "linux", "isPad": False, "features": {w: rng.random() < 0.5 for w in WORDS}},
        "seo.abtest": {"canonical": canonical, "pageId": pid, "vidList": [r["id"] for r in related]},
        "webapp.video-detail": {
            "itemInfo": {"itemStruct": _item(rng, pid, handle)},
            "shareMeta": {"title": "TikTok · %s" % handle, "desc": _text(rng, 12)},
            "statusCode": 0, "statusMsg": "",
        },
        "webapp.related-list": {"itemList": related, "statusCode": 0},
    }}


PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>%(title)s | TikTok</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css">
<style>%(css)s</style>
</head><body>
<header class="top"><img class="logo" src="/img/logo.png" alt="TikTok"><nav>%(nav)s</nav></header>
<main id="app"><div class="loading">Loading…</div></main>
<footer>%(footer)s</footer>
<img class="px" src="/img/pixel.png" alt="">
<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">%(state)s</script>
<script>%(render)s</script>
</body></html>
"""

RENDER_JS = r"""
(function () {
  var state = JSON.parse(document.getElementById('__UNIVERSAL_DATA_FOR_REHYDRATION__').textContent);
  var scope = state.__DEFAULT_SCOPE__, item = scope['webapp.video-detail'].itemInfo.itemStruct;
  var related = scope['webapp.related-list'].itemList;
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text; return e; }
  function fmt(n) { n = Number(n); return n >= 1e6 ? (n / 1e6).toFixed(1) + 'M' : n >= 1e3 ? (n / 1e3).toFixed(1) + 'K' : String(n); }
  var app = document.getElementById('app'); app.innerHTML = '';
  var card = el('section', 'video-card');
  var head = el('div', 'author');
  var av = el('img', 'avatar'); av.src = item.author.avatarThumb; head.appendChild(av);
  head.appendChild(el('a', 'handle', '@' + item.author.uniqueId));
  head.appendChild(el('span', 'nick', item.author.nickname));
  card.appendChild(head);
  var cover = el('img', 'cover'); cover.src = item.video.cover; card.appendChild(cover);
  card.appendChild(el('p', 'desc', item.desc));
  var stats = el('ul', 'stats');
  [['video-views', item.stats.playCount], ['like-count', item.stats.diggCount], ['comment-count', item.stats.commentCount],
   ['share-count', item.stats.shareCount], ['undefined-count', item.stats.collectCount]].forEach(function (s) {
    var li = el('li', null, fmt(s[1])); li.setAttribute('data-e2e', s[0]); stats.appendChild(li); });
  card.appendChild(stats);
  var music = el('div', 'music'); var mi = el('img'); mi.src = item.music.coverThumb; music.appendChild(mi);
  music.appendChild(el('span', null, item.music.title + ' · ' + item.music.authorName)); card.appendChild(music);
  app.appendChild(card);
  var list = el('section', 'related');
  related.forEach(function (r, k) {
    var a = el('a', 'tile'); a.href = '/@' + r.author.uniqueId + '/video/' + r.id;
    if (k < %(thumbs)d) { var t = el('img', 'thumb'); t.src = '/img/thumb-' + k + '.png'; a.appendChild(t); }
    a.appendChild(el('div', 'title', r.desc));
    var v = el('strong', null, fmt(r.stats.playCount)); v.setAttribute('data-e2e', 'video-views'); a.appendChild(v);
    list.appendChild(a);
  });
  app.appendChild(list);
  var comments = el('section', 'comments');
  for (var c = 0; c < 40; c++) {
    var row = el('div', 'comment'); row.appendChild(el('b', null, related[c %% related.length].author.nickname));
    row.appendChild(el('span', null, related[c %% related.length].desc.slice(0, 80))); comments.appendChild(row);
  }
  app.appendChild(comments);
  document.title = (item.desc.slice(0, 40) || 'TikTok') + ' | TikTok';
})();
"""

CSS_RULES = "".join(".c%d{margin:%dpx;padding:%dpx;color:#%06x}\n" % (k, k % 7, k % 5, (k * 2654435761) & 0xFFFFFF)
                    for k in range(200))
APP_CSS = (b"body{font-family:sans-serif;margin:0}.video-card{max-width:600px;margin:auto}"
           b".tile{display:inline-block;width:180px;margin:4px;vertical-align:top}.thumb,.cover{width:100%}"
           b".avatar{width:48px;height:48px;border-radius:50%}.comment{padding:4px 0;border-bottom:1px solid #eee}")


def page_for(i: int) -> bytes:
    state = state_for(i)
    item = state["__DEFAULT_SCOPE__"]["webapp.video-detail"]["itemInfo"]["itemStruct"]
    # "<" is escaped as the web app does, so no "</script>" can end the JSON early
    state_json = json.dumps(state, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    rng = random.Random(-i - 1)
    filler = ""
    body = None
    for _ in range(3):  # pad the footer until the page is ~100 KB
        body = (PAGE_TEMPLATE % {
            "title": item["desc"][:40], "css": CSS_RULES, "state": state_json,
            "render": RENDER_JS % {"thumbs": RELATED_THUMBS},
            "nav": "".join('<a class="c%d" href="/explore/%s">%s</a>' % (k, w, w) for k, w in enumerate(WORDS)),
            "footer": filler,
        }).encode("utf-8")
        missing = TARGET_BYTES - len(body)
        if missing <= 200:
            break
        words, size = [], 0
        while size < missing - 60:
            words.append(rng.choice(WORDS))
            size += len(words[-1]) + 1
        filler += '<p class="legal">%s</p>' % " ".join(words)
    return body


# ---- the server ------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.pages = 0
            self.first = None
            self.last = None
            self.other = 0

    def page(self):
        now = time.monotonic()
        with self.lock:
            self.pages += 1
            self.first = self.first or now
            self.last = now

    def as_dict(self):
        with self.lock:
            return {"pages": self.pages, "first": self.first, "last": self.last, "other": self.other}


def make_server(n_pages: int, port: int = 0) -> ThreadingHTTPServer:
    pages = {path_for(i): page_for(i) for i in range(n_pages)}
    images = {"/img/logo.png": _png(96, 32, (254, 44, 85)), "/img/pixel.png": _png(1, 1, (0, 0, 0)),
              "/img/avatar.png": _png(96, 96, (37, 244, 238)), "/img/music.png": _png(48, 48, (20, 20, 20))}
    thumb = _png(180, 240, (120, 120, 140))
    cover = _png(288, 512, (60, 60, 70))
    stats = Stats()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in pages:
                stats.page()
                return self._send(200, pages[path], "text/html; charset=utf-8")
            with stats.lock:
                stats.other += 1
            if path == "/__stats":
                return self._send(200, json.dumps(stats.as_dict()).encode(), "application/json")
            if path == "/__reset":
                stats.reset()
                return self._send(200, b"{}", "application/json")
            if path == "/static/app.css":
                return self._send(200, APP_CSS, "text/css")
            if path in images:
                return self._send(200, images[path], "image/png")
            if path.startswith("/img/thumb-"):
                return self._send(200, thumb, "image/png")
            if path.startswith("/img/cover-"):
                return self._send(200, cover, "image/png")
            return self._send(404, b"not found", "text/plain")

        do_HEAD = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    server = make_server(args.pages)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
