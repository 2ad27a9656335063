"""The shared record schema (../shared/SCHEMA.md, version 1) as pydantic v2 models.

Four record kinds (post, listing, live, account) share one envelope. The models
are strict on purpose: ids must already be strings, counts integers, money a
decimal string with an ISO 4217 code and times UTC ending in ``Z``. Parsers get
there through ``crawler.helpers``; a value that slips through unconverted raises
a ``ValidationError`` naming the field instead of reaching downstream scoring.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, TypeAdapter

SCHEMA_VERSION = "1.0"

PLATFORMS = (
    "tiktok", "tiktok_shop", "douyin", "kuaishou", "xiaohongshu", "weibo", "instagram", "youtube",
    "facebook_marketplace", "taobao", "tmall", "amazon", "ebay", "shopee", "aliexpress",
    "mercadolibre", "etsy", "shopify", "tokopedia", "lazada", "web",
)
Platform = Literal[
    "tiktok", "tiktok_shop", "douyin", "kuaishou", "xiaohongshu", "weibo", "instagram", "youtube",
    "facebook_marketplace", "taobao", "tmall", "amazon", "ebay", "shopee", "aliexpress",
    "mercadolibre", "etsy", "shopify", "tokopedia", "lazada", "web",
]
EXTRACTORS = ("hydration", "api", "jsonld", "microdata", "dom", "meta", "shape")
# one extractor, or several joined by "+" when a card and its detail page were merged into one record
# (crawler.analyst.merge): "dom+jsonld" is the card's then the detail page's
Extractor = Annotated[StrictStr, Field(pattern=r"^(%s)(\+(%s))*$" % ("|".join(EXTRACTORS), "|".join(EXTRACTORS)))]

_UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def _utc_time(value: str) -> str:
    if not _UTC_Z.match(value):
        raise ValueError("must be an ISO 8601 UTC time ending in Z, like 2025-09-19T20:57:31Z")
    return value


def _decimal_string(value: str) -> str:
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValueError("must be a decimal string in major units with a dot, like '24.17'")
    try:
        Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees it
        raise ValueError("not a decimal number") from exc
    return value


def _absolute_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError("must be an absolute http(s) URL")
    return value


UtcTime = Annotated[StrictStr, AfterValidator(_utc_time)]
Count = Annotated[StrictInt, Field(ge=0)]
Url = Annotated[StrictStr, AfterValidator(_absolute_url)]
Id = Annotated[StrictStr, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Money(_Model):
    amount: Annotated[StrictStr, AfterValidator(_decimal_string)]
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")]


class AccountRef(_Model):
    id: StrictStr | None = None
    handle: StrictStr | None = None
    name: StrictStr | None = None
    url: Url | None = None


class Contact(_Model):
    type: Literal["phone", "wechat", "whatsapp", "telegram", "line", "qq", "email", "url"]
    value: StrictStr
    source: StrictStr


class Evidence(_Model):
    html_key: StrictStr | None = None
    screenshot_key: StrictStr | None = None
    sha256: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    captured_at: UtcTime | None = None


class Metrics(_Model):
    views: Count | None = None
    likes: Count | None = None
    comments: Count | None = None
    shares: Count | None = None
    saves: Count | None = None


class Music(_Model):
    title: StrictStr | None = None
    author: StrictStr | None = None


class Envelope(_Model):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    platform: Platform
    id: Id
    url: Url
    source_url: StrictStr
    fetched_at: UtcTime
    crawl_id: StrictStr
    query: StrictStr | None = None
    extractor: Extractor
    partial: StrictBool = False
    contacts: list[Contact] = Field(default_factory=list)
    signals: dict[str, Any] = Field(default_factory=dict)
    evidence: Evidence | None = None


class Post(Envelope):
    kind: Literal["post"] = "post"
    author: AccountRef
    title: StrictStr | None = None
    text: StrictStr | None = None
    hashtags: list[StrictStr] = Field(default_factory=list)
    created_at: UtcTime | None = None
    media_type: Literal["video", "images", "text", "link"]
    duration_s: Annotated[float, Field(ge=0)] | None = None
    image_count: Count | None = None
    metrics: Metrics = Field(default_factory=Metrics)
    music: Music | None = None
    location: StrictStr | None = None
    products: list[StrictStr] = Field(default_factory=list)


class Listing(Envelope):
    kind: Literal["listing"] = "listing"
    # SCHEMA.md says string; search cards whose title the page does not show are null (unknown is null).
    title: StrictStr | None = None
    description: StrictStr | None = None
    price: Money | None = None
    price_max: Money | None = None
    original_price: Money | None = None
    shipping: Money | None = None
    seller: AccountRef | None = None
    sold_count: Count | None = None
    rating: Annotated[float, Field(ge=0, le=5)] | None = None
    review_count: Count | None = None
    condition: Literal["new", "used", "refurbished"] | None = None
    availability: Literal["in_stock", "out_of_stock"] | None = None
    brand: StrictStr | None = None
    category: StrictStr | None = None
    location: StrictStr | None = None
    images: list[Url] = Field(default_factory=list)
    sold_at: UtcTime | None = None


class Live(Envelope):
    kind: Literal["live"] = "live"
    host: AccountRef
    title: StrictStr | None = None
    status: Literal["live", "ended", "scheduled", "unknown"] = "unknown"
    started_at: UtcTime | None = None
    viewers: Count | None = None
    total_viewers: Count | None = None
    likes: Count | None = None
    products: list[StrictStr] = Field(default_factory=list)


class Account(Envelope):
    kind: Literal["account"] = "account"
    handle: StrictStr | None = None
    name: StrictStr | None = None
    bio: StrictStr | None = None
    followers: Count | None = None
    following: Count | None = None
    likes_total: Count | None = None
    posts_count: Count | None = None
    verified: StrictBool | None = None
    region: StrictStr | None = None
    links: list[StrictStr] = Field(default_factory=list)


Record = Union[Post, Listing, Live, Account]
KINDS: dict[str, type[Envelope]] = {"post": Post, "listing": Listing, "live": Live, "account": Account}
_RECORD_ADAPTER = TypeAdapter(Annotated[Record, Field(discriminator="kind")])


def validate_record(data: dict[str, Any]) -> Record:
    """Validate a record dict (for example one line read back from storage)."""
    return _RECORD_ADAPTER.validate_python(data)


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_schema() -> dict[str, Any]:
    """JSON Schema of all four record kinds (what `scrapy schema` prints)."""
    schema = _RECORD_ADAPTER.json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Social-commerce crawler record, schema_version %s" % SCHEMA_VERSION
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
