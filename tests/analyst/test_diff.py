"""`scrapy diff` between two replayed crawls of two fixture versions (fixtures/diff/README.md) lists exactly the
planted changes; a webhook listener on 127.0.0.1 receives them from the crawl itself (ALERT_WEBHOOK) and from
`scrapy diff`, which retries a failing webhook."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.analyst.diff import Change, changes, slack_payload
from tests.analyst.conftest import run_crawl
from tests.analyst.records import listing
from tests.e2e.harness import fixture_har
from tests.support import ROOT

PLANTED = [
    {"change": "new_listing", "platform": "amazon", "id": "B0FAKEUS05"},
    {"change": "price_changed", "platform": "amazon", "id": "B0FAKEUS03"},
    {"change": "new_seller", "platform": "amazon", "id": "A3FAKESELLER77"},
    {"change": "new_contact", "platform": "amazon", "id": "B0FAKEUS05"},
    {"change": "listing_gone", "platform": "amazon", "id": "B0FAKEUS04"},
]


class Listener:
    """A webhook on 127.0.0.1 that answers ``fail_first`` requests with 503, then 200."""

    def __init__(self, fail_first: int = 0):
        received, state = [], {"fail": fail_first, "hits": 0}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                state["hits"] += 1
                if state["fail"] > 0:
                    state["fail"] -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.received, self.state = received, state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def two_crawls(amazon_store, tmp_path_factory):
    assert amazon_store.returncode == 0, amazon_store.stderr[-2000:]
    base = tmp_path_factory.mktemp("diff")
    store = base / "store"
    shutil.copytree(amazon_store.store, store)
    listener = Listener()
    try:
        proc = run_crawl("amazon", fixture_har("amazon_v2", "search"), base / "out", store,
                         settings={"ALERT_WEBHOOK": listener.url}, query="bookshelf speakers")
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr[-2000:]
    return store, listener.received


def diff_cmd(*args):
    return subprocess.run([sys.executable, "-m", "scrapy", "diff", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_diff_lists_exactly_the_planted_changes(two_crawls):
    store, _ = two_crawls
    proc = diff_cmd(store, "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    found = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [{k: c[k] for k in ("change", "platform", "id")} for c in found] == PLANTED
    by = {c["change"]: c for c in found}
    assert by["price_changed"]["before"] == {"amount": "89.99", "currency": "USD"}
    assert by["price_changed"]["after"] == {"amount": "74.99", "currency": "USD"}
    assert by["new_contact"]["after"] == {"type": "wechat", "value": "standdeals88"}
    assert by["new_seller"]["title"] == "Stand Deals Direct"
    text = diff_cmd(store).stdout.splitlines()
    assert text[0].endswith("1 new listing, 1 price changed, 1 new seller, 1 new contact handle, 1 listing gone")
    assert "price changed: amazon B0FAKEUS03 89.99 USD -> 74.99 USD" in text[2]


def test_the_crawl_posted_its_changes_to_the_webhook(two_crawls):
    _, received = two_crawls
    assert len(received) == 1
    text = received[0]["text"]
    assert "1 new listing, 1 price changed, 1 new seller, 1 new contact handle, 1 listing gone" in text
    assert "wechat standdeals88" in text and received[0]["blocks"][0]["type"] == "section"


def test_diff_retries_a_failing_webhook(two_crawls):
    store, _ = two_crawls
    listener = Listener(fail_first=2)
    try:
        proc = diff_cmd(store, "-s", "ALERT_WEBHOOK=%s" % listener.url)
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr
    assert listener.state["hits"] == 3 and len(listener.received) == 1
    assert "listing gone: amazon B0FAKEUS04" in listener.received[0]["text"]


def test_a_dead_webhook_is_bounded_and_named(two_crawls):
    store, _ = two_crawls
    listener = Listener(fail_first=100)
    try:
        proc = diff_cmd(store, "-s", "ALERT_WEBHOOK=%s" % listener.url, "-s", "ALERT_WEBHOOK_ATTEMPTS=2")
    finally:
        listener.close()
    assert proc.returncode == 4 and "webhook" in proc.stderr and listener.state["hits"] == 2
    assert proc.stdout.startswith("diff ")  # the changes were printed all the same


def test_payload_is_bounded():
    found = [Change("new_listing", "shopee", str(i)) for i in range(120)]
    payload = slack_payload(found, "h", max_lines=10)
    assert payload["text"].count("\n") == 11 and "... and 110 more" in payload["text"]


def test_since_a_day_and_no_change():
    a = {("shopee", "listing", "1"): listing("1", price=("10", "IDR"))}
    assert changes(a, a) == []
