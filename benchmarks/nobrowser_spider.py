"""The TikTok spider on its no-browser path, for the benchmark only.

``PlatformSpider.browser = False`` is how a platform whose data is in the server HTML is
crawled (spiders/weibo.py): plain Scrapy HTTP requests, the same ``parse_page`` /
``crawler.extract`` code, no Chromium. There is no setting for it, so this subclass flips
the attribute; everything else (settings, middlewares, guard, parser) is the project's.

    cd /work/main && python -m scrapy runspider benchmarks/nobrowser_spider.py -a url=... -O out.jsonl
"""
from spiders.tiktok import TikTokSpider


class TikTokNoBrowserSpider(TikTokSpider):
    name = "tiktok_nobrowser"
    browser = False
