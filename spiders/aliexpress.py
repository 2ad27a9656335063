"""Spider for aliexpress: fetches the given URLs and reads them with the aliexpress parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "aliexpress"
    platform = "aliexpress"
