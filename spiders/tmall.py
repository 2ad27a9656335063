"""Spider for tmall: fetches the given URLs and reads them with the tmall parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "tmall"
    platform = "tmall"
