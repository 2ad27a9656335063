"""Spider for shopee: fetches the given URLs and reads them with the shopee parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "shopee"
    platform = "shopee"
