"""Scrapy settings of the project (``scrapy.cfg`` points here)."""

BOT_NAME = "social_commerce_crawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# off unless asked for: nobody should find a debugging console on a crawl box
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ROBOTSTXT_OBEY = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
CONCURRENT_REQUESTS = 8
DOWNLOAD_TIMEOUT = 60
LOG_LEVEL = "INFO"
