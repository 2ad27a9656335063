"""One Scrapy spider per platform slug (`scrapy list`)."""
