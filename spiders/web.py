"""Spider for web: fetches the given URLs and reads them with the web parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "web"
    platform = "web"
