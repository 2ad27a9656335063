"""A brand's watchlist: brands with aliases and reference prices, search terms, accounts and URLs
to monitor, and the platforms for each. YAML (``.yaml``/``.yml``) or TOML (``.toml``).

``load_watchlist(path)`` validates the file (pydantic) and raises ``WatchlistError`` with one line
naming the file, the line (YAML) and the field, and what is wrong, for example::

    watchlist bad.yaml: line 7: brands[0].reference_prices[0].currency: must be a 3-letter ISO 4217 code like USD, got 'usd'

The shape (see ``examples/watchlist.yaml``)::

    name: …                       # optional
    platforms: [tiktok, shopee]   # the default platforms of terms, accounts and urls without their own
    brands:
      - name: Nike
        aliases: [NIKE, 耐克, ナイキ]
        reference_prices: [{amount: "120", currency: USD}]
        products:
          - name: Air Jordan 1
            aliases: [AJ1, 乔丹1]
            reference_prices: [{amount: "180", currency: USD}, {amount: "1299", currency: CNY}]
    terms: ["nike 1:1", {term: 耐克 高仿, platforms: [douyin, xiaohongshu]}]
    accounts: [{account: "@serum.dupes", platforms: [tiktok]}]
    urls: ["https://www.tiktok.com/@glowshop.demo/video/7400000000000000001"]

A url without platforms goes to the platforms whose domains it is on.
"""
from __future__ import annotations

import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.schema import PLATFORMS


class WatchlistError(ValueError):
    """An invalid or unreadable watchlist (one line, for the crawl command to print)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _platforms(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item not in PLATFORMS:
                raise ValueError("unknown platform %r (known: %s)" % (item, ", ".join(PLATFORMS)))
    return value


class ReferencePrice(_Model):
    amount: Decimal
    currency: str

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError("must be a number like 120 or \"119.99\"")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("must be a number like 120 or \"119.99\", got %r" % value) from None
        if not amount.is_finite() or amount <= 0:
            raise ValueError("must be a positive number, got %r" % value)
        return amount

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError("must be a 3-letter ISO 4217 code like USD, got %r" % value)
        return value


class _Named(_Model):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    reference_prices: list[ReferencePrice] = Field(default_factory=list)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        if any(not alias.strip() for alias in value):
            raise ValueError("an alias is empty")
        return value

    @field_validator("reference_prices")
    @classmethod
    def _one_per_currency(cls, value: list[ReferencePrice]) -> list[ReferencePrice]:
        currencies = [p.currency for p in value]
        twice = sorted({c for c in currencies if currencies.count(c) > 1})
        if twice:
            raise ValueError("more than one reference price in %s" % ", ".join(twice))
        return value

    def names(self) -> list[str]:
        return [self.name] + self.aliases

    def price_in(self, currency: str) -> Decimal | None:
        return next((p.amount for p in self.reference_prices if p.currency == currency), None)


class Product(_Named):
    pass


class Brand(_Named):
    products: list[Product] = Field(default_factory=list)
    platforms: list[str] | None = None

    @field_validator("platforms", mode="before")
    @classmethod
    def _check_platforms(cls, value: Any) -> Any:
        return _platforms(value)


class _Target(_Model):
    platforms: list[str] | None = None

    @field_validator("platforms", mode="before")
    @classmethod
    def _check_platforms(cls, value: Any) -> Any:
        return _platforms(value)


class TermTarget(_Target):
    term: str = Field(min_length=1)


class AccountTarget(_Target):
    account: str = Field(min_length=1)


class UrlTarget(_Target):
    url: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+\.[^\s/]+", value):
            raise ValueError("must be an absolute http(s) URL, got %r" % value)
        return value


class Watchlist(_Model):
    name: str | None = None
    platforms: list[str] = Field(default_factory=list)
    brands: list[Brand] = Field(default_factory=list)
    terms: list[TermTarget] = Field(default_factory=list)
    accounts: list[AccountTarget] = Field(default_factory=list)
    urls: list[UrlTarget] = Field(default_factory=list)

    @field_validator("platforms", mode="before")
    @classmethod
    def _check_platforms(cls, value: Any) -> Any:
        return _platforms(value)

    @field_validator("terms", "accounts", "urls", mode="before")
    @classmethod
    def _shorthand(cls, value: Any, info) -> Any:
        """A plain string stands for {term: …} / {account: …} / {url: …}."""
        key = info.field_name[:-1]
        if isinstance(value, list):
            return [{key: item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _something_to_crawl(self) -> "Watchlist":
        if not (self.terms or self.accounts or self.urls):
            raise ValueError("nothing to crawl: give terms, accounts or urls")
        return self

    # ---- targets
    def _on(self, target: _Target, platform: str) -> bool:
        return platform in (target.platforms if target.platforms is not None else self.platforms)

    def terms_for(self, platform: str) -> list[str]:
        return list(dict.fromkeys(t.term for t in self.terms if self._on(t, platform)))

    def accounts_for(self, platform: str) -> list[str]:
        return list(dict.fromkeys(a.account for a in self.accounts if self._on(a, platform)))

    def urls_for(self, platform: str, domains: list[str] | tuple[str, ...] = ()) -> list[str]:
        """URLs listed for the platform; a URL without platforms goes where its host is one of ``domains``."""
        out = []
        for target in self.urls:
            if target.platforms is not None:
                if platform in target.platforms:
                    out.append(target.url)
                continue
            host = (re.match(r"^https?://([^/:?#]+)", target.url).group(1)).lower()
            if any(host == d or host.endswith("." + d) for d in domains):
                out.append(target.url)
        return list(dict.fromkeys(out))

    # ---- brands
    def brand_mentions(self, text: str) -> list[Brand]:
        from crawler.signals import fold

        folded = fold(text)
        return [brand for brand in self.brands
                if any(_mentioned(fold(name), folded) for name in brand.names()
                       + [n for p in brand.products for n in p.names()])]

    def reference_price(self, brands: list[Brand], text: str, currency: str) -> tuple[str, Decimal | None] | None:
        """(label, amount) of the reference for a price in ``currency``: a mentioned product's, else
        the brand's; amount None when there are reference prices but none in that currency."""
        from crawler.signals import fold

        folded = fold(text)
        for brand in brands:
            for product in brand.products:
                if product.reference_prices and any(_mentioned(fold(n), folded) for n in product.names()):
                    return "%s %s" % (brand.name, product.name), product.price_in(currency)
        for brand in brands:
            if brand.reference_prices:
                return brand.name, brand.price_in(currency)
        return None


