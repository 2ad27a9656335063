"""Takedown packs (``scrapy takedown ID...``): per listing (or post) id, or per seller id/handle, one static
HTML page with the URL, seller, price, capture time, screenshot and product photos, and the SHA-256 of
every evidence object with how to verify it; plus ``takedown.csv`` (one row per listing) for bulk
submission to the platforms' IP-protection portals.

Evidence objects are copied next to the pages (``evidence/<sha256>.<ext>``), each checked against the
SHA-256 its name carries (content-addressed store: crawler.storage.keys), so anyone can verify a copy with
``sha256sum``. The newest state of each object across the chosen crawls is used (crawler.analyst.latest).
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.analyst.diff import seller_key, seller_label
from crawler.analyst.report import money_text, e, evidence_index

PRIMARY = ("listing", "post", "live")
CSV_COLUMNS = ["platform", "kind", "id", "url", "title", "seller_id", "seller_name", "seller_url", "price_amount",
               "price_currency", "captured_at", "crawl_id", "html_file", "html_sha256", "screenshot_file",
               "screenshot_sha256", "photo_files", "photo_sha256s", "page"]


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "x"


@dataclass
class Pack:
    name: str                    # file name, without .html
    title: str
    records: list[dict] = field(default_factory=list)
    account: dict | None = None


def select(records: list[dict], wanted: list[str]) -> tuple[list[Pack], list[str]]:
    """(one pack per wanted id that matched, the ids that matched nothing). An id matches an object's id
    (a listing, post or live: one page for it) or a seller's id or handle (one page for all its records)."""
    packs, missing = [], []
    for want in wanted:
        objects = [r for r in records if r.get("kind") in PRIMARY and str(r.get("id")) == want]
        if objects:
            for r in objects:
                packs.append(Pack("%s-%s" % (r["platform"], safe_name(want)), "%s %s %s" % (r["platform"], r["kind"], want),
                                  [r]))
            continue
        handle = want.lstrip("@")
        by_seller = [r for r in records if r.get("kind") in PRIMARY and
                     (seller_key(r) == want or seller_label(r) in (want, handle))]
        account = next((r for r in records if r.get("kind") == "account" and
                        (str(r.get("id")) == want or r.get("handle") in (want, handle))), None)
        if by_seller or account:
            platform = (by_seller or [account])[0]["platform"]
            packs.append(Pack("%s-seller-%s" % (platform, safe_name(want)), "%s seller %s" % (platform, want),
                              by_seller, account))
        else:
            missing.append(want)
    return packs, missing


class EvidenceCopy:
    def __init__(self, store, out_dir: Path):
        self.store, self.out_dir = store, out_dir
        self.problems: list[str] = []

    def copy(self, key: str | None) -> tuple[str, str] | None:
        """(relative file, sha256) of a verified copy, None when absent or not what its name says."""
        if not key:
            return None
        name = key.rsplit("/", 1)[-1]
        target = self.out_dir / "evidence" / name
        try:
            data = self.store.get(key)
        except Exception as exc:
            self.problems.append("%s: not in the store (%s)" % (key, exc))
            return None
        digest = hashlib.sha256(data).hexdigest()
        if digest != name.split(".")[0]:
            self.problems.append("%s: content does not match its SHA-256 name" % key)
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return "evidence/" + name, digest



VERIFY = """<h2>How to verify the evidence</h2>
<p>Every file under <code>evidence/</code> is named after the SHA-256 of its content. To verify a copy, compute its
SHA-256 and compare it with the name and with the value above:</p>
<pre>sha256sum evidence/&lt;file&gt;            # Linux
shasum -a 256 evidence/&lt;file&gt;         # macOS
Get-FileHash -Algorithm SHA256 evidence\\&lt;file&gt;   # Windows PowerShell</pre>
<p>The HTML file is the page exactly as the crawler received it at the capture time; the screenshot is how it
rendered; the product photos are the images the page showed.</p>"""

CSS = ("body{font:14px/1.45 system-ui,sans-serif;max-width:960px;margin:20px auto;color:#222}"
       "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;"
       "vertical-align:top}th{width:180px;background:#f3f3f3}img.shot{max-width:100%;border:1px solid #999}"
       ".photos img{height:140px;margin:4px;border:1px solid #999}code,pre{background:#f3f3f3}"
       "section{border-top:2px solid #1d2a3a;margin-top:24px;padding-top:8px}")


