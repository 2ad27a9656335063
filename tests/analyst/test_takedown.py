"""`scrapy takedown` on the replayed store: a page per listing and per seller, evidence copied and verifiable by
its SHA-256, a CSV for bulk submission."""
from __future__ import annotations

import csv
import hashlib
import subprocess
import sys

from tests.support import ROOT


def takedown(store, out, *ids):
    return subprocess.run([sys.executable, "-m", "scrapy", "takedown", *ids, "--store", str(store), "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_pack_per_listing_and_seller(amazon_store, tmp_path):
    assert amazon_store.returncode == 0, amazon_store.stderr[-2000:]
    out = tmp_path / "pack"
    proc = takedown(amazon_store.store, out, "B0FAKEUS03", "A3FAKESELLER01")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(out / "amazon-B0FAKEUS03.html"), str(out / "amazon-seller-A3FAKESELLER01.html"),
                                   str(out / "takedown.csv")]
    page = (out / "amazon-B0FAKEUS03.html").read_text(encoding="utf-8")
    assert "https://www.amazon.com/Northwind-Sound-BS-20-Bookshelf-Speaker/dp/B0FAKEUS03" in page and "Harbor Audio Outlet" in page and "89.99 USD" in page
    assert "sha256sum evidence/" in page and '<img class="shot"' in page
    rows = list(csv.DictReader((out / "takedown.csv").open(encoding="utf-8")))
    assert [(r["id"], r["page"]) for r in rows] == [("B0FAKEUS03", "amazon-B0FAKEUS03.html"),
                                                    ("B0FAKEUS03", "amazon-seller-A3FAKESELLER01.html")]
    row = rows[0]
    assert row["seller_id"] == "A3FAKESELLER01" and row["price_amount"] == "89.99" and row["captured_at"].endswith("Z")
    for name in ("html", "screenshot"):
        copied = (out / row["%s_file" % name]).read_bytes()
        assert hashlib.sha256(copied).hexdigest() == row["%s_sha256" % name]
        assert row["%s_sha256" % name] in page  # the page states it


def test_unknown_id_is_named(amazon_store, tmp_path):
    proc = takedown(amazon_store.store, tmp_path / "x", "B0FAKEUS03", "NOPE123")
    assert proc.returncode == 2 and "NOPE123" in proc.stderr and not (tmp_path / "x").exists()
