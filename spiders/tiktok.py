"""Spider for tiktok: fetches the given URLs and reads them with the tiktok parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "tiktok"
    platform = "tiktok"
