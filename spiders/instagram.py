"""Spider for instagram: fetches the given URLs and reads them with the instagram parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "instagram"
    platform = "instagram"
