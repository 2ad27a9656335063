"""Spider for facebook_marketplace: fetches the given URLs and reads them with the facebook_marketplace parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "facebook_marketplace"
    platform = "facebook_marketplace"
