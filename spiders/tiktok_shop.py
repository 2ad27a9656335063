"""Spider for tiktok_shop: fetches the given URLs and reads them with the tiktok_shop parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "tiktok_shop"
    platform = "tiktok_shop"
