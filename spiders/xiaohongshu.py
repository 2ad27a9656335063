"""Spider for xiaohongshu: fetches the given URLs and reads them with the xiaohongshu parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "xiaohongshu"
    platform = "xiaohongshu"
