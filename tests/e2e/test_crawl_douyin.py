"""Douyin end to end: a share page (plain request), a web video page, a search and an account (browser,
data captured from the app's own /aweme/v1/web/ XHRs), replayed from fixtures/douyin/*.har."""
from spiders.douyin import MOBILE_UA, DouyinSpider
from tests.e2e.harness import crawl, fixture_har

SHARE = "https://www.iesdouyin.com/share/video/7600000000000000011/"
VIDEO = "https://www.douyin.com/video/7600000000000000044"
BRAND = "MS4wLjABAAAAsynthSecUidBrand_07"
EVIDENCE_KEYS = {"html_key", "screenshot_key", "sha256", "captured_at"}


def test_share_page_is_a_plain_request_with_a_mobile_agent():
    spider = DouyinSpider(url=SHARE)
    assert not spider.uses_browser(SHARE)
    assert spider.uses_browser(VIDEO) and spider.uses_browser("https://www.douyin.com/search/x")
    spider.proxies, spider.storage_state, spider.record_har = [], None, None  # set by from_crawler in a crawl
    request = spider.page_request(SHARE, role="url")
    assert request.headers["User-Agent"].decode() == MOBILE_UA and "playwright" not in request.meta


def test_share_page(tmp_path):
    result = crawl("douyin", fixture_har("douyin", "share"), tmp_path, url=SHARE)
    assert result.returncode == 0, result.stderr[-2000:]
    post = result.one("post", "7600000000000000011")
    assert post["author"]["id"] == "MS4wLjABAAAAsynthSecUidVideo_01" and post["metrics"]["likes"] == 1204
    assert post["metrics"]["views"] is None and post["duration_s"] == 15.36 and post["query"] == SHARE
    evidence = post["evidence"]
    assert evidence["html_key"] and evidence["sha256"] and evidence["screenshot_key"] is None  # no browser, no screenshot
    assert result.one("account", "MS4wLjABAAAAsynthSecUidVideo_01")["followers"] is None  # zero-filled there


def test_web_video_page_reads_the_aweme_detail_xhr(tmp_path):
    result = crawl("douyin", fixture_har("douyin", "video"), tmp_path, url=VIDEO)
    assert result.returncode == 0, result.stderr[-2000:]
    post = result.one("post", "7600000000000000044")
    assert post["extractor"] == "api" and post["text"] == "新款跑鞋上脚测评 #跑鞋 #测评"
    assert post["hashtags"] == ["跑鞋", "测评"] and post["products"] == ["3700000000000000002"]
    assert post["metrics"]["likes"] == 8920 and post["duration_s"] == 36.48 and post["query"] == VIDEO
    assert post["source_url"].startswith("https://www.douyin.com/aweme/v1/web/aweme/detail/")
    account = result.one("account", BRAND)
    assert account["handle"] == "chaoxie_lab" and account["followers"] is None


def test_search_reads_every_page_of_results(tmp_path):
    result = crawl("douyin", fixture_har("douyin", "search"), tmp_path, query="跑鞋")
    assert result.returncode == 0, result.stderr[-2000:]
    # two results on load, the third from the page fetched on scroll; the user card is not a post
    assert [r["id"] for r in result.of("post")] == ["7600000000000000051", "7600000000000000052", "7600000000000000053"]
    assert all(r["query"] == "跑鞋" for r in result.records)
    resell = result.records[0]
    assert resell["author"] == {"id": "MS4wLjABAAAAsynthSecUidResell_08", "handle": "90000000008", "name": "鞋王批发仓",
                                "url": "https://www.douyin.com/user/MS4wLjABAAAAsynthSecUidResell_08"}
    assert resell["location"] == "福建" and resell["hashtags"] == ["跑鞋"]


def test_account_profile_and_posts(tmp_path):
    result = crawl("douyin", fixture_har("douyin", "account"), tmp_path, account=BRAND)
    assert result.returncode == 0, result.stderr[-2000:]
    account = result.one("account", BRAND)
    assert (account["followers"], account["following"], account["likes_total"], account["posts_count"]) == \
        (152300, 87, 2430000, 386)
    assert account["handle"] == "chaoxie_lab" and account["query"] == BRAND
    assert len(result.of("account")) == 1  # the posts' embedded authors make no second account record
    posts = {r["id"]: r for r in result.of("post")}
    assert sorted(posts) == ["7600000000000000061", "7600000000000000062"]
    assert posts["7600000000000000062"]["media_type"] == "images" and posts["7600000000000000062"]["image_count"] == 3
    assert posts["7600000000000000061"]["url"] == "https://www.douyin.com/video/7600000000000000061"
