"""Watchlists (crawler/watchlist.py): the example loads, bad files get one line naming file, line, field, problem."""
import pytest

from crawler.spider import TargetError
from crawler.watchlist import WatchlistError, load_watchlist
from spiders.instagram import InstagramSpider
from spiders.tiktok import TikTokSpider
from tests.support import ROOT

EXAMPLE = ROOT / "examples" / "watchlist.yaml"


def test_the_example_watchlist():
    wl = load_watchlist(EXAMPLE)
    assert [b.name for b in wl.brands] == ["Glow Lab", "Nike"]
    assert {"耐克", "ナイキ"} <= set(wl.brands[1].aliases)
    assert wl.terms_for("tiktok") == ["glow serum"]
    assert wl.terms_for("douyin") == ["耐克 高仿", "nike 1:1"]
    assert wl.accounts_for("tiktok") == ["@serum.dupes"]
    # a URL without platforms goes to the platform whose domain it is on
    assert wl.urls_for("tiktok", ["tiktok.com"]) == ["https://www.tiktok.com/@glow.reseller/video/7440000000000000041"]
    assert wl.urls_for("douyin", ["douyin.com"]) == []


def test_the_spider_takes_every_target_of_the_watchlist_for_its_platform():
    targets = TikTokSpider.watchlist_targets(load_watchlist(EXAMPLE))
    assert targets == {"url": ["https://www.tiktok.com/@glow.reseller/video/7440000000000000041"],
                       "query": ["glow serum"], "account": ["@serum.dupes"]}
    spider = TikTokSpider(watchlist=str(EXAMPLE))
    assert spider.queries == ["glow serum"] and spider.accounts == ["@serum.dupes"]
    assert spider.watchlist.brands[0].name == "Glow Lab"


def test_a_watchlist_with_nothing_for_the_platform_is_a_target_error():
    with pytest.raises(TargetError, match="lists no target instagram can crawl"):
        InstagramSpider.check_targets({"watchlist": str(EXAMPLE)})


def test_toml_works_too(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text('platforms = ["shopee"]\nterms = ["nike 1:1"]\n[[brands]]\nname = "Nike"\naliases = ["耐克"]\n'
                    '[[brands.reference_prices]]\namount = 120\ncurrency = "USD"\n', encoding="utf-8")
    wl = load_watchlist(path)
    assert wl.terms_for("shopee") == ["nike 1:1"] and str(wl.brands[0].reference_prices[0].amount) == "120"


@pytest.mark.parametrize("name,text,message", [
    ("a.yaml", "terms: [x]\nbrands:\n  - name: Nike\n    reference_prices:\n      - {amount: \"120\", currency: usd}\n",
     "line 5: brands[0].reference_prices[0].currency: must be a 3-letter ISO 4217 code like USD, got 'usd'"),
    ("b.yaml", "platforms: [tiktk]\nterms: [x]\n", "line 1: platforms: unknown platform 'tiktk'"),
    ("c.yaml", "terms: [a\nfoo: : :\n", "line 2: not valid YAML"),
    ("d.yaml", "terms:\n  - term: x\n    platforms: [tiktok]\n    typo: 1\n", "line 4: terms[0].typo: unknown field"),
    ("e.yaml", "brands: []\n", "nothing to crawl: give terms, accounts or urls"),
    ("f.yaml", "terms: [x]\nbrands:\n  - name: Nike\n    reference_prices:\n      - amount: abc\n        currency: USD\n",
     "line 5: brands[0].reference_prices[0].amount: must be a number"),
    ("g.yaml", "urls: [tiktok.com/@x]\n", "line 1: urls[0].url: must be an absolute http(s) URL"),
    ("h.yaml", "- just\n- a list\n", "expected a mapping"),
    ("i.toml", 'terms = ["a"]\n[[brands]]\nname = "Nike"\nalias = ["x"]\n', "brands[0].alias: unknown field"),
    ("j.toml", 'terms = [\n', "not valid TOML"),
])
def test_bad_watchlists_get_one_line(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(path)
    line = str(caught.value)
    assert "\n" not in line and line.startswith("watchlist %s: " % path) and message in line, line


def test_a_missing_file(tmp_path):
    with pytest.raises(WatchlistError, match="cannot read it: No such file"):
        load_watchlist(tmp_path / "nope.yaml")
