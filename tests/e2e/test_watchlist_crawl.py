"""A crawl driven by examples/watchlist.yaml, replayed from fixtures/tiktok/watchlist.har through Chromium:
every term, account and URL the watchlist lists for TikTok, records with query, contacts and signals."""
import subprocess
import sys

from tests.e2e.harness import crawl, fixture_har
from tests.support import ROOT

WATCHLIST = ROOT / "examples" / "watchlist.yaml"
VIDEO = "https://www.tiktok.com/@glow.reseller/video/7440000000000000041"


def test_watchlist_crawl_fills_query_contacts_and_signals(tmp_path):
    result = crawl("tiktok", fixture_har("tiktok", "watchlist"), tmp_path, watchlist=str(WATCHLIST))
    assert result.returncode == 0, result.stderr[-2000:]
    # each record's query names the term, account or URL of the watchlist that led to it
    assert {r["query"] for r in result.records} == {"glow serum", "@serum.dupes", VIDEO}
    assert {r["id"] for r in result.of("post") if r["query"] == "glow serum"} == {
        "7430000000000000021", "7430000000000000022", "7430000000000000023"}

    post = result.one("post", "7440000000000000041")
    assert post["query"] == VIDEO
    assert {(c["type"], c["value"], c["source"]) for c in post["contacts"]} == {
        ("whatsapp", "+14155550132", "text"), ("wechat", "glowcs_88", "text")}
    assert post["signals"]["off_platform_contact"] is True
    assert set(post["signals"]["counterfeit_terms"]) >= {"replica", "1:1", "mirror quality", "原单"}
    assert post["signals"]["brand_mentions"] == ["Glow Lab"]

    reseller = [a for a in result.of("account") if a["id"] == "7100000000000000041"][0]
    assert {(c["type"], c["value"]) for c in reseller["contacts"]} == {
        ("whatsapp", "+14155550132"), ("telegram", "glowreseller_cs"), ("email", "orders.glow@gmail.com")}
    assert all(c["source"] == "bio" for c in reseller["contacts"])

    profile = [a for a in result.of("account") if a["query"] == "@serum.dupes"][0]
    assert {(c["type"], c["value"], c["source"]) for c in profile["contacts"]} == {
        ("whatsapp", "+14155550132", "bio"), ("line", "serumdupes", "bio"), ("url", "https://bit.ly/serumdupes", "links[0]")}
    assert profile["signals"]["counterfeit_terms"] == ["AAA", "dupe"]

    # text without contacts or terms gets none: no invented signals
    plain = result.one("account", "7000000000000000032")
    assert plain["contacts"] == [] and plain["signals"] == {}
    assert result.one("post", "7430000000000000023")["signals"] == {"brand_mentions": ["Glow Lab"]}

    # the store the crawl wrote: the WhatsApp number two accounts share
    shared = subprocess.run([sys.executable, "-m", "scrapy", "contacts", str(tmp_path / "store")], cwd=ROOT, check=False,
                            capture_output=True, text=True, timeout=60)
    assert shared.returncode == 0, shared.stderr
    lines = shared.stdout.splitlines()
    assert lines[0] == "whatsapp +14155550132  2 accounts on tiktok"
    assert any("@glow.reseller" in line for line in lines[1:3]) and any("@serum.dupes" in line for line in lines[1:3])


def test_an_invalid_watchlist_stops_the_crawl_with_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("platforms: [tiktok]\nterms: [glow serum]\nbrands:\n  - name: Nike\n    reference_prices:\n"
                   "      - {amount: \"120\", currency: usd}\n", encoding="utf-8")
    result = crawl("tiktok", fixture_har("tiktok", "watchlist"), tmp_path / "run", watchlist=str(bad))
    assert result.returncode == 2 and result.records == []
    assert ("scrapy crawl: watchlist %s: line 6: brands[0].reference_prices[0].currency: must be a 3-letter ISO 4217 "
            "code like USD, got 'usd'" % bad) in result.stderr
