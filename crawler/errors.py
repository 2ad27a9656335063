"""Errors a parser or the extraction entry point raise, each with a one-line message."""


class ExtractionError(Exception):
    """Base: the page could not be turned into records."""


class BlockedPage(ExtractionError):
    """The platform served a captcha, verification page or login wall instead of content."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__("blocked/%s%s" % (reason, ": " + detail if detail else ""))


class NoParser(ExtractionError):
    """No parser understands this URL or page."""


class PageChanged(ExtractionError):
    """The parser recognised the page but its data is not where it should be:
    the platform changed its page, or the capture is truncated."""
