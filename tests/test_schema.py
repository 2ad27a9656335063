"""The pydantic models follow SCHEMA.md: field names, types, rules, and a committed JSON Schema."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from pydantic import ValidationError

from crawler.records import to_dict
from crawler.schema import SCHEMA_VERSION, Account, Listing, Live, Post, json_schema, json_schema_text, validate_record

ENVELOPE = dict(platform="tiktok", id="7551907319324364062", url="https://www.tiktok.com/@a/video/7551907319324364062",
                source_url="https://www.tiktok.com/@a/video/7551907319324364062", fetched_at="2026-01-01T00:00:00Z",
                crawl_id="c1", extractor="hydration")
SCHEMA_FIELDS = {
    "post": ["author", "title", "text", "hashtags", "created_at", "media_type", "duration_s", "image_count",
             "metrics", "music", "location", "products"],
    "listing": ["title", "description", "price", "price_max", "original_price", "shipping", "seller", "sold_count",
                "rating", "review_count", "condition", "availability", "brand", "category", "location", "images", "sold_at"],
    "live": ["host", "title", "status", "started_at", "viewers", "total_viewers", "likes", "products"],
    "account": ["handle", "name", "bio", "followers", "following", "likes_total", "posts_count", "verified", "region", "links"],
}
ENVELOPE_FIELDS = ["schema_version", "kind", "platform", "id", "url", "source_url", "fetched_at", "crawl_id", "query",
                   "extractor", "contacts", "signals", "evidence"]


def post(**fields):
    return Post(**{**ENVELOPE, "author": {"handle": "a"}, "media_type": "video", **fields})


def test_committed_json_schema_is_current():
    committed = resources.files("crawler").joinpath("schema.json").read_text(encoding="utf-8")
    assert committed == json_schema_text(), "crawler/schema.json is stale: run `scrapy schema > crawler/schema.json`"


def test_json_schema_is_valid_and_accepts_a_record():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    record = to_dict(post(text="hi #a", metrics={"views": 5}))
    jsonschema.validate(record, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**record, "kind": "tweet"}, schema)


@pytest.mark.parametrize("model,kind", [(Post, "post"), (Listing, "listing"), (Live, "live"), (Account, "account")])
def test_every_schema_field_is_there(model, kind):
    fields = set(model.model_fields)
    for name in ENVELOPE_FIELDS + SCHEMA_FIELDS[kind]:
        assert name in fields, "%s lacks %s" % (kind, name)


def test_defaults_follow_the_rules():
    record = to_dict(post())
    assert record["schema_version"] == SCHEMA_VERSION == "1.0"
    assert record["metrics"] == {"views": None, "likes": None, "comments": None, "shares": None, "saves": None}
    assert record["query"] is None and record["evidence"] is None and record["contacts"] == []


@pytest.mark.parametrize("field,value", [
    ("id", 7551907319324364062),            # ids are strings, never numbers
    ("created_at", "2025-09-19 20:57:31"),   # UTC with Z
    ("created_at", "2025-09-19T22:57:31+02:00"),
    ("image_count", "3"),                    # counts are integers
    ("image_count", -1),
    ("metrics", {"views": 1.5}),
    ("media_type", "reel"),
    ("url", "/video/1"),                     # absolute URLs
    ("platform", "myspace"),
    ("surprise", 1),                         # no unknown fields
])
def test_invalid_data_names_the_field(field, value):
    with pytest.raises(ValidationError) as info:
        post(**{field: value})
    assert field in str(info.value)


@pytest.mark.parametrize("price", [{"amount": 24.17, "currency": "USD"}, {"amount": "24,17", "currency": "USD"},
                                   {"amount": "24.17", "currency": "usd"}, {"amount": "24.17", "currency": "$"}])
def test_money_is_a_decimal_string_with_iso_currency(price):
    with pytest.raises(ValidationError, match="price"):
        Listing(**{**ENVELOPE, "title": "x", "price": price})


def test_listing_round_trips_through_json():
    listing = Listing(**{**ENVELOPE, "platform": "shopee", "title": "耐克 Air 1:1",
                         "price": {"amount": "4599000", "currency": "IDR"}, "rating": 4.9, "sold_count": 123})
    line = json.dumps(to_dict(listing), ensure_ascii=False)
    assert "耐克" in line
    again = validate_record(json.loads(line))
    assert again == listing and again.price.amount == "4599000"


def test_rating_is_on_a_five_point_scale():
    with pytest.raises(ValidationError, match="rating"):
        Listing(**{**ENVELOPE, "title": "x", "rating": 9.2})
