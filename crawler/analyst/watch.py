"""The platforms a watchlist names (``scrapy watch``), the per-platform plan, and one overall exit status."""
from __future__ import annotations

from crawler import exitcodes


def planned(spider_loader, watchlist, only: list[str] | None = None) -> list[str]:
    """The spiders that have something to crawl in the watchlist (terms, accounts, URLs on their domains)."""
    out = []
    for name in sorted(spider_loader.list()):
        if only and name not in only:
            continue
        spidercls = spider_loader.load(name)
        if not hasattr(spidercls, "watchlist_targets"):
            continue
        if any(spidercls.watchlist_targets(watchlist).values()):
            out.append(name)
    return out


def overall(codes: list[int]) -> int:
    """One exit status for several crawls: 0 when every one is 0; the shared status when they agree; 4 when
    any could not write to the store; 5 when some came out with records and others did not (or partly);
    else the first failing one's."""
    if not codes:
        return exitcodes.EMPTY
    if all(c == exitcodes.OK for c in codes):
        return exitcodes.OK
    if len(set(codes)) == 1:
        return codes[0]
    if exitcodes.STORAGE in codes:
        return exitcodes.STORAGE
    if any(c in (exitcodes.OK, exitcodes.PARTIAL) for c in codes):
        return exitcodes.PARTIAL
    return next(c for c in codes if c != exitcodes.OK)