def _mentioned(name: str, folded: str) -> bool:
    """A name as a whole word (Latin) or anywhere (CJK, Thai...); "#nikeair" mentions nike."""
    if not name:
        return False
    pattern = re.escape(name).replace(r"\ ", r"[\s\-]*")
    if re.match(r"[a-z0-9]", name):
        pattern = r"(?:(?<![a-z0-9])|(?<=#))" + pattern
        if re.search(r"[a-z0-9]$", name):
            pattern += r"(?![a-z0-9])"
    if re.search(pattern, folded):
        return True
    # in a hashtag, a name may be glued to the next word: "#nikeairmax"
    return len(name) >= 4 and re.match(r"[a-z0-9]", name) is not None and \
        re.search(r"#" + re.escape(name.replace(" ", "")), folded) is not None


# ---------------------------------------------------------------- loading, with one-line errors

def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += "[%d]" % part if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def _yaml_line(text: str, loc: tuple) -> int | None:
    import yaml

    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        elif isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                break
            node = match[0] if last and isinstance(match[1], (yaml.MappingNode, yaml.SequenceNode)) else match[1]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _message(error: dict) -> str:
    kind, msg = error.get("type", ""), error.get("msg", "")
    if kind == "extra_forbidden":
        return "unknown field (a typo?)"
    if kind == "missing":
        return "missing"
    msg = re.sub(r"^Value error, ", "", msg)
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type", "decimal_type"):
        return "%s, got %r" % (msg.replace("Input should be", "must be"), error.get("input"))
    return msg.replace("Input should be", "must be")


def parse_watchlist(text: str, name: str = "watchlist", fmt: str = "yaml") -> Watchlist:
    if fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise WatchlistError("watchlist %s: not valid TOML: %s" % (name, " ".join(str(exc).split()))) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = "line %d: " % (mark.line + 1) if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise WatchlistError("watchlist %s: %snot valid YAML: %s" % (name, where, " ".join(problem.split()))) from None
    if not isinstance(data, dict):
        raise WatchlistError("watchlist %s: expected a mapping with brands, terms, accounts, urls; got %s"
                             % (name, "an empty file" if data is None else type(data).__name__))
    try:
        return Watchlist.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = tuple(first.get("loc", ()))
        line = _yaml_line(text, loc) if fmt != "toml" and loc else None
        parts = ["watchlist %s" % name]
        if line:
            parts.append("line %d" % line)
        if loc:
            parts.append(_where(loc))
        more = " (and %d more)" % (len(errors) - 1) if len(errors) > 1 else ""
        raise WatchlistError("%s: %s%s" % (": ".join(parts), " ".join(_message(first).split()), more)) from None


def load_watchlist(path: str | Path) -> Watchlist:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WatchlistError("watchlist %s: cannot read it: %s" % (path, reason)) from None
    fmt = "toml" if path.suffix.lower() == ".toml" else "yaml"
    return parse_watchlist(text, str(path), fmt)
