"""Spider for amazon: fetches the given URLs and reads them with the amazon parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "amazon"
    platform = "amazon"
