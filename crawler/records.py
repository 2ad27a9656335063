"""Serialising records: one JSON object per line, UTF-8, nulls kept."""
from __future__ import annotations

import json

from crawler.schema import Envelope


def to_dict(record: Envelope) -> dict:
    return record.model_dump(mode="json")


def to_json_line(record: Envelope) -> bytes:
    return (json.dumps(to_dict(record), ensure_ascii=False) + "\n").encode("utf-8")
