"""What a crawl is asked to read: its targets and the spider's own arguments, parsed and checked once.

``-a url=URL[,URL...]``, ``-a query=TERM``, ``-a account=HANDLE_OR_URL``, ``-a max_items=N`` and
``-a watchlist=FILE`` (whose URLs, terms and accounts for the platform join the others) are the
same for every platform. A platform adds its own arguments by declaring ``options`` on its
spider: ``{"site": Option("the regional site", setting="SHOPEE_SITE", default="co.id",
parse=site_of)}``; ``-a site=...`` then wins over the setting, which wins over the default, and a
bad value is one line naming what is accepted. ``scrapy crawl <platform> -h`` lists them
(``describe_options``). ``Targets.parse`` raises ``TargetError`` before anything starts.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from crawler.watchlist import WatchlistError, load_watchlist

KINDS = ("url", "query", "account")


class TargetError(ValueError):
    """A target or argument the spider cannot take (one line, for the crawl command to print)."""


class OptionUnknown(ValueError):
    verdict = "unknown"


@dataclass(frozen=True)
class Option:
    """A spider argument beyond the targets (``-a NAME=VALUE``). ``parse`` raises ValueError saying what
    is accepted ("one of: ..."), or ``OptionUnknown`` for a value outside a fixed list."""
    help: str
    setting: str | None = None  # a project setting (or -s) giving the value when -a does not
    default: str | None = None
    parse: Callable[[str], Any] | None = None  # the value as the spider uses it; ValueError names the problem

    def value(self, name: str, given: str | None, settings=None) -> Any:
        raw = given if given not in (None, "") else (settings.get(self.setting) if settings is not None and
                                                     self.setting and settings.get(self.setting) else self.default)
        if raw in (None, ""):
            return None
        if self.parse is None:
            return str(raw).strip()
        try:
            return self.parse(str(raw))
        except ValueError as exc:  # "unknown -a site=co.uk; one of: ..."
            raise TargetError("%s -a %s=%s; %s" % (getattr(exc, "verdict", "bad"), name, raw, exc)) from None


def site_choice(brand: str, sites: list[str]) -> Callable[[str], str]:
    """An ``Option.parse`` for a regional site: ``co.id`` from "co.id", "<brand>.co.id" or
    "https://www.<brand>.co.id/"; anything else is OptionUnknown listing the sites."""
    def parse(value: str) -> str:
        site = value.strip().lower()
        for prefix in ("https://", "http://", "www.", brand + "."):
            site = site[len(prefix):] if site.startswith(prefix) else site
        site = site.strip("/.")
        if site not in sites:
            raise OptionUnknown("one of: %s" % ", ".join(sorted(sites)))
        return site
    return parse


def supported(spidercls) -> list[str]:
    """The target kinds a spider takes: always URLs; a search term and an account where it has those pages."""
    from crawler.spider import PlatformSpider

    kinds = ["url"]
    if spidercls.search_url is not PlatformSpider.search_url:
        kinds.append("query")
    if spidercls.account_url is not PlatformSpider.account_url:
        kinds.append("account")
    return kinds


@lru_cache(maxsize=8)
def _watchlist(path: str, mtime_ns: int):
    return load_watchlist(path)


def watchlist_at(path: str):
    """The watchlist of a file, read once however many times a crawl asks (cached by path and mtime)."""
    try:
        mtime = Path(path).stat().st_mtime_ns
    except OSError:
        mtime = -1  # load_watchlist gives the one-line error
    return _watchlist(str(path), mtime)


def watchlist_targets(spidercls, watchlist) -> dict[str, list[str]]:
    """The watchlist's URLs, terms and accounts for a platform (only the kinds it supports)."""
    kinds = supported(spidercls)
    return {"url": watchlist.urls_for(spidercls.platform, list(spidercls.allowed_domains)),
            "query": watchlist.terms_for(spidercls.platform) if "query" in kinds else [],
            "account": watchlist.accounts_for(spidercls.platform) if "account" in kinds else []}


