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


class ParserError(ExtractionError):
    """A parser failed in a way it should not (a bug): reported as one line naming the parser."""

    def __init__(self, parser: str, exc: BaseException):
        self.parser = parser
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        super().__init__("parser error in %s: %s%s" % (parser, type(exc).__name__, ": " + detail[:200] if detail else ""))
