"""Where records and evidence are written: ``open_store(STORE_URI)``.

``STORE_URI`` is a plain path or ``file:///path`` (the default, ``./data``), or
``s3://bucket/prefix`` (crawler.storage.s3, boto3 with the standard AWS configuration).
Layout (the same on every backend):
- ``records/platform=<p>/kind=<k>/dt=<YYYY-MM-DD>/crawl=<crawl_id>/part-<NNNNN>.jsonl.gz``
- ``crawls/<crawl_id>/manifest.json`` (written last: the crawl's commit marker)
- ``evidence/sha256/<first two hex>/<sha256>.html`` and ``.png`` (content-addressed)
"""
from __future__ import annotations

from urllib.parse import urlsplit

from crawler.storage.local import LocalStore


class StoreConfigError(ValueError):
    """STORE_URI names a store this build cannot write to."""


def open_store(uri: str):
    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        return LocalStore(parts.path if parts.scheme == "file" else uri)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StoreConfigError("STORE_URI %s: no bucket (use s3://bucket/prefix)" % uri)
        from crawler.storage.s3 import S3Store

        return S3Store(parts.netloc, parts.path)
    raise StoreConfigError("STORE_URI %s: unsupported scheme %r (use a path, file:///path or s3://bucket/prefix)"
                           % (uri, parts.scheme))


def evidence_key(sha256: str, ext: str) -> str:
    return "evidence/sha256/%s/%s.%s" % (sha256[:2], sha256, ext)
