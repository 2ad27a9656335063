"""``scrapy report``: one self-contained static HTML page of a store's records (crawler.commands.report).

The page (``index.html``) has its CSS and script inline and loads nothing from elsewhere but the evidence:
screenshots are copied next to it (``evidence/<sha256>.png``, relative links: the folder opens from the
file system or an S3 static site) or embedded as data URIs (``embed=True``: one file). Product photos come
from the evidence too: the page's evidence index (``<sha256 of the HTML>.json``, crawler.evidence) lists the
product images the crawl kept. Each object is checked against the SHA-256 its key names before it is used.
Images the crawl did not keep are the platforms' URLs: shown as links, never loaded by the page, so
opening a report contacts nobody.

What is in it: listings, posts and lives grouped by seller (author, host), each with its price, the ratio to
the watchlist's reference price (``signals.price_ratio``), counterfeit terms, contact handles, capture time
and screenshot; the contact handles shared by several sellers (across platforms too); two charts (records
per platform per day, the distribution of price ratios); filters (platform, kind, with contacts, with
counterfeit terms, text) and sorting (price ratio, price, newest, seller size), in the page.
Every value from a page is escaped: scraped text is hostile.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.analyst.diff import seller_key, seller_label

PRIMARY = ("listing", "post", "live")
MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
        "avif": "image/avif"}
MAX_PHOTOS = 6


@dataclass
class Seller:
    key: tuple
    label: str
    url: str | None = None
    records: list[dict] = field(default_factory=list)
    account: dict | None = None


def e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def money_text(m) -> str:
    return "%s %s" % (m["amount"], m["currency"]) if isinstance(m, dict) and m.get("amount") else ""


def group(records: Iterable[dict]) -> tuple[list[Seller], list[dict]]:
    """(sellers with their records, biggest first; the accounts no record refers to are sellers too)."""
    sellers: dict[tuple, Seller] = {}
    accounts: dict[tuple, dict] = {}
    for r in records:
        if r.get("kind") == "account":
            accounts[(r["platform"], r["id"])] = r
            continue
        if r.get("kind") not in PRIMARY:
            continue
        sk = seller_key(r)
        key = (r["platform"], sk or "")
        if key not in sellers:
            ref = r.get("seller") or r.get("author") or r.get("host") or {}
            sellers[key] = Seller(key, seller_label(r) or "(seller unknown)", ref.get("url"))
        sellers[key].records.append(r)
    for key, account in accounts.items():
        match = sellers.get(key) or next((s for s in sellers.values() if s.key[0] == key[0] and s.label in
                                          (account.get("handle"), account.get("name"))), None)
        if match is None:
            match = sellers[key] = Seller(key, seller_label(account) or key[1], account.get("url"))
        match.account = account
    ordered = sorted(sellers.values(), key=lambda s: (-len(s.records), s.key))
    return ordered, list(accounts.values())


def shared_handles(sellers: list[Seller]) -> list[dict]:
    """Contact handles (not plain URLs) that several sellers give: the same operator behind several shops."""
    by_handle: dict[tuple, set] = defaultdict(set)
    for s in sellers:
        for r in s.records + ([s.account] if s.account else []):
            for c in r.get("contacts") or []:
                if c.get("type") != "url":
                    by_handle[(c["type"], c["value"])].add((s.key[0], s.label))
    return [{"type": t, "value": v, "sellers": sorted(who)} for (t, v), who in sorted(by_handle.items())
            if len(who) > 1]


def evidence_index(store, evidence: dict | None) -> dict:
    """A page's evidence index (crawler.evidence, ``<sha256 of the HTML>.json``): its screenshot and the product
    images kept with it; {} when the record has no evidence or the index is absent or unreadable."""
    sha = (evidence or {}).get("sha256")
    if not sha:
        return {}
    from crawler.storage.keys import evidence_key

    try:
        return json.loads(store.get(evidence_key(sha, "json")))
    except Exception:
        return {}


class Evidence:
    """Screenshots for the page: copied next to it (relative links) or embedded; each checked by its SHA-256."""

    def __init__(self, store, out_dir: Path, embed: bool):
        self.store, self.out_dir, self.embed = store, out_dir, embed
        self.done: dict[str, str | None] = {}
        self.missing = 0

    def src(self, key: str | None) -> str | None:
        if not key:
            return None
        if key in self.done:
            return self.done[key]
        try:
            data = self.store.get(key)
        except Exception:
            data = None
        name = key.rsplit("/", 1)[-1]
        if data is None or hashlib.sha256(data).hexdigest() != name.split(".")[0]:
            self.missing += 1
            self.done[key] = None
            return None
        if self.embed:
            mime = MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")
            src = "data:%s;base64,%s" % (mime, base64.b64encode(data).decode("ascii"))
        else:
            target = self.out_dir / "evidence" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            src = "evidence/" + name
        self.done[key] = src
        return src

    def photos(self, evidence: dict | None) -> list[str]:
        out = []
        for image in (evidence_index(self.store, evidence).get("images") or [])[:MAX_PHOTOS]:
            src = self.src(image.get("key"))
            if src:
                out.append(src)
        return out


# ---- charts (inline SVG) ----
def _bars(pairs: list[tuple[str, int]], title: str, width: int = 520) -> str:
    if not pairs:
        return ""
    top = max(n for _, n in pairs) or 1
    h = 22
    rows = []
    for i, (label, n) in enumerate(pairs):
        w = int((width - 220) * n / top)
        rows.append('<text x="0" y="%d" class="l">%s</text><rect x="200" y="%d" width="%d" height="%d"/>'
                    '<text x="%d" y="%d" class="n">%d</text>' % (i * h + 15, e(label), i * h + 3, max(w, 1), h - 6,
                                                                 205 + w, i * h + 15, n))
    return ('<figure><figcaption>%s</figcaption><svg role="img" width="%d" height="%d">%s</svg></figure>'
            % (e(title), width, len(pairs) * h + 4, "".join(rows)))


def charts(records: list[dict]) -> str:
    per_day = defaultdict(int)
    for r in records:
        if r.get("kind") in PRIMARY:
            per_day[(r["platform"], (r.get("fetched_at") or "")[:10])] += 1
    ratios = [r["signals"]["price_ratio"] for r in records
              if isinstance((r.get("signals") or {}).get("price_ratio"), (int, float))]
    bins = [(lo, hi) for lo, hi in ((0, .25), (.25, .5), (.5, .75), (.75, 1.0), (1.0, 1.5), (1.5, 1e9))]
    hist = [("%s to %s of reference" % (lo, hi) if hi < 1e9 else "%s and more" % lo,
             sum(1 for x in ratios if lo <= x < hi)) for lo, hi in bins]
    return (_bars([("%s %s" % k, n) for k, n in sorted(per_day.items())], "Records per platform per day")
            + (_bars(hist, "Price against the watchlist's reference (%d priced records)" % len(ratios)) if ratios else ""))


# ---- the page ----
CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#1d2a3a;color:#fff;padding:12px 20px}header h1{font-size:18px;margin:0}
main{padding:12px 20px}.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:10px 0;
position:sticky;top:0;background:#fafafa;padding:6px 0;z-index:2}
.seller{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:8px 12px}
.seller h2{font-size:15px;margin:4px 0}.rec{display:flex;gap:12px;border-top:1px solid #eee;padding:8px 0}
.rec img.shot{width:160px;max-height:220px;object-fit:cover;object-position:top;border:1px solid #ccc}
.meta{color:#666;font-size:12px}.terms span{background:#fde2e1;color:#a40000;border-radius:3px;padding:0 4px;margin-right:4px}
.contacts span{background:#e3efff;border-radius:3px;padding:0 4px;margin-right:4px}.ratio.low{color:#a40000;font-weight:600}
figure{display:inline-block;margin:0 24px 12px 0}svg rect{fill:#4a78b5}svg text{font-size:11px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
.photos img{height:90px;margin:4px 4px 0 0;border:1px solid #ccc}.hidden{display:none}
"""

