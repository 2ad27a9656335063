"""Weibo: statuses from the web API the site itself calls (JSON, no browser needed)."""
from urllib.parse import quote

from crawler.spider import PlatformSpider


class WeiboSpider(PlatformSpider):
    name = platform = "weibo"
    allowed_domains = ["weibo.com", "weibo.cn"]
    cdn_domains = ["sinaimg.cn"]
    browser = False  # the API answers JSON: a browser would only wrap it in HTML

    def search_url(self, query):
        return "https://weibo.com/ajax/side/search?q=%s" % quote(query)

    def account_url(self, handle):
        return "https://weibo.com/ajax/statuses/mymblog?uid=%s&page=1&feature=0" % quote(handle)
