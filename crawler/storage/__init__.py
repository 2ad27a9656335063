"""Where records and evidence are written: ``open_store(STORE_URI)``, ``writer_for(crawler)``.

``STORE_URI`` is a plain path or ``file:///path`` (the default, ``./data``), or
``s3://bucket/prefix`` (crawler.storage.s3, boto3 with the standard AWS configuration).
Layout (the same on every backend):

- ``records/platform=<p>/kind=<k>/dt=<YYYY-MM-DD>/crawl=<crawl_id>/part-<NNNNN>.jsonl.gz``
- ``crawls/<crawl_id>/manifest.json`` (written last: the crawl's commit marker; a reader
  takes only crawls that have one, and only the parts it lists)
- ``evidence/sha256/<first two hex>/<sha256>.html`` and ``.png`` (content-addressed, stored once)

Nothing is sent to the store straight from memory: every object is first written to a local
spool (``SPOOL_DIR``, crawler.storage.spool) and fsynced, then uploaded by a background thread,
and deleted from the spool only once the store has confirmed its size and checksum. What could
not be uploaded stays there for the next run or ``scrapy flush``.

Errors: ``StoreConfigError`` (a STORE_URI this build cannot use: exit 2) and ``StoreError``
with its kinds ``StoreUnreachable``, ``StoreAuthError``, ``StoreBucketMissing`` (exit 4).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from crawler.storage.local import LocalStore


class StoreConfigError(ValueError):
    """STORE_URI names a store this build cannot write to."""


class StoreError(RuntimeError):
    """The store cannot be used right now (one line naming why)."""


class StoreUnreachable(StoreError):
    """Wrong endpoint, or the server is down."""


class StoreAuthError(StoreError):
    """Bad or missing credentials, or no permission."""


class StoreBucketMissing(StoreError):
    """The bucket does not exist."""


def open_store(uri: str, **options):
    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        return LocalStore(parts.path if parts.scheme == "file" else uri)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise StoreConfigError("STORE_URI %s: no bucket (use s3://bucket/prefix)" % uri)
        from crawler.storage.s3 import S3Store

        return S3Store(parts.netloc, parts.path, **options)
    raise StoreConfigError("STORE_URI %s: unsupported scheme %r (use a path, file:///path or s3://bucket/prefix)"
                           % (uri, parts.scheme))


def store_options(settings) -> dict:
    """Retry bounds of a remote store, from the STORE_* settings."""
    if settings is None:
        return {}
    return {"retry_attempts": settings.getint("STORE_RETRY_ATTEMPTS", 6),
            "retry_seconds": settings.getfloat("STORE_RETRY_SECONDS", 60.0),
            "connect_timeout": settings.getfloat("STORE_CONNECT_TIMEOUT", 5.0)}


def default_spool_dir(store) -> Path:
    """A local store spools inside itself (``<root>/.spool``, same file system); a remote one under
    ``$XDG_STATE_HOME`` (``~/.local/state``), not a cache folder: the spool holds unsent records."""
    if isinstance(store, LocalStore):
        return store.root / ".spool"
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "social-commerce-crawler" / "spool"


def evidence_key(sha256: str, ext: str) -> str:
    return "evidence/sha256/%s/%s.%s" % (sha256[:2], sha256, ext)


def part_key(platform: str, kind: str, day: str, crawl_id: str, number: int) -> str:
    return "records/platform=%s/kind=%s/dt=%s/crawl=%s/part-%05d.jsonl.gz" % (platform, kind, day, crawl_id, number)


def manifest_key(crawl_id: str) -> str:
    return "crawls/%s/manifest.json" % crawl_id


def writer_for(crawler):
    """The crawl's one writer (store + spool + uploader), shared by the spider (evidence) and the
    pipeline (records)."""
    writer = getattr(crawler, "_store_writer", None)
    if writer is None:
        from crawler.storage.spool import Writer

        writer = Writer.from_settings(crawler.settings)
        crawler._store_writer = writer
    return writer