def record_section(r: dict, ev: EvidenceCopy) -> tuple[str, dict]:
    evidence = r.get("evidence") or {}
    index = evidence_index(ev.store, evidence)
    html_copy = ev.copy(evidence.get("html_key"))
    shot = ev.copy(evidence.get("screenshot_key"))
    photos = [p for p in (ev.copy(i.get("key")) for i in index.get("images") or []) if p]
    seller = r.get("seller") or r.get("author") or r.get("host") or {}
    rows = [("URL", '<a href="%s">%s</a>' % (e(r.get("url")), e(r.get("url")))),
            ("Platform, kind, id", e("%s %s %s" % (r["platform"], r["kind"], r["id"]))),
            ("Title", e(r.get("title") or (r.get("text") or "")[:300])),
            ("Seller", e(" · ".join(filter(None, [seller.get("name"), seller.get("handle") and "@" + seller["handle"],
                                                 seller.get("id") and "id " + seller["id"]])))
             + (' <a href="%s">%s</a>' % (e(seller["url"]), e(seller["url"])) if seller.get("url") else "")),
            ("Price", e(money_text(r.get("price")))),
            ("Captured at (UTC)", e(evidence.get("captured_at") or r.get("fetched_at"))),
            ("Crawl", e(r.get("crawl_id"))),
            ("Counterfeit terms", e(", ".join((r.get("signals") or {}).get("counterfeit_terms") or []))),
            ("Contact handles", e(", ".join("%s %s" % (c["type"], c["value"]) for c in r.get("contacts") or [])))]
    hashes = []
    for label, copy in [("page HTML", html_copy), ("screenshot", shot)] + [("product photo %d" % (i + 1), p)
                                                                           for i, p in enumerate(photos)]:
        if copy:
            hashes.append("<tr><td>%s</td><td><a href=\"%s\">%s</a></td><td><code>%s</code></td></tr>" % (
                e(label), e(copy[0]), e(copy[0]), e(copy[1])))
    body = ("<section><h2>%s %s</h2><table>%s</table>" % (e(r["kind"]), e(r["id"]), "".join(
        "<tr><th>%s</th><td>%s</td></tr>" % (k, v) for k, v in rows))
        + ('<h3>Screenshot</h3><img class="shot" alt="screenshot of %s" src="%s">' % (e(r["id"]), e(shot[0]))
           if shot else "<p>No screenshot was captured.</p>")
        + ('<h3>Product photos</h3><div class="photos">%s</div>' % "".join(
            '<img alt="product photo" src="%s">' % e(p[0]) for p in photos) if photos else "")
        + ("<h3>Evidence objects</h3><table><tr><th>object</th><th>file</th><th>SHA-256</th></tr>%s</table>"
           % "".join(hashes) if hashes else "<p>No evidence object was captured for this record.</p>")
        + "</section>")
    row = {"platform": r["platform"], "kind": r["kind"], "id": r["id"], "url": r.get("url"), "title": r.get("title"),
           "seller_id": seller.get("id"), "seller_name": seller.get("name") or seller.get("handle"),
           "seller_url": seller.get("url"), "price_amount": (r.get("price") or {}).get("amount"),
           "price_currency": (r.get("price") or {}).get("currency"),
           "captured_at": evidence.get("captured_at") or r.get("fetched_at"), "crawl_id": r.get("crawl_id"),
           "html_file": html_copy[0] if html_copy else None, "html_sha256": html_copy[1] if html_copy else None,
           "screenshot_file": shot[0] if shot else None, "screenshot_sha256": shot[1] if shot else None,
           "photo_files": " | ".join(p[0] for p in photos), "photo_sha256s": " | ".join(p[1] for p in photos)}
    return body, row


def write(packs: list[Pack], store, out_dir: Path, generated_at: str = "") -> tuple[list[Path], Path, list[str]]:
    """The pages, the CSV, and the evidence problems met (missing objects, wrong content)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ev = EvidenceCopy(store, out_dir)
    pages, rows = [], []
    for pack in packs:
        sections = []
        for r in pack.records:
            section, row = record_section(r, ev)
            row["page"] = pack.name + ".html"
            sections.append(section)
            rows.append(row)
        account = ""
        if pack.account:
            a = pack.account
            account = "<p>Seller account: %s %s, %s followers, captured %s. <a href=\"%s\">%s</a></p>" % (
                e(a.get("name") or ""), e("@" + a["handle"] if a.get("handle") else a.get("id")),
                e(a.get("followers") if a.get("followers") is not None else "unknown"), e(a.get("fetched_at")),
                e(a.get("url")), e(a.get("url")))
        page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" "
                "content=\"no-referrer\"><title>Takedown: %s</title><style>%s</style></head><body>"
                "<h1>Takedown request evidence: %s</h1><p>%d record(s)%s.</p>%s%s%s</body></html>") % (
            e(pack.title), CSS, e(pack.title), len(pack.records), " · generated %s" % e(generated_at) if generated_at else "",
            account, "".join(sections), VERIFY)
        target = out_dir / (pack.name + ".html")
        target.write_text(page, encoding="utf-8")
        pages.append(target)
    csv_path = out_dir / "takedown.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in CSV_COLUMNS})
    return pages, csv_path, ev.problems