SCRIPT = """
(function(){
  var q=function(s){return document.querySelector(s)}, all=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};
  function apply(){
    var platform=q('#f-platform').value, kind=q('#f-kind').value, text=q('#f-text').value.toLowerCase(),
        contacts=q('#f-contacts').checked, terms=q('#f-terms').checked, shown=0;
    all('.rec').forEach(function(r){
      var ok=(!platform||r.dataset.platform===platform)&&(!kind||r.dataset.kind===kind)&&
             (!contacts||r.dataset.contacts==='1')&&(!terms||r.dataset.terms==='1')&&
             (!text||r.textContent.toLowerCase().indexOf(text)>=0);
      r.classList.toggle('hidden',!ok); if(ok) shown++;
    });
    all('.seller').forEach(function(s){
      var n=s.querySelectorAll('.rec:not(.hidden)').length; s.classList.toggle('hidden',n===0);
      s.querySelector('.n').textContent=n;
    });
    q('#shown').textContent=shown;
  }
  function sort(){
    var by=q('#sort').value, box=q('#sellers');
    var key=function(r){var v=parseFloat(r.dataset[by]);return isNaN(v)?Infinity:v};
    all('.seller').forEach(function(s){
      var recs=Array.prototype.slice.call(s.querySelectorAll('.rec'));
      recs.sort(function(a,b){return by==='fetched'?(b.dataset.fetched<a.dataset.fetched?-1:1):key(a)-key(b)});
      recs.forEach(function(r){s.appendChild(r)});
    });
    var sellers=all('.seller');
    sellers.sort(function(a,b){
      if(by==='size') return b.querySelectorAll('.rec').length-a.querySelectorAll('.rec').length;
      var fa=a.querySelector('.rec'), fb=b.querySelector('.rec');
      if(by==='fetched') return (fb.dataset.fetched<fa.dataset.fetched?-1:1);
      return key(fa)-key(fb);
    });
    sellers.forEach(function(s){box.appendChild(s)});
  }
  ['#f-platform','#f-kind','#f-contacts','#f-terms'].forEach(function(s){q(s).addEventListener('change',apply)});
  q('#f-text').addEventListener('input',apply); q('#sort').addEventListener('change',sort);
  apply();
})();
"""