@dataclass
class Targets:
    urls: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    max_items: int | None = None
    watchlist: Any = None
    watchlist_file: str | None = None
    listed: dict[str, list[str]] = field(default_factory=dict)  # what the watchlist added
    options: dict[str, Any] = field(default_factory=dict)
    query_arg: str | None = None  # -a query and -a account as given (the watchlist's come on top)
    account_arg: str | None = None

    @classmethod
    def parse(cls, spidercls, args: dict[str, Any], settings=None) -> Targets:
        name = spidercls.name
        kinds = supported(spidercls)
        given = [k for k in KINDS if args.get(k)]
        if not given and not args.get("watchlist"):
            raise TargetError("%s: give a target: %s" % (name, ", ".join("-a %s=..." % k for k in kinds)))
        for kind in given:
            if kind not in kinds:
                raise TargetError("%s does not support -a %s; it supports: %s" % (
                    name, kind, ", ".join("-a %s=..." % k for k in kinds)))
        max_items = args.get("max_items")
        if max_items not in (None, "") and not str(max_items).isdigit():
            raise TargetError("%s: -a max_items must be a whole number, got %r" % (name, max_items))
        options = {}
        for option_name, option in getattr(spidercls, "options", {}).items():
            try:
                options[option_name] = option.value(option_name, args.get(option_name), settings)
            except TargetError as exc:
                raise TargetError("%s: %s" % (name, exc)) from None
        targets = cls(urls=[u.strip() for u in str(args.get("url") or "").split(",") if u.strip()],
                      queries=[args["query"]] if args.get("query") else [],
                      accounts=[args["account"]] if args.get("account") else [],
                      max_items=int(max_items) if max_items not in (None, "") else None, options=options,
                      query_arg=args.get("query") or None, account_arg=args.get("account") or None)
        if args.get("watchlist"):
            try:
                targets.watchlist = watchlist_at(str(args["watchlist"]))
            except WatchlistError as exc:
                raise TargetError(str(exc)) from None
            targets.watchlist_file = str(args["watchlist"])
            targets.listed = watchlist_targets(spidercls, targets.watchlist)
            if not any(targets.listed.values()):
                raise TargetError("watchlist %s lists no target %s can crawl (it supports: %s)" % (
                    args["watchlist"], name, ", ".join(kinds)))
            targets.urls += [u for u in targets.listed["url"] if u not in targets.urls]
            targets.queries = list(dict.fromkeys(targets.queries + targets.listed["query"]))
            targets.accounts = list(dict.fromkeys(targets.accounts + targets.listed["account"]))
        check = getattr(spidercls, "check_target", None)
        if check is not None:
            for kind in KINDS:
                for value in getattr(targets, {"url": "urls", "query": "queries", "account": "accounts"}[kind]):
                    problem = check(kind, value)
                    if problem:
                        raise TargetError("%s: %s" % (name, problem))
        return targets

    def describe(self) -> dict:
        """What the manifest records of the crawl's targets."""
        out: dict[str, Any] = {"url": self.urls, "query": self.query_arg, "account": self.account_arg,
                               "max_items": self.max_items}
        if self.options:
            out["options"] = {k: v for k, v in self.options.items() if isinstance(v, (str, int, float))}
        if self.watchlist_file:
            out["watchlist"] = {"file": self.watchlist_file, **self.listed}
        return out


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", value or ""))


def describe_options(spidercls) -> str:
    """Help text for a spider's targets and own arguments (``scrapy crawl <platform> -h``)."""
    lines = ["targets: %s" % ", ".join("-a %s=..." % k for k in supported(spidercls)),
             "         -a max_items=N, -a watchlist=FILE"]
    for name, option in getattr(spidercls, "options", {}).items():
        extra = []
        if option.setting:
            extra.append("setting %s" % option.setting)
        if option.default:
            extra.append("default %s" % option.default)
        lines.append("-a %s=...: %s%s" % (name, option.help, " (%s)" % ", ".join(extra) if extra else ""))
    return "\n".join(lines)
