#!/usr/bin/env python3
"""Precision and recall of crawler/contacts.py on the labelled strings of fixtures/contacts/labelled.tsv.

    python scripts/contacts_score.py            # the table per contact type
    python scripts/contacts_score.py -v         # and every miss and false positive

Each row gives a language, where the text was found (a platform slug or a page URL: the region
hint a record would give), the text and the contacts expected (normalised values). A found contact
counts as right when its (type, value) is expected for that row. Targets: precision >= 0.95 and
recall >= 0.90 on every type; the exit status is 1 when one is missed.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.contacts import find_contacts, hints_for  # noqa: E402
from crawler.schema import Contact  # noqa: E402

LABELLED = ROOT / "fixtures" / "contacts" / "labelled.tsv"
TYPES = list(Contact.model_fields["type"].annotation.__args__)
PRECISION_TARGET, RECALL_TARGET = 0.95, 0.90


def load(path: Path = LABELLED) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, where, text, expected = line.split("\t")
        pairs = set()
        if expected.strip() != "-":
            for item in expected.split(" ; "):
                kind, value = item.strip().split("=", 1)
                assert kind in TYPES, "%s:%d: unknown contact type %r" % (path, number, kind)
                pairs.add((kind, value))
        rows.append({"line": number, "lang": lang, "where": where, "text": text.replace("\\n", "\n"), "expected": pairs})
    return rows


def found_in(row: dict) -> set[tuple[str, str]]:
    where, _, region = row["where"].partition("/") if not row["where"].startswith("http") else (row["where"], "", "")
    url = where if where.startswith("http") else None
    platform = None if url else where
    if url:
        host = urlsplit(url).hostname or ""
        platform = next((p for p in ("shopee", "mercadolibre", "mercadolivre", "amazon", "ebay") if p in host), "web")
        platform = "mercadolibre" if platform == "mercadolivre" else platform
    regions = ([region] if region else []) + hints_for(platform, url)  # as a record's region/location field gives
    return set(find_contacts(row["text"], regions, platform))


def score(rows: list[dict]):
    tp, fp, fn = Counter(), Counter(), Counter()
    errors = []
    for row in rows:
        found = found_in(row)
        for kind, value in found & row["expected"]:
            tp[kind] += 1
        for kind, value in found - row["expected"]:
            fp[kind] += 1
            errors.append((row, "false positive", kind, value))
        for kind, value in row["expected"] - found:
            fn[kind] += 1
            errors.append((row, "missed", kind, value))
    return tp, fp, fn, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss and false positive")
    args = parser.parse_args(argv)
    rows = load()
    tp, fp, fn, errors = score(rows)
    langs = Counter(r["lang"] for r in rows)
    print("%d labelled strings (%s), %d hard negatives" % (
        len(rows), ", ".join("%s %d" % kv for kv in sorted(langs.items())), sum(1 for r in rows if not r["expected"])))
    print("%-9s %9s %4s %4s %4s %9s %7s  %s" % ("type", "expected", "tp", "fp", "fn", "precision", "recall", "target"))
    ok = True
    for kind in TYPES:
        expected = tp[kind] + fn[kind]
        precision = tp[kind] / (tp[kind] + fp[kind]) if tp[kind] + fp[kind] else 1.0
        recall = tp[kind] / expected if expected else 1.0
        met = precision >= PRECISION_TARGET and recall >= RECALL_TARGET
        ok = ok and met
        print("%-9s %9d %4d %4d %4d %9.3f %7.3f  %s" % (kind, expected, tp[kind], fp[kind], fn[kind], precision, recall,
                                                      "met" if met else "MISSED"))
    if args.verbose:
        for row, what, kind, value in errors:
            print("line %d [%s] %s %s=%s in %r" % (row["line"], row["lang"], what, kind, value, row["text"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
