"""What changed between two states of a store (``scrapy diff``): new listings, new sellers, changed prices,
new contact handles, listings gone; and a Slack-compatible webhook that carries them.

A side is a set of committed crawls read through crawler.storage.reader, as the newest state of each
object (crawler.analyst.latest): two crawls (``--from`` / ``--to``, by default the store's last two crawls
of the same spider), or everything before a day against everything from that day on (``--since``).
Changes come out in a stable order: by change, then platform, then id.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from crawler.analyst.latest import latest
from crawler.storage.reader import manifests, read_part, selected_parts

logger = logging.getLogger(__name__)

ORDER = ("new_listing", "price_changed", "new_seller", "new_contact", "listing_gone")
TITLES = {"new_listing": "new listing", "price_changed": "price changed", "new_seller": "new seller",
          "new_contact": "new contact handle", "listing_gone": "listing gone"}


@dataclass
class Change:
    change: str
    platform: str
    id: str
    url: str | None = None
    title: str | None = None
    seller: str | None = None
    before: dict | str | None = None
    after: dict | str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = asdict(self)
        if not out["extra"]:
            out.pop("extra")
        return out

    def text(self) -> str:
        what = TITLES[self.change]
        if self.change == "price_changed":
            detail = "%s -> %s" % (_money(self.before), _money(self.after))
        elif self.change == "new_contact":
            detail = "%s %s" % (self.after.get("type"), self.after.get("value")) if isinstance(self.after, dict) else ""
        elif self.change == "new_seller":
            detail = self.title or ""
        else:
            detail = " ".join(filter(None, [_money(self.after) if self.after else None, self.title]))
        seller = " (seller %s)" % self.seller if self.seller and self.change != "new_seller" else ""
        return "%s: %s %s %s%s%s" % (what, self.platform, self.id, detail, seller, " " + self.url if self.url else "")


def _money(value) -> str:
    if isinstance(value, dict) and value.get("amount"):
        return "%s %s" % (value["amount"], value.get("currency") or "")
    return "none"


def seller_key(record: dict) -> str | None:
    if record.get("kind") == "account":
        return record.get("id")
    ref = record.get("seller") or record.get("author") or record.get("host") or {}
    return ref.get("id") or ref.get("handle") or ref.get("name")


def seller_label(record: dict) -> str | None:
    ref = record.get("seller") or record.get("author") or record.get("host") or {}
    if record.get("kind") == "account":
        ref = {"id": record.get("id"), "handle": record.get("handle"), "name": record.get("name")}
    return ref.get("handle") or ref.get("name") or ref.get("id")


# ---- sides ----
def crawl_records(store, chosen: Iterable[dict]) -> Iterable[dict]:
    for manifest in chosen:
        for part in selected_parts(manifest):
            for line in read_part(store, manifest, part).split(b"\n"):
                if line:
                    yield json.loads(line)


def side(store, chosen: list[dict], platform: str | None = None) -> dict[tuple, dict]:
    out = {}
    for record in latest(crawl_records(store, chosen)):
        if platform and record.get("platform") != platform:
            continue
        out[(record["platform"], record["kind"], str(record["id"]))] = record
    return out


def choose(store, from_crawl: str | None = None, to_crawl: str | None = None, since: str | None = None,
           spider: str | None = None) -> tuple[list[dict], list[dict]]:
    """(before, after) as lists of manifests. Raises ValueError naming what is missing."""
    all_ = manifests(store)
    if spider:
        all_ = [m for m in all_ if m.get("spider") == spider]
    by_id = {m["crawl_id"]: m for m in all_}
    if since:
        return ([m for m in all_ if (m.get("started_at") or "")[:10] < since],
                [m for m in all_ if (m.get("started_at") or "")[:10] >= since])
    if to_crawl and to_crawl not in by_id:
        raise ValueError("no committed crawl %s in the store" % to_crawl)
    if from_crawl and from_crawl not in by_id:
        raise ValueError("no committed crawl %s in the store" % from_crawl)
    after = by_id[to_crawl] if to_crawl else (all_[-1] if all_ else None)
    if after is None:
        raise ValueError("the store has no committed crawl")
    if from_crawl:
        before = by_id[from_crawl]
    else:
        earlier = [m for m in all_ if m is not after and m.get("spider") == after.get("spider")
                   and (m.get("started_at") or "", m["crawl_id"]) < (after.get("started_at") or "", after["crawl_id"])]
        if not earlier:
            raise ValueError("crawl %s has no earlier crawl of %s to compare with" % (after["crawl_id"], after.get("spider")))
        before = earlier[-1]
    return [before], [after]


# ---- the changes ----
def changes(before: dict[tuple, dict], after: dict[tuple, dict]) -> list[Change]:
    out: list[Change] = []
    for key, record in after.items():
        platform, kind, id_ = key
        if kind != "listing":
            continue
        old = before.get(key)
        if old is None:
            out.append(Change("new_listing", platform, id_, record.get("url"), record.get("title"),
                              seller_label(record), None, record.get("price")))
        elif (old.get("price") or None) != (record.get("price") or None):
            out.append(Change("price_changed", platform, id_, record.get("url"), record.get("title"),
                              seller_label(record), old.get("price"), record.get("price")))
    for key, record in before.items():
        if key[1] == "listing" and key not in after:
            out.append(Change("listing_gone", key[0], key[2], record.get("url"), record.get("title"),
                              seller_label(record), record.get("price"), None))
    sellers_before = {(r["platform"], seller_key(r)) for r in before.values() if seller_key(r)}
    contacts_before = {(c.get("type"), c.get("value")) for r in before.values() for c in r.get("contacts") or []}
    new_sellers: dict[tuple, Change] = {}
    new_contacts: dict[tuple, Change] = {}
    for record in after.values():
        sk = seller_key(record)
        if sk and (record["platform"], sk) not in sellers_before and (record["platform"], sk) not in new_sellers:
            ref = record.get("seller") or {}
            url = ref.get("url") if record.get("kind") != "account" else record.get("url")
            new_sellers[(record["platform"], sk)] = Change("new_seller", record["platform"], sk, url,
                                                            seller_label(record), seller_label(record),
                                                            extra={"first_seen_on": "%s %s" % (record["kind"], record["id"])})
        for contact in record.get("contacts") or []:
            ck = (contact.get("type"), contact.get("value"))
            if ck not in contacts_before and ck not in new_contacts:
                new_contacts[ck] = Change("new_contact", record["platform"], str(record["id"]), record.get("url"),
                                          record.get("title"), seller_label(record), None,
                                          {"type": ck[0], "value": ck[1]}, extra={"kind": record["kind"]})
    out += list(new_sellers.values()) + list(new_contacts.values())
    out.sort(key=lambda c: (ORDER.index(c.change), c.platform, c.id, json.dumps(c.after, sort_keys=True, default=str)))
    return out


def summary(found: list[Change]) -> str:
    counts = {name: sum(1 for c in found if c.change == name) for name in ORDER}
    return ", ".join("%d %s" % (n, TITLES[name] + ("s" if n != 1 and not TITLES[name].endswith("gone") else ""))
                     for name, n in counts.items() if n) or "no change"


# ---- the webhook ----
def slack_payload(found: list[Change], heading: str, max_lines: int = 50) -> dict:
    """Slack-compatible JSON (``text``, and one section block): at most ``max_lines`` changes listed."""
    lines = [c.text() for c in found[:max_lines]]
    if len(found) > max_lines:
        lines.append("... and %d more" % (len(found) - max_lines))
    text = "%s: %s" % (heading, summary(found)) + ("\n" + "\n".join(lines) if lines else "")
    return {"text": text[:39000],
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]}


def post_webhook(url: str, payload: dict, timeout: float = 10.0, attempts: int = 3, max_seconds: float = 30.0) -> None:
    """POST the payload; retried (tenacity: exponential backoff, at most ``attempts`` and ``max_seconds``) on a
    connection error, a timeout, 429 or a 5xx. Raises the last error."""
    import urllib.error
    import urllib.request

    from tenacity import retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential, Retrying

    def retryable(exc: BaseException) -> bool:
        if isinstance(exc, urllib.error.HTTPError):
            return exc.code == 429 or exc.code >= 500
        return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))

    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def send() -> None:
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the user's own URL)
            response.read()

    for attempt in Retrying(retry=retry_if_exception(retryable), reraise=True,
                            stop=stop_after_attempt(max(1, attempts)) | stop_after_delay(max_seconds),
                            wait=wait_exponential(multiplier=0.5, max=8)):
        with attempt:
            send()
