"""Where records and evidence are written: ``open_store(STORE_URI)``, ``writer_for(crawler)``.

``STORE_URI`` is a plain path or ``file:///path`` (the default, ``./data``), or
``s3://bucket/prefix`` (crawler.storage.s3, boto3 with the standard AWS configuration). What a store
offers is declared once (crawler.storage.base.Store); the key layout too (crawler.storage.keys):

- ``records/platform=<p>/kind=<k>/dt=<YYYY-MM-DD>/crawl=<crawl_id>/part-<NNNNN>.jsonl.gz``
- ``crawls/<crawl_id>/manifest.json`` (written last: the crawl's commit marker; a reader
  takes only crawls that have one, and only the parts it lists: crawler.storage.reader)
- ``evidence/sha256/<first two hex>/<sha256>.html`` and ``.png`` (content-addressed, stored once)

Nothing is sent to the store straight from memory: every object is first written to a local
spool (``SPOOL_DIR``, crawler.storage.spool), each crawl in its own locked folder, and fsynced,
then uploaded by a background thread, and deleted from the spool only once the store has confirmed
its size and checksum. What could not be uploaded stays there for the next run or ``scrapy flush``.

Errors (crawler.storage.errors): ``StoreConfigError`` (a STORE_URI this build cannot use: exit 2) and
``StoreError`` with its kinds ``StoreUnreachable``, ``StoreTimeout``, ``StoreAuthError``,
``StoreBucketMissing`` and ``SpoolFull`` (exit 4).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from crawler.storage.base import Store
from crawler.storage.errors import (
    SpoolFull,
    StoreAuthError,
    StoreBucketMissing,
    StoreConfigError,
    StoreError,
    StoreTimeout,
    StoreUnreachable,
)
from crawler.storage.keys import evidence_key, manifest_key, part_key
from crawler.storage.local import LocalStore

__all__ = ["Store", "LocalStore", "SpoolFull", "StoreAuthError", "StoreBucketMissing", "StoreConfigError",
           "StoreError", "StoreTimeout", "StoreUnreachable", "evidence_key", "manifest_key", "part_key",
           "open_store", "store_options", "default_spool_dir", "writer_for"]


def open_store(uri: str, **options) -> Store:
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
    """The bounds of a remote store, from the STORE_* settings."""
    if settings is None:
        return {}
    return {"retry_attempts": settings.getint("STORE_RETRY_ATTEMPTS", 6),
            "retry_seconds": settings.getfloat("STORE_RETRY_SECONDS", 60.0),
            "connect_timeout": settings.getfloat("STORE_CONNECT_TIMEOUT", 5.0),
            "read_timeout": settings.getfloat("STORE_READ_TIMEOUT", 20.0),
            "breaker_timeouts": settings.getint("STORE_BREAKER_TIMEOUTS", 3)}


def open_bounded(uri: str, settings) -> Store:
    """A store for a command (records, flush, contacts): every request bounded, and the whole command
    within ``STORE_RETRY_SECONDS`` (plus one request timeout at most)."""
    store = open_store(uri, **store_options(settings))
    store.set_deadline(settings.getfloat("STORE_RETRY_SECONDS", 60.0) if settings is not None else 60.0)
    return store


def default_spool_dir(store) -> Path:
    """A local store spools inside itself (``<root>/.spool``, same file system); a remote one under
    ``$XDG_STATE_HOME`` (``~/.local/state``), not a cache folder: the spool holds unsent records."""
    if isinstance(store, LocalStore):
        return store.root / ".spool"
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "social-commerce-crawler" / "spool"


def writer_for(crawler):
    """The crawl's one writer (store + spool + uploader), shared by the spider (evidence) and the
    pipeline (records)."""
    writer = getattr(crawler, "_store_writer", None)
    if writer is None:
        from crawler.storage.spool import Writer

        writer = Writer.from_settings(crawler.settings)
        crawler._store_writer = writer
    return writer
