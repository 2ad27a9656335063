"""Spider for etsy: fetches the given URLs and reads them with the etsy parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "etsy"
    platform = "etsy"
