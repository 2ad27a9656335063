"""Spider for mercadolibre: fetches the given URLs and reads them with the mercadolibre parsers."""
from crawler.spider import PlatformSpider


class Spider(PlatformSpider):
    name = "mercadolibre"
    platform = "mercadolibre"
