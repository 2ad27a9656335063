"""Spider for ebay: fetches the given URLs and reads them with the ebay parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "ebay"
    platform = "ebay"
