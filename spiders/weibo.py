"""Spider for weibo: fetches the given URLs and reads them with the weibo parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "weibo"
    platform = "weibo"