def _record_html(r: dict, ev: Evidence) -> str:
    signals = r.get("signals") or {}
    terms = signals.get("counterfeit_terms") or []
    contacts = [c for c in r.get("contacts") or []]
    ratio = signals.get("price_ratio")
    price = r.get("price")
    evidence = r.get("evidence") or {}
    shot = ev.src(evidence.get("screenshot_key"))
    title = r.get("title") or (r.get("text") or "")[:200] or r["id"]
    kept = ev.photos(evidence)
    photos = "".join('<img class="photo" alt="product photo %d of %s" src="%s">' % (i + 1, e(r["id"]), e(src))
                     for i, src in enumerate(kept))
    links = "".join('<a href="%s" rel="noreferrer noopener" target="_blank">photo %d</a> ' % (e(u), i + 1)
                    for i, u in enumerate(r.get("images") or [])) if not kept else ""
    return (
        '<div class="rec" data-platform="%s" data-kind="%s" data-id="%s" data-contacts="%d" data-terms="%d" '
        'data-ratio="%s" data-price="%s" data-fetched="%s">' % (
            e(r["platform"]), e(r["kind"]), e(r["id"]), bool(contacts), bool(terms),
            e(ratio if isinstance(ratio, (int, float)) else ""), e(price["amount"] if price else ""),
            e(r.get("fetched_at")))
        + ('<a href="%s"><img class="shot" alt="screenshot of %s" src="%s"></a>' % (e(shot), e(r["id"]), e(shot))
           if shot else '<div class="shot meta">no screenshot</div>')
        + '<div><div><b>%s</b> <a href="%s" rel="noreferrer noopener" target="_blank">%s</a></div>' % (
            e(r["kind"]), e(r.get("url")), e(title))
        + '<div class="meta">%s · id %s · captured %s · crawl %s</div>' % (
            e(r["platform"]), e(r["id"]), e(evidence.get("captured_at") or r.get("fetched_at")), e(r.get("crawl_id")))
        + ('<div class="price">%s%s</div>' % (e(money_text(price)), ' · <span class="ratio%s">%s × reference%s</span>' % (
            " low" if ratio < 0.5 else "", e(ratio), " (%s)" % e(signals.get("price_reference"))
            if signals.get("price_reference") else "") if isinstance(ratio, (int, float)) else "") if price else "")
        + ('<div class="terms">%s</div>' % "".join("<span>%s</span>" % e(t) for t in terms) if terms else "")
        + ('<div class="contacts">%s</div>' % "".join("<span>%s %s</span>" % (e(c["type"]), e(c["value"]))
                                                     for c in contacts) if contacts else "")
        + ('<div class="photos">%s</div>' % photos if photos else "")
        + ('<div class="meta">product photos (not kept): %s</div>' % links if links else "")
        + "</div></div>")


