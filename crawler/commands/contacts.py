"""``scrapy contacts STORE_URI_OR_JSONL [--json] [--min-accounts N]``: contact handles shared by sellers.

Reads records (a JSON Lines file, ``.jsonl`` or ``.jsonl.gz``, or a store: a path, ``file://`` or
``s3://`` URI, whose committed crawls are read through their ``crawls/*/manifest.json``) and prints
each contact (phone, WeChat, WhatsApp, Telegram, LINE, QQ, e-mail; ``--urls`` adds external URLs)
that more than one seller or creator carries, across platforms, with the accounts behind it:

    whatsapp +14155550132  2 accounts on tiktok
      tiktok @glow.reseller (7100000000000000041)  bio, text  https://www.tiktok.com/@glow.reseller/video/…
      tiktok @serum.dupes (7000000000000000031)  bio  https://www.tiktok.com/@serum.dupes

The account behind a record: the account itself, a post's author, a listing's seller, a live's host;
a listing without a known seller stands for itself (``listing <id>``). Exit status: 0 shared
contacts printed; 1 none shared; 2 bad input; 4 the store could not be read (unreachable, no answer
within ``STORE_RETRY_SECONDS``, bad credentials, a part that does not match its manifest).
"""
from __future__ import annotations

import argparse
import logging
import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

EXIT_OK, EXIT_NONE, EXIT_BAD_INPUT, EXIT_STORAGE = 0, 1, 2, 4


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "STORE_URI_OR_JSONL [--json] [--min-accounts N] [--urls]"

    def short_desc(self) -> str:
        return "Print the contact handles shared by more than one seller or creator, with the accounts behind each"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per shared contact")
        parser.add_argument("--min-accounts", type=int, default=2, help="accounts a contact needs (default 2)")
        parser.add_argument("--urls", action="store_true", help="count external URLs too")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        logging.getLogger("crawler.storage").addHandler(logging.NullHandler())  # retries stay quiet: one line on failure
        if len(args) != 1:
            raise UsageError("give one store URI or JSON Lines file")
        self.exitcode = run_contacts(args[0], opts.json, opts.min_accounts, opts.urls, settings=self.settings)


def fail(code: int, message: str) -> int:
    sys.stderr.write("scrapy contacts: %s\n" % " ".join(message.split()))
    return code


def read_jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise ValueError("%s:%d: not JSON (%s)" % (path, number, exc)) from None


def read_store(uri: str, settings=None) -> Iterator[dict]:
    """The records of a store's committed crawls, through the one reader (crawler.storage.reader: only the
    parts their manifest lists, each checked by size and SHA-256), within STORE_RETRY_SECONDS."""
    from crawler.storage import open_bounded
    from crawler.storage.reader import iter_records

    yield from iter_records(open_bounded(uri, settings))


def account_of(record: dict) -> tuple[tuple[str, str], dict]:
    """The (platform, key) of the seller or creator behind a record, and how to show it."""
    platform = record.get("platform") or "?"
    if record.get("kind") == "account":
        ref = {"id": record.get("id"), "handle": record.get("handle"), "name": record.get("name"), "url": record.get("url")}
    else:
        ref = record.get({"post": "author", "listing": "seller", "live": "host"}.get(record.get("kind"), "")) or {}
    key = ref.get("id") or (ref.get("handle") or "").lstrip("@").lower() or None
    if key is None:
        return (platform, "%s:%s" % (record.get("kind"), record.get("id"))), {
            "platform": platform, "label": "%s %s" % (record.get("kind"), record.get("id")), "url": record.get("url")}
    handle = ref.get("handle")
    label = ("@%s" % handle.lstrip("@")) if handle else (ref.get("name") or key)
    if ref.get("id") and handle:
        label += " (%s)" % ref["id"]
    return (platform, key), {"platform": platform, "label": label, "url": ref.get("url") or record.get("url")}


def shared_contacts(records, min_accounts: int = 2, urls: bool = False) -> list[dict]:
    behind: dict[tuple[str, str], dict] = defaultdict(dict)
    for record in records:
        contacts = record.get("contacts") or []
        if not contacts:
            continue
        key, shown = account_of(record)
        for contact in contacts:
            if contact.get("type") == "url" and not urls:
                continue
            entry = behind[(contact["type"], contact["value"])].setdefault(key, {**shown, "sources": [], "records": []})
            if contact.get("source") not in entry["sources"]:
                entry["sources"].append(contact.get("source"))
            if record.get("url") not in entry["records"]:
                entry["records"].append(record.get("url"))
    out = []
    for (kind, value), accounts in behind.items():
        if len(accounts) >= min_accounts:
            out.append({"type": kind, "value": value, "accounts": list(accounts.values()),
                        "platforms": sorted({a["platform"] for a in accounts.values()})})
    return sorted(out, key=lambda c: (-len(c["accounts"]), -len(c["platforms"]), c["type"], c["value"]))


def run_contacts(source: str, as_json: bool = False, min_accounts: int = 2, urls: bool = False, settings=None) -> int:
    from crawler.storage import StoreError

    path = Path(source)
    try:
        if path.is_file():
            records = list(read_jsonl(path))
        elif "://" in source or path.is_dir():
            records = list(read_store(source, settings))
        else:
            return fail(EXIT_BAD_INPUT, "%s: no such file or store" % source)
    except StoreError as exc:  # unreachable, timed out, bad credentials, a part that does not match its manifest
        return fail(EXIT_STORAGE, "cannot read %s: %s" % (source, exc))
    except (OSError, ValueError, KeyError) as exc:
        return fail(EXIT_BAD_INPUT, "cannot read %s: %s" % (source, exc))
    except Exception as exc:  # a store backend's own errors (S3 credentials, a missing bucket ...)
        return fail(EXIT_BAD_INPUT, "cannot read %s: %s" % (source, exc))
    shared = shared_contacts(records, min_accounts, urls)
    if not shared:
        return fail(EXIT_NONE, "no contact shared by %d or more accounts in %d records" % (min_accounts, len(records)))
    out = sys.stdout
    for contact in shared:
        if as_json:
            out.write(json.dumps(contact, ensure_ascii=False) + "\n")
            continue
        out.write("%s %s  %d accounts on %s\n" % (contact["type"], contact["value"], len(contact["accounts"]),
                                                  ", ".join(contact["platforms"])))
        for account in contact["accounts"]:
            out.write("  %s %s  %s  %s\n" % (account["platform"], account["label"], ", ".join(account["sources"]),
                                             account["url"] or ""))
    out.flush()
    return EXIT_OK
