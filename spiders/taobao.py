"""Spider for taobao: fetches the given URLs and reads them with the taobao parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "taobao"
    platform = "taobao"
