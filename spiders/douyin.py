"""Spider for douyin: fetches the given URLs and reads them with the douyin parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "douyin"
    platform = "douyin"