def render(records: list[dict], store, out_dir: Path, title: str = "Brand-protection report", embed: bool = False,
           generated_at: str = "") -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    sellers, _accounts = group(records)
    ev = Evidence(store, out_dir, embed)
    primary = [r for r in records if r.get("kind") in PRIMARY]
    platforms = sorted({r["platform"] for r in primary})
    kinds = sorted({r["kind"] for r in primary})
    shared = shared_handles(sellers)
    body = []
    for s in sellers:
        if not s.records:
            continue
        acc = s.account or {}
        body.append('<section class="seller" data-seller="%s"><h2>%s <span class="meta">%s · <span class="n">%d</span> '
                    'records%s%s</span></h2>%s</section>' % (
                        e("%s:%s" % s.key), e(s.label), e(s.key[0]), len(s.records),
                        " · seller id %s" % e(s.key[1]) if s.key[1] and s.key[1] != s.label else "",
                        " · %s followers" % e(acc["followers"]) if acc.get("followers") is not None else "",
                        "".join(_record_html(r, ev) for r in s.records)))
    shared_html = ("<h2>Contact handles shared by several sellers</h2><table><tr><th>handle</th><th>sellers</th></tr>%s"
                   "</table>" % "".join("<tr><td>%s %s</td><td>%s</td></tr>" % (
                       e(h["type"]), e(h["value"]), e(", ".join("%s on %s" % (label, p) for p, label in h["sellers"])))
                                        for h in shared)) if shared else ""
    options = lambda values: "".join('<option value="%s">%s</option>' % (e(v), e(v)) for v in values)  # noqa: E731
    page = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>%(title)s</title><style>%(css)s</style></head><body>
<header><h1>%(title)s</h1><div>%(n)d records from %(sellers)d sellers on %(platforms)s%(generated)s</div></header>
<main>
<div id="charts">%(charts)s</div>
%(shared)s
<div class="controls">
<label>platform <select id="f-platform"><option value="">all</option>%(p_opts)s</select></label>
<label>kind <select id="f-kind"><option value="">all</option>%(k_opts)s</select></label>
<label><input type="checkbox" id="f-contacts"> with contact handles</label>
<label><input type="checkbox" id="f-terms"> with counterfeit terms</label>
<label>search <input type="search" id="f-text"></label>
<label>sort <select id="sort"><option value="ratio">price ratio (lowest first)</option><option value="price">price</option>
<option value="fetched">newest</option><option value="size">sellers with most records</option></select></label>
<span><b id="shown">%(n)d</b> of <b id="total">%(n)d</b> shown</span>
</div>
<div id="sellers">%(body)s</div>
</main><script>%(script)s</script></body></html>
""" % {"title": e(title), "css": CSS, "n": len(primary), "sellers": sum(1 for s in sellers if s.records),
       "platforms": e(", ".join(platforms) or "no platform"),
       "generated": " · generated %s" % e(generated_at) if generated_at else "",
       "charts": charts(records), "shared": shared_html, "p_opts": options(platforms), "k_opts": options(kinds),
       "body": "".join(body), "script": SCRIPT}
    target = out_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    (out_dir / "records.json").write_text(json.dumps({"records": len(primary), "sellers": len(body),
                                                      "screenshots_missing": ev.missing}), encoding="utf-8")
    return target
