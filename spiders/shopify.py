"""Spider for shopify: fetches the given URLs and reads them with the shopify parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "shopify"
    platform = "shopify"
